"""A page that includes a ``# keras-a-medida: needs-jax`` module runs on JAX, and says so.

Its notebook runs in a kernel started with ``KERAS_BACKEND=jax`` (never the shared
TensorFlow one), its install cell sets the backend before any cell imports Keras, the
"Tested with" line under its title names JAX only, and the TensorFlow lane skips the
module. ``guide/customizing-fit-jax.md`` is the site's page of this kind.
"""

from __future__ import annotations

import shutil

import nbformat
import pytest

from keras_a_medida import backends
from keras_a_medida.colab import add_install_cell
from keras_a_medida.config import load_site_config
from keras_a_medida.kernel import run_page_notebook
from keras_a_medida.notebooks import BACKEND_KEY, notebook_backend, notebook_from_page
from keras_a_medida.tested_pages import render
from tests_paths import ROOT

JAX_PAGE = "guide/customizing-fit-jax.md"
JAX_MODULE = "snippets/custom_fit/jax_train_step.py"
TF_PAGE = "guide/customizing-fit.md"
ASK = "import os, keras\nprint(os.environ['KERAS_BACKEND'], keras.backend.backend())\n"


def test_a_jax_notebook_gets_a_jax_kernel_not_the_shared_one(kernel, tmp_path):
    shutil.copy(ROOT / "requirements.lock", tmp_path)  # the cache key reads it
    notebook = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(ASK)])
    notebook.metadata[BACKEND_KEY] = {"backend": "jax"}
    on_jax = run_page_notebook(notebook, tmp_path, False, kernel)
    assert [(r.stdout, r.error) for r in on_jax] == [("jax jax\n", None)]
    del notebook.metadata[BACKEND_KEY]
    shared = run_page_notebook(notebook, tmp_path, False, kernel)
    assert [r.stdout for r in shared] == ["tensorflow tensorflow\n"]


@pytest.mark.parametrize("lang", ["en", "es"])
def test_the_jax_page_notebook_and_its_install_cell_set_the_backend(site_config, lang):
    page = site_config.lang_dir(lang) / JAX_PAGE
    notebook = notebook_from_page(page, site_config, lang)
    assert notebook_backend(notebook) == "jax"
    assert "KERAS_BACKEND=jax" in notebook.cells[1].source  # the introduction
    add_install_cell(notebook, ROOT / "requirements.lock", "https://github.com/o/r", lang)
    first = notebook.cells[0].source
    assert 'os.environ["KERAS_BACKEND"] = "jax"' in first, first
    assert " jax==" in first and " jaxlib==" in first, first
    other = notebook_from_page(site_config.lang_dir(lang) / TF_PAGE, site_config, lang)
    assert notebook_backend(other) == "tensorflow" and BACKEND_KEY not in other.metadata
    add_install_cell(other, ROOT / "requirements.lock", "https://github.com/o/r", lang)
    assert "KERAS_BACKEND" not in other.cells[0].source


def test_the_jax_page_says_it_was_tested_on_jax(site_config):
    record = backends.load_record(ROOT)
    assert record.get("modules", {}).get(JAX_MODULE) == ["jax"], (
        f"{backends.DATA_FILE}: rewrite it with {backends.WRITE_COMMAND}"
    )
    text = (site_config.lang_dir("en") / JAX_PAGE).read_text(encoding="utf-8")
    rendered = render(text, "en", record, site_config, backends.WRITE_COMMAND)
    assert "(backends: JAX).</p>" in rendered and "TensorFlow 2." not in rendered
    assert "Tested on JAX only." in rendered
    other = (site_config.lang_dir("en") / TF_PAGE).read_text(encoding="utf-8")
    assert "(backends: TensorFlow and JAX).</p>" in render(
        other, "en", record, site_config, backends.WRITE_COMMAND
    )


def test_the_tensorflow_lane_skips_a_jax_only_module_and_the_jax_run_has_it():
    assert ROOT / JAX_MODULE not in backends.tensorflow_modules(load_site_config(ROOT))
    assert ROOT / JAX_MODULE in backends.jax_modules(load_site_config(ROOT))


def test_a_page_cannot_mix_jax_only_and_tensorflow_only_modules():
    tf_only = ROOT / "snippets/custom_fit/stateless.py"
    assert backends.page_backend([tf_only], "guide/x.md") == "tensorflow"
    with pytest.raises(ValueError, match=r"guide/x\.md: includes jax_train_step\.py"):
        backends.page_backend([ROOT / JAX_MODULE, tf_only], "guide/x.md")
