"""Every snippets module that does not need TensorFlow prints the same on JAX.

One process runs all of them under ``KERAS_BACKEND=jax`` (the ``jax_results`` fixture,
started beside the pages when collection ends), while the ``snippet_results`` process runs
every module on TensorFlow. Each module's JAX output must equal its TensorFlow output, except where
its pages show the JAX output (see [keras_a_medida.backends][]). ``data/tested.json``,
which the pages render, must say what this run found.
"""

from __future__ import annotations

import json

import pytest

from keras_a_medida import backends
from keras_a_medida.checks import run_checks
from keras_a_medida.config import load_site_config
from tests_paths import ROOT

SITE = load_site_config(ROOT)
JAX_MODULES = [m.relative_to(ROOT).as_posix() for m in backends.jax_modules(SITE)]


def test_jax_outputs_on_pages_belong_to_one_module():
    declared = backends.declared_outputs(SITE)
    for item in declared:
        assert item.module in JAX_MODULES, (
            f"{item.page}:{item.line}: a JAX output for {item.module}, which the JAX run "
            f"skips (it is marked {backends.MARKER_LINE!r})"
        )
    assert JAX_MODULES, "every snippets module is marked needs-tensorflow"


@pytest.mark.parametrize("module", JAX_MODULES)
def test_module_prints_the_same_on_jax(module, jax_results, snippet_results):
    tensorflow = snippet_results
    jax = jax_results
    assert jax["backend"] == "jax", f"the JAX run ran on {jax['backend']}"
    jax_only = backends.needs_jax(ROOT / module)  # its page, run on JAX, checks its outputs
    assert jax_only or module in tensorflow, f"{module} was not run on TensorFlow"
    why = backends.compare(
        module,
        None if jax_only else tensorflow[module],
        jax["modules"].get(module),
        backends.declared_outputs(SITE),
    )
    assert not why, why


def test_tested_json_says_what_this_run_found(jax_results, record_property, snippet_results):
    tensorflow = snippet_results
    for key in ("seconds", "cpu_seconds"):  # the JAX run's cost, in --junitxml reports
        record_property(f"jax_run_{key}", jax_results[key])
    committed = backends.load_record(ROOT)
    current = backends.record(
        SITE,
        tensorflow,
        jax_results,
        backends.declared_outputs(SITE),
        committed.get("date", ""),
    )
    differences = backends.stale(committed, current)
    assert not differences, (
        f"{backends.DATA_FILE} is stale (the pages render it):\n  "
        + "\n  ".join(differences)
        + f"\nrewrite it with: {backends.WRITE_COMMAND}"
    )


def test_record_is_dated_and_names_its_command():
    committed = backends.load_record(ROOT)
    assert committed, f"{backends.DATA_FILE} is missing: run {backends.WRITE_COMMAND}"
    assert committed["written_by"] == backends.WRITE_COMMAND
    assert len(committed["date"]) == 10 and committed["date"][4] == "-", committed["date"]


def test_guard_refuses_a_module_that_uses_tf_unmarked(site_copy):
    module = site_copy / "snippets/choosing/uses_tf.py"
    module.write_text('"""Uses tf."""\n\nimport keras\nimport tensorflow as tf\n', "utf-8")
    problems = backends.check_tensorflow_markers(load_site_config(site_copy))
    assert [(p.path, p.line) for p in problems] == [("snippets/choosing/uses_tf.py", 4)]
    assert backends.MARKER_LINE in problems[0].fix
    everything = run_checks(load_site_config(site_copy))
    assert any(p.path.endswith("uses_tf.py") and p.line == 4 for p in everything)

    module.write_text(f'"""Uses tf."""\n\n{backends.MARKER_LINE}\nimport tensorflow\n', "utf-8")
    assert backends.check_tensorflow_markers(load_site_config(site_copy)) == []


def test_a_different_jax_output_fails_with_a_diff():
    declared = [backends.Declared("en", "p.md", 7, "m.py", "a: 1\n", "a: 2\n")]
    tensorflow = {"ok": True, "stdout": "start\na: 1\n"}
    assert (
        backends.compare("m.py", tensorflow, {"ok": True, "stdout": "start\na: 2\n"}, declared)
        == ""
    )
    why = backends.compare("m.py", tensorflow, {"ok": True, "stdout": "start\na: 3\n"}, declared)
    assert "prints something else on JAX" in why and "+a: 3" in why and "-a: 2" in why
    why = backends.compare("m.py", {"ok": True, "stdout": "other\n"}, tensorflow, declared)
    assert why.startswith("p.md:7: the TensorFlow output above this JAX output is not in")


def test_stale_names_each_difference():
    committed = {"backends": ["tensorflow"], "versions": {"jax": "0.1"}, "modules": {"a.py": []}}
    current = {"backends": ["tensorflow"], "versions": {"jax": "0.2"}, "modules": {"a.py": ["jax"]}}
    assert backends.stale(committed, current) == [
        "versions: recorded {'jax': '0.1'}, this run {'jax': '0.2'}",
        "a.py: recorded [], this run ['jax']",
    ]
    assert backends.stale(current, json.loads(json.dumps(current))) == []
