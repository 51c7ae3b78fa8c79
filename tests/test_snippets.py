"""Every snippets module runs on its own as a script and passes its own checks."""

from __future__ import annotations

import pytest

from keras_a_medida.backends import tensorflow_modules
from keras_a_medida.config import load_site_config
from tests_paths import ROOT

MODULES = [m.relative_to(ROOT).as_posix() for m in tensorflow_modules(load_site_config(ROOT))]


@pytest.mark.parametrize("module", MODULES)
def test_module_runs_standalone_and_checks_itself(module, snippet_results):
    assert module in snippet_results, f"{module} was not run"
    assert snippet_results[module]["ok"], f"{module} failed:\n{snippet_results[module]['error']}"


def test_there_are_snippets():
    assert MODULES, f"no modules under {load_site_config(ROOT).snippets_dirs}"
