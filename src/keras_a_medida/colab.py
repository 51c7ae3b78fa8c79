"""Open each page's notebook twin in Google Colab, with the versions it was run with.

Colab opens a notebook stored on GitHub at
``https://colab.research.google.com/github/<owner>/<repo>/blob/<branch>/<path>``. The
site is deployed to GitHub Pages from a build artifact, so no branch holds the built
notebooks: the docs workflow (``.github/workflows/docs.yml``) copies every ``.ipynb`` of
the built site, at its path in the site, to the branch
[BRANCH][keras_a_medida.colab.BRANCH] (``python -m keras_a_medida.colab stage``, then
``ghp-import``). A page's link points there.

Colab's preinstalled TensorFlow, Keras and NumPy are not the versions the notebook was
run with, so the notebook's first cell installs the exact pins of ``requirements.lock``
for TensorFlow, Keras and every other distribution its code imports. A notebook that
imports the site's own tooling (the benchmarks page) also clones the repository and puts
its ``src`` folder on ``sys.path``. A notebook that runs on JAX also gets JAX's pins and
sets ``KERAS_BACKEND`` there, before any cell imports Keras.
"""

from __future__ import annotations

import argparse
import ast
import functools
import importlib.metadata
import shutil
import sys
from pathlib import Path
from urllib.parse import urlparse

import nbformat

from .lock import canonical, read_lock
from .notebooks import notebook_backend

BRANCH = "notebooks"
"""The branch the docs workflow publishes the built notebooks to (Colab reads it)."""

COLAB = "https://colab.research.google.com/github/"
ALWAYS = ("tensorflow-cpu", "keras")
"""Installed in every notebook: Keras runs on the TensorFlow backend."""
TOOLING = "keras_a_medida"
"""The site's own package: not on PyPI, taken from a clone of the repository."""

COMMENT = {
    "en": "# The versions this notebook was run with (Colab's preinstalled ones differ).",
    "es": "# Las versiones con las que se ejecutó este cuaderno (las de Colab son otras).",
}
CLONE = (
    "!git clone --quiet --depth 1 {repo}.git keras-a-medida\n"
    "import os, sys\n"
    'sys.path.insert(0, os.path.abspath("keras-a-medida/src"))'
)
LINK_TEXT = {"en": "Open in Colab", "es": "Abrir en Colab"}
SET_BACKEND = {
    "en": 'import os\nos.environ["KERAS_BACKEND"] = "{backend}"  # before Keras is imported',
    "es": 'import os\nos.environ["KERAS_BACKEND"] = "{backend}"  # antes de importar Keras',
}
BACKEND_DISTRIBUTIONS = {"jax": ("jax", "jaxlib")}
"""Pinned in the install cell of a notebook that runs on that backend."""


class ColabError(ValueError):
    """A notebook cannot get a correct install cell or link; the message says why."""


def imported_modules(sources: list[str]) -> set[str]:
    """Top-level modules that code cells import (relative imports left out)."""
    found = set()
    for source in sources:
        tree = ast.parse(source)
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                found.update(alias.name.split(".")[0] for alias in node.names)
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                found.add(node.module.split(".")[0])
    return found


@functools.cache
def _module_owners() -> dict[str, list[str]]:
    """Top-level module -> the installed distributions that provide it, read once.

    ``importlib.metadata.packages_distributions()`` reads every installed file list: it
    was 0.4 s a notebook, a third of ``make build`` (cProfile), before it was cached.
    """
    return importlib.metadata.packages_distributions()


def requirements(
    sources: list[str], lock: Path, where: str = "notebook", backend: str = "tensorflow"
) -> tuple[list[str], bool]:
    """The pins a notebook needs, and whether it needs the site's own tooling.

    Args:
        sources: The notebook's code cells.
        lock: ``requirements.lock``.
        where: Names the notebook in errors.
        backend: The Keras backend it runs on (its distributions are pinned too).

    Returns:
        ``["tensorflow-cpu==2.21.0", "keras==3.15.1", ...]`` (TensorFlow and Keras first,
        then the others sorted) and ``True`` if the code imports ``keras_a_medida``.

    Raises:
        ColabError: If an imported module belongs to no distribution pinned in ``lock``.
    """
    pins = read_lock(lock)
    owners = _module_owners()
    names = list(ALWAYS) + [canonical(d) for d in BACKEND_DISTRIBUTIONS.get(backend, ())]
    tooling = False
    for module in sorted(imported_modules(sources)):
        if module in sys.stdlib_module_names or module == "__future__":
            continue
        if module == TOOLING:
            tooling = True
            continue
        dists = [canonical(d) for d in owners.get(module, [])]
        pinned = [d for d in dists if d in pins]
        if not pinned:
            raise ColabError(
                f"{where}: imports {module!r}, which no distribution pinned in {lock} provides"
                f" (installed: {dists or 'none'}); add it to pyproject.toml and the lock"
            )
        names += [d for d in pinned if d not in names]
    missing = [n for n in names if n not in pins]
    if missing:
        raise ColabError(f"{lock}: no pin for {', '.join(missing)}")
    head = list(ALWAYS)
    rest = sorted(n for n in names if n not in ALWAYS)
    return [f"{n}=={pins[n]}" for n in head + rest], tooling


def install_source(
    sources: list[str],
    lock: Path,
    repo_url: str,
    lang: str,
    where: str = "notebook",
    backend: str = "tensorflow",
) -> str:
    """The first cell's source: a comment, ``%pip install -q <pins>``, the clone if needed.

    On a backend other than TensorFlow, it also sets ``KERAS_BACKEND``.
    """
    pins, tooling = requirements(sources, lock, where, backend)
    lines = [COMMENT.get(lang, COMMENT["en"]), "%pip install -q " + " ".join(pins)]
    if tooling:
        lines.append(CLONE.format(repo=repo_url.rstrip("/")))
    if backend != "tensorflow":
        lines.append(SET_BACKEND.get(lang, SET_BACKEND["en"]).format(backend=backend))
    return "\n".join(lines)


def add_install_cell(notebook, lock: Path, repo_url: str, lang: str, where: str = "notebook"):
    """Put the install cell first in ``notebook`` (in place) and return it.

    The cell has no outputs: it is written after the notebook ran, for readers who run it
    elsewhere (the site's own runs use the pinned virtual environment).
    """
    sources = [c.source for c in notebook.cells if c.cell_type == "code"]
    backend = notebook_backend(notebook)
    cell = nbformat.v4.new_code_cell(install_source(sources, lock, repo_url, lang, where, backend))
    cell["id"] = "install"
    notebook.cells.insert(0, cell)
    return notebook


def repository(repo_url: str) -> str:
    """``owner/name`` of a GitHub ``repo_url``.

    Raises:
        ColabError: If ``repo_url`` is not a GitHub repository URL.
    """
    parsed = urlparse(repo_url or "")
    parts = [p for p in parsed.path.split("/") if p]
    if parsed.netloc != "github.com" or len(parts) != 2:
        raise ColabError(
            f"mkdocs.yml: repo_url {repo_url!r} is not https://github.com/<owner>/<repo>"
        )
    name = parts[1][: -len(".git")] if parts[1].endswith(".git") else parts[1]
    return f"{parts[0]}/{name}"


def colab_url(repo_url: str, site_path: str) -> str:
    """The Colab URL of the notebook published at ``site_path`` (relative to the site root)."""
    return f"{COLAB}{repository(repo_url)}/blob/{BRANCH}/{site_path.lstrip('/')}"


def stage(site_dir: Path, out: Path) -> list[str]:
    """Copy every ``.ipynb`` of a built site into ``out``, at its path in the site.

    ``out`` is emptied first; the docs workflow pushes it to [BRANCH][keras_a_medida.colab.BRANCH].

    Raises:
        ColabError: If the site holds no notebook (the build skipped them).
    """
    paths = sorted(p.relative_to(site_dir).as_posix() for p in site_dir.rglob("*.ipynb"))
    if not paths:
        raise ColabError(f"{site_dir}: no .ipynb in the built site; nothing to publish for Colab")
    if out.exists():
        shutil.rmtree(out)
    for rel in paths:
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(site_dir / rel, out / rel)
    (out / "README.md").write_text(
        "Notebooks of the built site, for Google Colab; written by the docs workflow.\n",
        encoding="utf-8",
    )
    return paths


def main(argv: list[str] | None = None) -> int:
    """``python -m keras_a_medida.colab stage <site> <out>``."""
    parser = argparse.ArgumentParser(prog="python -m keras_a_medida.colab")
    commands = parser.add_subparsers(dest="command", required=True)
    staging = commands.add_parser("stage", help="copy the built site's notebooks into a folder")
    staging.add_argument("site", type=Path)
    staging.add_argument("out", type=Path)
    args = parser.parse_args(argv)
    try:
        paths = stage(args.site, args.out)
    except ColabError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    print(f"{len(paths)} notebooks staged in {args.out} for the branch {BRANCH}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
