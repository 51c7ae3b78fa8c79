"""`make new` scaffolds a component whose failures say exactly what is left to do."""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from keras_a_medida.checks import run_checks
from keras_a_medida.config import load_site_config
from keras_a_medida.kernel import run_page
from keras_a_medida.pages import read_blocks
from keras_a_medida.scaffold import ScaffoldError, scaffold
from keras_a_medida.translations import stamp_translation

MODULE = "snippets/metrics/my_metric.py"
EN, ES = "docs/en/guide/my-metric.md", "docs/es/guide/my-metric.md"

FILLED_MODULE = '''"""The mean of a tensor, as a metric function.

Shown on guide/my-metric.md. Run it as a script to check it.
"""

# --8<-- [start:define]
import keras
from keras import ops


def my_metric(x):
    """The mean of ``x``."""
    return ops.mean(x)


# --8<-- [end:define]

# --8<-- [start:use]
print(round(float(my_metric(ops.ones((2,)))), 4))
# --8<-- [end:use]
assert float(my_metric(ops.arange(3.0))) == 1.0
assert keras.__version__.startswith("3.")
'''


def fresh(root):
    return load_site_config(root)


def problems(root):
    return [str(p) for p in run_checks(fresh(root))]


def fill(path, replacements):
    text = path.read_text(encoding="utf-8")
    text = re.sub(r"TODO: run make outputs to write what the block prints", "1.0", text)
    for old, new in replacements:
        text = re.sub(old, new, text)
    path.write_text(text, encoding="utf-8")


def test_scaffold_fails_with_what_is_left_then_passes_when_filled(site_copy, kernel):
    written = scaffold(fresh(site_copy), "metrics/my_metric")
    assert [p.relative_to(site_copy).as_posix() for p in written] == [MODULE, EN, ES, "mkdocs.yml"]
    found = problems(site_copy)
    for path in (MODULE, EN, ES, "mkdocs.yml"):
        assert any(p.startswith(f"{path}:") and "placeholder left" in p for p in found), path
    assert not any("twin" in p or "anchor" in p or "not shown" in p for p in found), found

    site = fresh(site_copy)
    results = run_page(site_copy / EN, site, kernel)
    assert len(results) == 2 and results[0].error is None
    assert "NotImplementedError: TODO: write my_metric in snippets/metrics/my_metric.py" in (
        results[1].error
    )

    # The contributor writes the component and the English page...
    (site_copy / MODULE).write_text(FILLED_MODULE, encoding="utf-8")
    fill(site_copy / EN, [(r"TODO: [^\n]*", "Some English text.")])
    fill(
        site_copy / "mkdocs.yml",
        [(r"My metric: TODO título en español", "My metric: Mi métrica")],
    )
    found = problems(site_copy)
    assert any(p.startswith(f"{ES}:1: {EN} changed since this translation") for p in found)

    # ...then the Spanish page, and stamps it.
    title = "\n# TODO: My metric (el título en español) { #my-metric }\n"
    assert title in (site_copy / ES).read_text(encoding="utf-8")
    fill(
        site_copy / ES,
        [(r"TODO: My metric \(el título en español\)", "Mi métrica"), (r"TODO: [^\n]*", "Texto.")],
    )
    stamp_translation(site_copy / ES, fresh(site_copy))
    assert problems(site_copy) == []
    site = fresh(site_copy)
    blocks = [b for b in read_blocks(site_copy / EN, site) if b.is_python]
    results = run_page(site_copy / EN, site, kernel)
    assert [r.error for r in results] == [None, None]
    assert results[1].stdout == blocks[1].expected_output == "1.0\n"


def test_scaffold_refuses_bad_names_and_existing_files(site_copy):
    with pytest.raises(ScaffoldError, match="use topic/name"):
        scaffold(fresh(site_copy), "My Metric")
    scaffold(fresh(site_copy), "metrics/my_metric")
    with pytest.raises(ScaffoldError, match="snippets/metrics/my_metric.py already exists"):
        scaffold(fresh(site_copy), "metrics/my_metric")


def test_the_scaffolded_module_passes_ruff(site_copy):
    """`make test` lints first: a module that fails ruff would stop it before the list."""
    scaffold(fresh(site_copy), "constraints/unit_sum_with_margin")
    module = site_copy / "snippets/constraints/unit_sum_with_margin.py"
    for command in (["check"], ["format", "--check", "--diff"]):
        done = subprocess.run(
            [sys.executable, "-m", "ruff", *command, str(module)],
            cwd=site_copy,
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, f"ruff {command[0]}: {done.stdout}{done.stderr}"
