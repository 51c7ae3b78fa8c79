"""Turn a page into a Jupyter notebook and execute it in a shared kernel.

A page becomes a notebook whose markdown cells are the page's prose (in the page's
language) and whose code cells are the page's python blocks, byte for byte as the tests
expand them. The same notebook serves three purposes:

- the tests execute it, block by block, to check every output the page shows
  (see [keras_a_medida.pytest_plugin][]);
- the build renders it with mkdocs-jupyter as the page's notebook twin, with the real
  outputs, and offers it for download (see [keras_a_medida.mkdocs_hooks][]);
- the outputs are cached by the code cells' content, so the second language, and a
  build after the tests, reuse them instead of running the code again.

One kernel runs many notebooks: before each, the namespace is cleared
(``%reset -f``), Keras's global state reset and the working directory changed to a
scratch folder, so a page sees only what it shows while TensorFlow is imported once.
A page that includes a module marked ``# keras-a-medida: fresh-process`` gets a kernel
of its own.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urljoin

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.filters import strip_ansi
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from .config import SiteConfig
from .pages import (
    OUTPUT_MARKER,
    Block,
    Expander,
    Page,
    PageError,
    fence_end,
    output_fence,
    read_blocks,
    url_path,
)
from .runner import needs_fresh_process

KERNEL_NAME = "python3"
_ADMONITION = re.compile(r'^(?P<indent>\s*)(!!!|\?\?\?\+?)\s+\w+(?:\s+"(?P<title>[^"]*)")?\s*$')
_TAB = re.compile(r'^(?P<indent>\s*)===\+?\s+"(?P<label>[^"]*)"\s*$')
_ANCHOR = re.compile(r"\s*\{\s*#[\w-]+\s*\}\s*$")
_LINK = re.compile(r"(?P<bang>!?)\[(?P<text>[^\]]*)\]\((?P<target>[^)\s]+)\)")

INTRO = {
    "en": (
        "This notebook is generated from the page {url} of *Keras a medida*; its code "
        "cells are the page's code blocks. It was run with TensorFlow {tf} and Keras "
        "{keras} on Python 3.11. To run it yourself:\n\n"
        "```\npip install tensorflow-cpu=={tf} keras=={keras} matplotlib\n```"
    ),
    "es": (
        "Este cuaderno se genera a partir de la página {url} de *Keras a medida*; sus "
        "celdas de código son los bloques de la página. Se ejecutó con "
        "TensorFlow {tf} y Keras {keras} en Python 3.11. Para ejecutarlo tú:\n\n"
        "```\npip install tensorflow-cpu=={tf} keras=={keras} matplotlib\n```"
    ),
}


def pinned_versions(root: Path) -> dict[str, str]:
    """The pinned TensorFlow and Keras versions, read from ``requirements.lock``."""
    versions = {}
    lock = root / "requirements.lock"
    for line in lock.read_text(encoding="utf-8").splitlines():
        name, _, version = line.partition("==")
        if name.lower() in {"tensorflow-cpu", "tensorflow_cpu"}:
            versions["tf"] = version.strip()
        elif name.lower() == "keras":
            versions["keras"] = version.strip()
    return versions


def _absolute_links(text: str, base: str) -> str:
    def fix(match):
        target = match["target"]
        if re.match(r"^[a-z]+:|^#|^/", target):
            return match[0]
        path, _, anchor = target.partition("#")
        if path.endswith(".md"):
            path = url_path(path)
        url = urljoin(base, path) + (f"#{anchor}" if anchor else "")
        return f"{match['bang']}[{match['text']}]({url})"

    return _LINK.sub(fix, text)


def _markdown(lines: list[str], base: str) -> str:
    """Page prose as notebook markdown: admonitions as quotes, tabs as labels."""
    out: list[str] = []
    quote_indent = None
    for line in lines:
        if line.strip().startswith("<!--") and line.strip().endswith("-->"):
            continue
        if quote_indent is not None:
            if line.strip() and not line.startswith(quote_indent + "    "):
                quote_indent = None
            else:
                out.append("> " + line[len(quote_indent) + 4 :] if line.strip() else ">")
                continue
        admonition = _ADMONITION.match(line)
        if admonition:
            quote_indent = admonition["indent"]
            title = admonition["title"]
            out.append(f"> **{title}**" if title else ">")
            out.append(">")
            continue
        tab = _TAB.match(line)
        if tab:
            out.append(f"**{tab['label']}**")
            continue
        line = _ANCHOR.sub("", line) if line.lstrip().startswith("#") else line
        out.append(line[4:] if line.startswith("    ") and not line.startswith("     ") else line)
    text = "\n".join(out).strip("\n")
    return _absolute_links(re.sub(r"\n{3,}", "\n\n", text), base)


def notebook_from_page(
    page: Path, site: SiteConfig, lang: str, expander: Expander | None = None
) -> nbformat.NotebookNode:
    """A notebook of ``page``: its prose as markdown cells, its python blocks as code.

    Expected-output blocks are left out (the executed notebook shows the real output).
    The first cells are the page's title and how to install the versions it was run
    with. Cell ids are fixed (``md-0``, ``code-1``...), so the same page always gives
    the same file.
    """
    blocks = read_blocks(page, site, expander)
    lines = page.read_text(encoding="utf-8").split("\n")
    skip: set[int] = set()
    if lines and lines[0] == "---":
        end = lines.index("---", 1)
        skip.update(range(end + 1))
    code_at: dict[int, Block] = {}
    for block in blocks:
        skip.update(range(block.lineno - 1, fence_end(lines, block.lineno - 1) + 1))
        if block.is_python:
            code_at[block.lineno - 1] = block
    for number, line in enumerate(lines):
        shown = output_fence(lines, number - 1) if line.strip().startswith(OUTPUT_MARKER) else None
        if shown:  # the marker and the output fence after it
            skip.update(range(shown[0], shown[1] + 1))
    base = Page(site, lang, page.resolve().relative_to(site.lang_dir(lang)).as_posix()).absolute_url
    versions = pinned_versions(site.root)
    cells = []
    prose: list[str] = []

    def flush():
        text = _markdown(prose, base)
        if text.strip():
            cells.append(nbformat.v4.new_markdown_cell(text))
        prose.clear()

    intro_done = False
    for number, line in enumerate(lines):
        if number in code_at:
            flush()
            cells.append(nbformat.v4.new_code_cell(code_at[number].code))
            continue
        if number in skip:
            continue
        prose.append(line)
        if not intro_done and line.startswith("# "):
            flush()
            intro = INTRO.get(lang, INTRO["en"]).format(url=base, **versions)
            cells.append(nbformat.v4.new_markdown_cell(intro))
            intro_done = True
    flush()
    for index, cell in enumerate(cells):
        cell["id"] = f"{'code' if cell.cell_type == 'code' else 'md'}-{index}"
    notebook = nbformat.v4.new_notebook(cells=cells)
    notebook.metadata.update(
        {
            "kernelspec": {"name": KERNEL_NAME, "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        }
    )
    return notebook


def code_cells(notebook) -> list[str]:
    """The sources of a notebook's code cells, in order."""
    return [cell.source for cell in notebook.cells if cell.cell_type == "code"]


def data_digest(root: Path) -> str:
    """A hash of the files under ``data/`` that pages and figures may read."""
    digest = hashlib.sha256()
    folder = root / "data"
    for path in sorted(folder.rglob("*")) if folder.is_dir() else []:
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode() + path.read_bytes())
    return digest.hexdigest()


def cache_key(notebook, root: Path, fresh: bool) -> str:
    """What the outputs depend on.

    The code cells, the pinned versions, the kernel mode and the data files (``data/``)
    that the code may read.
    """
    data = {
        "code": code_cells(notebook),
        "lock": hashlib.sha256((root / "requirements.lock").read_bytes()).hexdigest(),
        "data": data_digest(root),
        "fresh": fresh,
    }
    return hashlib.sha256(json.dumps(data, sort_keys=True).encode()).hexdigest()[:20]


@dataclass
class CellResult:
    """What one code cell did: what it printed, and its error if it raised."""

    stdout: str
    error: str | None = None
    outputs: list = field(default_factory=list)


RESET = """%reset -f
import os as _os
_os.chdir({workdir!r})
from keras_a_medida.runner import quiet_tensorflow_log as _quiet, reset_keras_state as _reset
_quiet()
_reset()
del _os, _quiet, _reset
"""


KERNEL_OPTIONS = ["--InteractiveShell.cache_size=0", "--HistoryManager.enabled=False"]
"""IPython options for the kernel. Without an output cache (``Out``, ``_1``...), the
reset between pages does not have to flush one, which runs a full garbage collection
(about 0.2 s once TensorFlow is loaded); nothing reads the cells' history, so it is not
written to a database."""


class Kernel:
    """A Jupyter kernel that runs one notebook after another, reset in between."""

    def __init__(self):
        self.manager = KernelManager(kernel_name=KERNEL_NAME, transport="ipc")
        self.manager.start_kernel(extra_arguments=KERNEL_OPTIONS)
        self.used = False  # True once a notebook ran: the kernel is no longer fresh
        self.client = None  # one client for every run: a new one waits ~0.2 s for the kernel
        self.scratch = tempfile.TemporaryDirectory(prefix="kam-kernel-")  # each run's cwd
        self.workdir = None

    def run(self, notebook, data: Path | None = None) -> list[CellResult]:
        """Execute ``notebook``'s code cells in order; stop at the first error.

        ``data`` (the repository's ``data/`` folder) is linked as ``data`` into the
        scratch folder the code runs in, so that a page reads ``data/...`` as a reader
        does from the repository root.

        Returns:
            One result per code cell that ran (the last one holds the error, if any).
            The notebook's code cells receive their outputs.
        """
        self.used = True
        workdir = tempfile.mkdtemp(dir=self.scratch.name)
        if data is not None and data.is_dir():
            (Path(workdir) / "data").symlink_to(data, target_is_directory=True)
        reset = nbformat.v4.new_code_cell(RESET.format(workdir=workdir))
        reset["id"] = "reset"
        runnable = nbformat.v4.new_notebook(cells=[reset, *notebook.cells])
        runnable.metadata = notebook.metadata
        client = NotebookClient(
            runnable, km=self.manager, kernel_name=KERNEL_NAME, timeout=900, allow_errors=False
        )
        client.kc = self.client
        try:
            client.execute(cleanup_kc=False)
        except CellExecutionError:
            pass
        self.client = client.kc
        if self.workdir:  # the kernel has left it for ``workdir``
            shutil.rmtree(self.workdir, ignore_errors=True)
        self.workdir = workdir
        results = []
        for cell in runnable.cells[1:]:
            if cell.cell_type != "code":
                continue
            if cell.get("execution_count") is None and not cell.outputs:
                break
            _COALESCE.preprocess_cell(cell, {}, 0)
            stdout = "".join(o.get("text", "") for o in cell.outputs if o.get("name") == "stdout")
            errors = [o for o in cell.outputs if o.output_type == "error"]
            error = None
            if errors:
                error = strip_ansi("\n".join(errors[0].get("traceback", [])))
            results.append(CellResult(stdout, error, list(cell.outputs)))
            if error:
                break
        return results

    @property
    def pid(self) -> int:
        """The kernel's process id."""
        return self.manager.provisioner.pid

    def shutdown(self) -> None:
        """Stop the kernel (and its client's channels)."""
        if self.client is not None:
            self.client.stop_channels()
        self.manager.shutdown_kernel(now=True)
        self.scratch.cleanup()


_COALESCE = CoalesceStreamsPreprocessor()
"""Joins a cell's adjacent prints: the kernel flushes them in chunks whose boundaries
depend on timing, so joined they are stored the same way every run and a rebuilt
notebook is byte-identical (mkdocs-jupyter's cache hits, ``mkdocs serve`` sees no
change)."""


class OutputCache:
    """Executed outputs, keyed by [cache_key][keras_a_medida.notebooks.cache_key].

    Only complete, error-free runs are stored, one JSON file per key.
    """

    def __init__(self, folder: Path):
        self.folder = folder

    def get(self, key: str) -> list | None:
        """The stored outputs of each code cell, or None."""
        path = self.folder / f"{key}.json"
        if path.is_file():
            return json.loads(path.read_text(encoding="utf-8"))
        return None

    def put(self, key: str, results: list[CellResult]) -> None:
        """Store a complete run's outputs."""
        self.folder.mkdir(parents=True, exist_ok=True)
        data = [[dict(o) for o in r.outputs] for r in results]
        (self.folder / f"{key}.json").write_text(json.dumps(data), encoding="utf-8")


def run_page_notebook(
    notebook: nbformat.NotebookNode, root: Path, fresh: bool, kernel: Kernel | None
) -> list[CellResult]:
    """Run a page's notebook and cache the outputs of a complete, error-free run.

    Args:
        notebook: From [notebook_from_page][keras_a_medida.notebooks.notebook_from_page].
        root: The repository root (the cache lives under it).
        fresh: The page includes a ``fresh-process`` module (part of the cache key).
        kernel: The kernel to run it in, or ``None``. A page marked ``fresh`` needs a
            kernel that has run nothing yet: ``kernel`` if it has not (a shared one
            before its first page), otherwise a new one. A new kernel is shut down
            afterwards.
    """
    if fresh and kernel is not None and kernel.used:
        kernel = None
    own = kernel is None
    kernel = Kernel() if own else kernel
    try:
        results = kernel.run(notebook, data=root / "data")
    finally:
        if own:
            kernel.shutdown()
    if len(results) == len(code_cells(notebook)) and not any(r.error for r in results):
        OutputCache(cache_folder(root)).put(cache_key(notebook, root, fresh), results)
    return results


def run_page(page: Path, site: SiteConfig, kernel: Kernel | None) -> list[CellResult]:
    """Run ``page`` as its notebook (in ``kernel``, or a new one) and cache the outputs.

    Raises:
        PageError: If the notebook's code cells are not the page's python blocks.
    """
    lang = Page.of(page, site).lang
    notebook = notebook_from_page(page, site, lang)
    blocks = [b for b in read_blocks(page, site) if b.is_python]
    if code_cells(notebook) != [b.code for b in blocks]:
        raise PageError(f"{blocks[0].location}: the page's notebook does not hold its blocks")
    return run_page_notebook(notebook, site.root, needs_fresh_process(blocks, site.root), kernel)


def fill_outputs(notebook, outputs: list) -> None:
    """Give each code cell its stored outputs and an execution count."""
    cells = [c for c in notebook.cells if c.cell_type == "code"]
    for count, (cell, cell_outputs) in enumerate(zip(cells, outputs, strict=True), 1):
        cell.outputs = [nbformat.from_dict(o) for o in cell_outputs]
        cell.execution_count = count


def cache_folder(root: Path) -> Path:
    """Where executed outputs are kept between runs (``.cache/notebooks/outputs``)."""
    return root / ".cache" / "notebooks" / "outputs"
