"""Every snippets module runs on its own as a script and passes its own checks."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest

from keras_a_medida.backends import run_here, tensorflow_modules
from keras_a_medida.config import load_site_config
from tests_paths import ROOT

MODULES = [m.relative_to(ROOT).as_posix() for m in tensorflow_modules(load_site_config(ROOT))]


@pytest.mark.parametrize("module", MODULES)
def test_module_runs_standalone_and_checks_itself(module, snippet_results):
    assert module in snippet_results, f"{module} was not run"
    assert snippet_results[module]["ok"], f"{module} failed:\n{snippet_results[module]['error']}"


def test_there_are_snippets():
    assert MODULES, f"no modules under {load_site_config(ROOT).snippets_dirs}"


def test_a_run_leaves_no_temporary_files_behind(tmp_path):
    """What modules save into temporary folders goes with the run (30 folders a run piled up)."""
    module = tmp_path / "saves.py"
    module.write_text(
        "import pathlib, tempfile\npathlib.Path(tempfile.mkdtemp(), 'm.keras').write_text('x')\n"
    )
    before = set(Path(tempfile.gettempdir()).iterdir())
    result = run_here([module], tmp_path)["modules"]["saves.py"]
    assert result["ok"], result["error"]
    assert set(Path(tempfile.gettempdir()).iterdir()) == before
