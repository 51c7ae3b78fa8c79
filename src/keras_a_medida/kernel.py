"""Execute notebooks in a Jupyter kernel shared by many pages, and cache their outputs.

One kernel runs many notebooks: before each, the namespace is cleared (``%reset -f``),
Keras's global state reset and the working directory changed to a scratch folder, so a
page sees only what it shows while TensorFlow is imported once. A page that includes a
module marked ``# keras-a-medida: fresh-process`` gets a kernel of its own, and so does a
page that runs on JAX (started with ``KERAS_BACKEND=jax``). Complete runs
are cached by the code cells' content, so the second language, and a build after the
tests, reuse them instead of running the code again.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from jupyter_client.manager import KernelManager
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError
from nbconvert.filters import strip_ansi
from nbconvert.preprocessors import CoalesceStreamsPreprocessor

from .config import SiteConfig
from .notebooks import code_cells, notebook_backend, notebook_from_page
from .pages import Page, PageError, read_blocks
from .runner import needs_fresh_process

KERNEL_NAME = "python3"


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
    that the code may read; and the backend, when it is not TensorFlow.
    """
    data = {
        "code": code_cells(notebook),
        "lock": hashlib.sha256((root / "requirements.lock").read_bytes()).hexdigest(),
        "data": data_digest(root),
        "fresh": fresh,
    }
    if notebook_backend(notebook) != "tensorflow":
        data["backend"] = notebook_backend(notebook)
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
    """A Jupyter kernel that runs one notebook after another, reset in between.

    Keras in it runs on ``backend`` (``KERAS_BACKEND`` is set when the kernel starts).
    """

    def __init__(self, backend: str = "tensorflow"):
        self.backend = backend
        self.manager = KernelManager(kernel_name=KERNEL_NAME, transport="ipc")
        env = dict(os.environ, KERAS_BACKEND=backend)
        self.manager.start_kernel(extra_arguments=KERNEL_OPTIONS, env=env)
        self.used = False  # True once a notebook ran: the kernel is no longer fresh
        # one client for every run (a new one waits ~0.2 s for the kernel); ready before
        # another kernel starts, which would otherwise pick the same ipc files
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        self.client.allow_stdin = False
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
    """Executed outputs, keyed by [cache_key][keras_a_medida.kernel.cache_key].

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
            before its first page), otherwise a new one. A notebook whose backend is
            not ``kernel``'s gets a new one too. A new kernel is shut down afterwards.
    """
    backend = notebook_backend(notebook)
    if kernel is not None and ((fresh and kernel.used) or kernel.backend != backend):
        kernel = None
    own = kernel is None
    kernel = Kernel(backend) if own else kernel
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
