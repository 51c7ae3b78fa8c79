"""pytest plugin: every page's python blocks run in page order, outputs checked.

Loaded with ``-p keras_a_medida.pytest_plugin`` (see ``pyproject.toml``). Pages under
``docs/`` are collected as test files: ``pytest docs/en/index.md`` runs one page. Each
python block is one test item. The page runs as its notebook (see
[keras_a_medida.notebooks][]) in a Jupyter kernel shared by all pages and reset between
them, so a block sees what earlier blocks of its page defined and nothing else; the
items then check each block's output. A Spanish page whose blocks equal its English
twin's is not run again: its single item checks that the code is still identical.

Slow work overlaps on a 2-core machine. When collection ends, a thread starts feeding
the selected pages to the kernel (the kernel process does the work) while pytest runs the
other tests; a page's items wait for its run. Two background processes join them: the
snippet modules as scripts (started at once) and the strict build (started when the last
page has run, so it finds every page's outputs in the cache); see
[background_results][keras_a_medida.pytest_plugin.background_results]. Tests that wait
for a job, or use the kernel themselves (marker ``kernel``), run last.
"""

from __future__ import annotations

import atexit
import difflib
import json
import os
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

from .config import load_site_config
from .notebooks import Kernel, code_cells, notebook_from_page, run_page_notebook
from .pages import Block, Expander, PageError, language_of, page_plan, section_start
from .runner import needs_fresh_process, prepare_environment

prepare_environment()

_SITES: dict[Path, tuple] = {}


def _site(config):
    root = Path(config.rootpath)
    if root not in _SITES:
        site = load_site_config(root)
        _SITES[root] = (site, Expander(site))
    return _SITES[root]


def pytest_collect_file(file_path: Path, parent):
    """Collect each page under a language folder of ``docs/``."""
    if file_path.suffix != ".md":
        return None
    site, _ = _site(parent.config)
    if not any(file_path.is_relative_to(site.lang_dir(lang)) for lang in site.languages):
        return None
    return PageFile.from_parent(parent, path=file_path)


class PageFile(pytest.File):
    """One page: its python blocks, run in order in a shared namespace."""

    def collect(self):
        """Yield one item per python block (or one for a page shared with its twin)."""
        site, expander = _site(self.config)
        self.site = site
        try:
            blocks, shared_with = page_plan(self.path, site, expander)
        except PageError as error:
            raise self.CollectError(str(error)) from None
        self.blocks = blocks
        self.results = None
        if shared_with is not None:
            rel = shared_with.relative_to(site.root).as_posix()
            name = f"same code as the {site.default_language} twin"
            yield SharedWithTwin.from_parent(self, name=name, twin=rel)
            return
        for index, block in enumerate(blocks):
            item = BlockItem.from_parent(self, name=f"line {block.lineno}", index=index)
            for mark in block.marks:
                item.add_marker(eval(mark, {"sys": sys, "pytest": pytest}))  # noqa: S307
            yield item

    def run_through(self, index: int) -> str:
        """Return the output of block ``index``, running the page's notebook if needed.

        The page's notebook (its prose and its blocks, see [keras_a_medida.notebooks][])
        runs in the shared Jupyter kernel, normally already started by the pages' thread;
        a page marked ``fresh-process`` runs first in that kernel, or in a kernel of its
        own if the kernel has already run something. A complete run's outputs are cached
        for the build.
        """
        if self.results is None and _PAGES is not None:
            self.results = _PAGES.results(self)
        if self.results is None:
            self.results = _execute_page(self.path, self.site, self.blocks)
        block = self.blocks[index]
        if index >= len(self.results):
            failed = self.blocks[len(self.results) - 1] if self.results else None
            where = f"line {failed.lineno}" if failed else "the start"
            raise BlockError(block, f"not run: the page stopped at the block at {where}")
        result = self.results[index]
        if result.error:
            raise BlockError(block, _explain(result.error, block, self.site.root))
        return result.stdout


_SHARED_KERNEL = None
_KERNEL_LOCK = threading.Lock()  # one notebook at a time in the shared kernel


def _kernel():
    global _SHARED_KERNEL
    if _SHARED_KERNEL is None:
        _SHARED_KERNEL = Kernel()
        atexit.register(_SHARED_KERNEL.shutdown)
    return _SHARED_KERNEL


def _execute_page(page: Path, site, blocks: list[Block]):
    notebook = notebook_from_page(page, site, language_of(page, site))
    if code_cells(notebook) != [b.code for b in blocks]:
        raise BlockError(blocks[0], "the page's notebook does not hold the page's blocks")
    fresh = needs_fresh_process(blocks, site.root)
    with _KERNEL_LOCK:
        return run_page_notebook(notebook, site.root, fresh, _kernel())


def run_in_shared_kernel(source: str):
    """Run ``source`` as one cell in the kernel the pages share, after its reset.

    For tests that need TensorFlow: the kernel has imported it already (about 3 s a
    process on a 2-core machine). Mark such a test ``kernel`` so that it runs after the
    pages. Returns the cell's [CellResult][keras_a_medida.notebooks.CellResult].
    """
    import nbformat

    cell = nbformat.v4.new_code_cell(source)
    cell["id"] = "test"
    with _KERNEL_LOCK:
        results = _kernel().run(nbformat.v4.new_notebook(cells=[cell]))
    return results[0]


class _PageRuns:
    """Runs the selected pages in order in a thread, while pytest runs other tests.

    The thread only feeds the kernel and waits for it, so the pytest process stays
    free for the tests that come before the pages' items. ``then`` is called once the
    last page has run (it starts the build).
    """

    def __init__(self, pages: list[PageFile], then):
        # A page that needs a fresh process goes first: the shared kernel has run
        # nothing yet (not even imported TensorFlow), so it serves that page as a new
        # kernel would, and the page does not pay for a kernel and TensorFlow of its own.
        fresh = [p for p in pages if needs_fresh_process(p.blocks, p.site.root)]
        pages = fresh[:1] + [p for p in pages if p not in fresh[:1]]
        self.pages = pages
        self.then = then
        self.done = {page.path: threading.Event() for page in pages}
        self.outcomes: dict[Path, object] = {}
        self.thread = threading.Thread(target=self._run, name="pages", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        try:
            for page in self.pages:
                try:
                    self.outcomes[page.path] = _execute_page(page.path, page.site, page.blocks)
                except BaseException as error:  # noqa: BLE001 - re-raised in the page's item
                    self.outcomes[page.path] = error
                self.done[page.path].set()
        finally:
            self.then()

    def results(self, page: PageFile):
        """The page's results once its run ends (None for a page not in the run)."""
        if page.path not in self.done:
            return None
        self.done[page.path].wait()
        outcome = self.outcomes[page.path]
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome


_PAGES: _PageRuns | None = None


_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


def _explain(error: str, block: Block, root: Path) -> str:
    """The kernel's traceback, with the failing line located in the snippet file."""
    lines = _CELL_LINE.findall(error)
    if lines and len(block.includes) == 1 and block.includes[0].section:
        include = block.includes[0]
        number = section_start(root / include.path, include.section) + int(lines[-1])
        error += f"\nat {include.path}, line {number}"
    return error


class BlockError(Exception):
    """A block raised, or printed something other than what its page shows."""

    def __init__(self, block: Block, message: str):
        includes = ", ".join(str(i) for i in block.includes)
        super().__init__(f"{block.location} ({includes}):\n{message}")


def _check_output(block: Block, output: str) -> None:
    if output == block.expected_output:
        return
    diff = difflib.unified_diff(
        block.expected_output.splitlines(keepends=True),
        output.splitlines(keepends=True),
        "shown on the page",
        "printed by the block",
    )
    raise BlockError(block, "the output differs from the page:\n" + "".join(diff))


class BlockItem(pytest.Item):
    """One python block; runs earlier blocks of its page first if they have not run."""

    def __init__(self, *, index: int, **kwargs):
        super().__init__(**kwargs)
        self.index = index

    def runtest(self):
        """Run the block (and earlier ones not yet run); compare the output."""
        block = self.parent.blocks[self.index]
        output = self.parent.run_through(self.index)
        if block.expected_output is not None:
            _check_output(block, output)

    def repr_failure(self, excinfo):
        """Show the page, line, includes and the short traceback or diff."""
        if isinstance(excinfo.value, BlockError):
            return str(excinfo.value)
        return super().repr_failure(excinfo)

    def reportinfo(self):
        """Point pytest's report at the page and line."""
        return self.path, self.parent.blocks[self.index].lineno - 1, self.name


class SharedWithTwin(pytest.Item):
    """Stands for a page whose python blocks equal its twin's: checks they still do."""

    def __init__(self, *, twin: str, **kwargs):
        super().__init__(**kwargs)
        self.twin = twin

    def runtest(self):
        """Run the block (and earlier ones not yet run); compare the output."""
        site, expander = _site(self.config)
        blocks, shared_with = page_plan(self.path, site, expander)
        assert shared_with is not None, f"{self.path} no longer shows the code of {self.twin}"

    def reportinfo(self):
        """Point pytest's report at the page and line."""
        return self.path, 0, self.name


# --- background jobs -------------------------------------------------------------

_JOBS: dict[str, dict] = {}


def build_arguments(root: Path, site_dir: Path) -> list[str]:
    """The ``mkdocs`` arguments of the suite's build.

    Never ``--quiet``: it drops warnings before MkDocs counts them, and a strict build
    would then pass with warnings.
    """
    return ["build", "--strict", "--config-file", str(root / "mkdocs.yml"), "-d", str(site_dir)]


def _job_commands(root: Path, workdir: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "build": [
            python,
            "-m",
            "keras_a_medida",
            "build-on-signal",
            "--",
            *build_arguments(root, workdir / "site"),
        ],
        "snippets": [
            python,
            "-m",
            "keras_a_medida",
            "run-snippets",
            "--json",
            str(workdir / "snippets.json"),
        ],
    }


def pytest_configure(config):
    """Register the markers; boot the kernel early when pages may be collected.

    The kernel process starts in about half a second of its own CPU time, which then
    overlaps with collection instead of delaying the first page.
    """
    docs = Path(config.rootpath) / "docs"
    targets = [Path(config.rootpath, arg.split("::")[0]).resolve() for arg in config.args]
    if not config.option.collectonly and not hasattr(config, "workerinput"):
        if any(docs.is_relative_to(t) or t.is_relative_to(docs) for t in targets):
            _kernel()
    config.addinivalue_line(
        "markers",
        "background(name): the test reads the result of a background job "
        "('build' or 'snippets'), started as soon as collection ends",
    )
    config.addinivalue_line(
        "markers",
        "kernel: the test runs pages in the shared kernel; it runs after the pages",
    )


def pytest_collection_modifyitems(session, config, items):
    """Order the tests, start the pages' thread and the background jobs they need.

    Plain tests come first, then the pages' items, then the tests that use the kernel,
    then those that wait for the snippets job, then for the build: the pages run (in the
    kernel) and the jobs run (in their own processes) while the plain tests run. The
    snippets job starts at once; the build once the last page has run, so that it
    renders the pages' cached outputs instead of running them again.
    """
    global _PAGES
    if config.option.collectonly or hasattr(config, "workerinput"):
        return

    def group(item) -> int:
        if isinstance(item, BlockItem | SharedWithTwin):
            return 1
        if item.get_closest_marker("kernel"):
            return 2
        jobs = {name for mark in item.iter_markers("background") for name in mark.args}
        return 4 if "build" in jobs else 3 if jobs else 0

    items.sort(key=group)
    wanted = set()
    for item in items:
        for mark in item.iter_markers("background"):
            wanted.update(mark.args)
    unknown = wanted - set(_job_commands(Path("."), Path(".")))
    if unknown:
        raise pytest.UsageError(f"unknown background job(s) {sorted(unknown)}")
    _JOBS.clear()
    _JOBS["_root"] = Path(config.rootpath)
    _JOBS["_dir"] = Path(tempfile.mkdtemp(prefix="kam-jobs-"))
    _JOBS["_wanted"] = wanted
    for name in sorted(wanted - {"build"}):
        _start_job(name)
    if "build" in wanted:
        _launch("build")  # imports now, builds when told
    pages = list(dict.fromkeys(i.parent for i in items if isinstance(i, BlockItem)))
    # Two lanes are long: the pages, then the build (which needs their outputs), and
    # the snippets job. They keep the normal priority; the tests pytest runs meanwhile,
    # and the kernel once the pages are done, only fill the gaps.
    _lower_priority()
    if pages:
        _PAGES = _PageRuns(pages, then=lambda: _pages_done(wanted))
    elif "build" in wanted:
        _start_job("build")


def _pages_done(wanted: set[str]) -> None:
    if _SHARED_KERNEL is not None:
        _lower_priority(_SHARED_KERNEL.pid)
    if "build" in wanted:
        _start_job("build")


_JOB_LOCK = threading.Lock()


def _start_job(name: str) -> None:
    """Start a job: launch its process, or tell the waiting build to go."""
    with _JOB_LOCK:  # the pages' thread starts the build
        if name not in _JOBS:
            _launch(name)
        job = _JOBS[name]
        if job["process"].stdin and not job["process"].stdin.closed:
            job["process"].stdin.write(b"go\n")
            job["process"].stdin.close()
            job["started"] = time.perf_counter()


def _launch(name: str) -> None:
    """Launch a job's process. The build's waits for ``go`` on its stdin, its imports done."""
    from .mkdocs_hooks import GUARDS_CHECKED

    root, workdir = _JOBS["_root"], _JOBS["_dir"]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    if name == "build":  # tests/test_guards.py runs the guards; the build need not
        env[GUARDS_CHECKED] = "1"
    log = (workdir / f"{name}.log").open("w")
    process = subprocess.Popen(
        _job_commands(root, workdir)[name],
        cwd=root,
        stdin=subprocess.PIPE if name == "build" else None,
        stdout=log,
        stderr=subprocess.STDOUT,
        env=env,
    )
    _JOBS[name] = {
        "process": process,
        "log": workdir / f"{name}.log",
        "dir": workdir,
        "started": time.perf_counter(),
    }


def _lower_priority(pid: int = 0, step: int = 10) -> None:
    """Lower a process's CPU priority (``0``: this one); never fails the run."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, os.getpriority(os.PRIO_PROCESS, pid) + step)
    except (AttributeError, OSError):
        pass


def background_results(name: str) -> dict:
    """Wait for a background job and return its exit code, log, folder and duration.

    Args:
        name: ``"build"`` (``mkdocs build --strict`` into ``dir / "site"``) or
            ``"snippets"`` (every snippets module as a script, results in
            ``dir / "snippets.json"``).
    """
    if name not in _JOBS and name in _JOBS.get("_wanted", ()):
        _start_job(name)
    job = _JOBS.get(name)
    if job is None:
        pytest.fail(
            f"background job {name!r} was not started: mark the test "
            f"with @pytest.mark.background({name!r})"
        )
    if "returncode" not in job:
        job["returncode"] = job["process"].wait(timeout=1800)
        job["seconds"] = time.perf_counter() - job["started"]
        job["output"] = job["log"].read_text(encoding="utf-8", errors="replace")
    return job


@pytest.fixture
def site_config(request):
    """The site's configuration, read from the repository's ``mkdocs.yml``."""
    return load_site_config(request.config.rootpath)


def load_snippet_results(job: dict) -> dict:
    """The per-module results written by ``python -m keras_a_medida run-snippets``."""
    path = job["dir"] / "snippets.json"
    if not path.is_file():
        pytest.fail("the snippets job wrote no results:\n" + job["output"][-4000:])
    return json.loads(path.read_text(encoding="utf-8"))
