"""Shared fixtures: the repository root and throw-away copies of the site."""

from __future__ import annotations

import shutil
import subprocess
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


def _tracked_files() -> list[str] | None:
    try:
        out = subprocess.run(
            ["git", "ls-files", "--", *SITE_PARTS],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    return [line for line in out.splitlines() if (ROOT / line).is_file()] or None


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A copy of the site's sources that a test may break without harm.

    Only files under version control are copied (work in progress elsewhere in the
    tree cannot disturb the guards' tests); outside git, the folders are copied whole.
    """
    target = tmp_path / "site-copy"
    target.mkdir()
    tracked = _tracked_files()
    if tracked is None:
        for part in SITE_PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, target / part)
            else:
                shutil.copy2(source, target / part)
        return target
    for rel in tracked:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target / rel)
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in ``path``; fail loudly if ``old`` is absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_english(root: Path, page: str, old: str, new: str) -> None:
    """Edit an English page of a site copy and re-stamp its translations."""
    from keras_a_medida.checks import stamp_translation
    from keras_a_medida.config import load_site_config

    edit(root / "docs/en" / page, old, new)
    load_site_config.cache_clear()
    site = load_site_config(root)
    for lang in site.languages[1:]:
        stamp_translation(site.lang_dir(lang) / page, site)
    load_site_config.cache_clear()
