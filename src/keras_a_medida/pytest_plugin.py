"""pytest plugin: every page's python blocks run in page order, outputs checked.

Loaded with ``-p keras_a_medida.pytest_plugin`` (see ``pyproject.toml``). Pages under
``docs/`` are collected as test files: ``pytest docs/en/index.md`` runs one page. Each
python block is one test item. The page runs as its notebook (see
[keras_a_medida.notebooks][]) in a Jupyter kernel shared by all pages and reset between
them, so a block sees what earlier blocks of its page defined and nothing else; the
items then check each block's output. A Spanish page whose blocks equal its English
twin's is not run again: its single item checks that the code is still identical.

Slow, independent work runs in background processes so that it overlaps with the pages
on a 2-core machine: the snippet modules as scripts (started when collection ends) and
the strict build (started after the last page, so it finds every page's outputs in the
cache); see [background_results][keras_a_medida.pytest_plugin.background_results].
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

        The first call executes the page's notebook (its prose and its blocks, see
        [keras_a_medida.notebooks][]) in the shared Jupyter kernel, or in a kernel of
        its own for a page marked ``fresh-process``; a complete run's outputs are cached
        for the build.
        """
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
    return run_page_notebook(notebook, site.root, fresh, None if fresh else _kernel())


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


def _job_commands(root: Path, workdir: Path) -> dict[str, list[str]]:
    python = sys.executable
    return {
        "build": [
            python,
            "-m",
            "mkdocs",
            "build",
            "--strict",
            "--quiet",
            "--config-file",
            str(root / "mkdocs.yml"),
            "--site-dir",
            str(workdir / "site"),
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
    """Register the ``background`` marker."""
    config.addinivalue_line(
        "markers",
        "background(name): the test reads the result of a background job "
        "('build' or 'snippets'), started as soon as collection ends",
    )


def pytest_collection_modifyitems(session, config, items):
    """Start the background jobs that the selected tests need.

    The snippets job starts at once. The build starts when the last page item has run
    (or at once if no page is selected): by then the pages' notebooks are executed and
    their outputs cached, so the build renders them without running them again.
    """
    wanted = set()
    for item in items:
        for mark in item.iter_markers("background"):
            wanted.update(mark.args)
    if not wanted or hasattr(config, "workerinput"):
        return
    # Tests that wait on a job run last, so that other tests use the time meanwhile.
    items.sort(key=lambda item: item.get_closest_marker("background") is not None)
    unknown = wanted - set(_job_commands(Path("."), Path(".")))
    if unknown:
        raise pytest.UsageError(f"unknown background job(s) {sorted(unknown)}")
    _JOBS.clear()
    _JOBS["_root"] = Path(config.rootpath)
    _JOBS["_dir"] = Path(tempfile.mkdtemp(prefix="kam-jobs-"))
    _JOBS["_wanted"] = wanted
    pages = [i.nodeid for i in items if isinstance(i, BlockItem | SharedWithTwin)]
    _JOBS["_after"] = pages[-1] if pages else None
    for name in sorted(wanted):
        if name != "build" or not pages:
            _start_job(name)


def pytest_runtest_logfinish(nodeid, location):
    """Start the build once the last page item has run."""
    if _JOBS.get("_after") == nodeid and "build" in _JOBS.get("_wanted", ()):
        _start_job("build")


def _start_job(name: str) -> None:
    if name in _JOBS:
        return
    root, workdir = _JOBS["_root"], _JOBS["_dir"]
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    log = (workdir / f"{name}.log").open("w")
    process = subprocess.Popen(
        _job_commands(root, workdir)[name],
        cwd=root,
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
