"""Shared fixtures: the repository root and throw-away copies of the site."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from keras_a_medida.runner import prepare_environment

prepare_environment()
# Imported once, before any in-process pytest run (pytester) snapshots sys.modules:
# NumPy and TensorFlow cannot be imported twice in one process.
import keras  # noqa: E402, F401

from tests_paths import ROOT  # noqa: E402

SITE_PARTS = ("mkdocs.yml", "docs", "snippets", "hooks", "pyproject.toml")

pytest_plugins = ["pytester"]


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the site's sources that a test may break without harm."""
    target = tmp_path / "site-copy"
    target.mkdir()
    for part in SITE_PARTS:
        source = ROOT / part
        if source.is_dir():
            shutil.copytree(source, target / part)
        else:
            shutil.copy2(source, target / part)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in ``path``; fail loudly if ``old`` is absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
