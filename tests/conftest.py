"""Shared fixtures: the repository root and throw-away copies of the site."""

from __future__ import annotations

import importlib.util
import shutil
import subprocess
from pathlib import Path

import pytest

from tests_paths import ROOT

pytest_plugins = ["pytester"]

#: What a throw-away copy of the site holds: the configuration, the tooling's hooks and
#: one real guide page with its snippets. Small, so that a build of it takes a second.
MINI_SITE = (
    "mkdocs.yml",
    "pyproject.toml",
    "requirements.lock",
    "hooks",
    "overrides",
    "snippets/ruff.toml",
    "snippets/choosing",
    "data",
    "docs/en/guide/functions-or-subclasses.md",
    "docs/es/guide/functions-or-subclasses.md",
)
MINI_NAV = """nav:
  - Home: index.md
  - Guide:
      - Functions or subclasses?: guide/functions-or-subclasses.md
"""
MINI_HOME = {
    "en": "# Keras a medida\n\nA small copy of the site, for the tests.\n",
    "es": "# Keras a medida\n\nUna copia pequeña del sitio, para las pruebas.\n",
}


def _files(parts) -> list[str]:
    """The files under ``parts``: those under version control, or all of them outside git."""
    try:
        out = subprocess.run(
            ["git", "ls-files", "--", *parts],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        listed = [line for line in out.splitlines() if (ROOT / line).is_file()]
    except (OSError, subprocess.CalledProcessError):
        listed = []
    if listed:
        return listed
    found = []
    for part in parts:
        path = ROOT / part
        paths = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        found += [p.relative_to(ROOT).as_posix() for p in paths if "__pycache__" not in p.parts]
    return found


def hook(name: str):
    """The MkDocs hook module ``hooks/<name>.py``, loaded by path as MkDocs loads it."""
    spec = importlib.util.spec_from_file_location(f"hook_{name}", ROOT / "hooks" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture
def root() -> Path:
    """The repository root."""
    return ROOT


@pytest.fixture
def site_copy(tmp_path: Path) -> Path:
    """A small copy of the site that a test may break without harm (see `make_site_copy`)."""
    return make_site_copy(tmp_path / "site-copy")


def make_site_copy(target: Path) -> Path:
    """Write a small copy of the site into ``target`` and return it.

    It keeps the real ``mkdocs.yml`` (with a nav cut down to the pages copied), the hooks
    and the "Functions or subclasses?" page in both languages with its snippets, plus a
    plain home page; it shares the repository's cache of executed outputs. Only files
    under version control are copied, so work in progress
    elsewhere in the tree cannot disturb the tests of the guards.
    """
    from keras_a_medida.config import load_site_config
    from keras_a_medida.translations import stamp_translation

    for rel in _files(MINI_SITE):
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(ROOT / rel, target / rel)
    (target / "src").mkdir()  # watched by `mkdocs serve` (mkdocs.yml: watch)
    # The copy's notebooks find the outputs its pages got in this run (same code, same
    # lock, same data/): a build of the copy renders them instead of running them again.
    outputs = ROOT / ".cache" / "notebooks" / "outputs"
    outputs.mkdir(parents=True, exist_ok=True)
    (target / ".cache" / "notebooks").mkdir(parents=True)
    (target / ".cache" / "notebooks" / "outputs").symlink_to(outputs, target_is_directory=True)
    config = target / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    assert "\nnav:\n" in text, "mkdocs.yml has no nav section"
    config.write_text(text[: text.index("\nnav:\n") + 1] + MINI_NAV, encoding="utf-8")
    for lang, home in MINI_HOME.items():
        (target / "docs" / lang / "index.md").write_text(home, encoding="utf-8")
    stamp_translation(target / "docs/es/index.md", load_site_config(target))
    return target


def edit(path: Path, old: str, new: str) -> None:
    """Replace ``old`` by ``new`` in ``path``; fail loudly if ``old`` is absent."""
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not found in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def edit_english(root: Path, page: str, old: str, new: str) -> None:
    """Edit an English page of a site copy and re-stamp its translations."""
    from keras_a_medida.config import load_site_config
    from keras_a_medida.translations import stamp_translation

    edit(root / "docs/en" / page, old, new)
    site = load_site_config(root)
    for lang in site.languages[1:]:
        stamp_translation(site.lang_dir(lang) / page, site)


#: A two-block page of plain Python, for tests of the runner: no Keras, a fast kernel.
PAGE = "docs/en/guide/steps.md"
ES_PAGE = "docs/es/guide/steps.md"
MODULE = "snippets/demo/steps.py"

STEPS = """\
\"\"\"Two steps that share a namespace: plain Python, for the page runner's tests.\"\"\"

# --8<-- [start:define]
numbers = [3, 1, 2]
print(sorted(numbers))
# --8<-- [end:define]

# --8<-- [start:reuse]
config = {"config": "penalty", "numbers": numbers}
print(config["config"])
# --8<-- [end:reuse]

assert config["numbers"] == [3, 1, 2]
"""

PAGES = {
    PAGE: "# Steps\n\nFirst a list.\n\n{define}\nThen a name from the block above.\n\n{reuse}",
    ES_PAGE: "# Pasos\n\nPrimero, una lista.\n\n{define}\nLuego, un nombre del bloque "
    "anterior.\n\n{reuse}",
}
BLOCK = (
    '```python\n--8<-- "demo/steps.py:{section}"\n```\n\n'
    "<!--pytest-codeblocks:expected-output-->\n```text\n{output}\n```\n"
)


@pytest.fixture
def steps_site(site_copy):
    """The site copy plus the two-block page ``guide/steps.md`` in both languages."""
    (site_copy / MODULE).parent.mkdir(parents=True)
    (site_copy / MODULE).write_text(STEPS, encoding="utf-8")
    for page, text in PAGES.items():
        blocks = {
            "define": BLOCK.format(section="define", output="[1, 2, 3]"),
            "reuse": BLOCK.format(section="reuse", output="penalty"),
        }
        (site_copy / page).write_text(text.format(**blocks), encoding="utf-8")
    from keras_a_medida.translations import stamp_translation

    stamp_translation(site_copy / ES_PAGE, site_of(site_copy))
    return site_copy


def site_of(root):
    """The configuration of the site at ``root``."""
    from keras_a_medida.config import load_site_config

    return load_site_config(root)
