"""pytest plugin: every page's python blocks run in page order, outputs checked.

Loaded with ``-p keras_a_medida.pytest_plugin`` (see ``pyproject.toml``). Pages under
``docs/`` are collected as test files: ``pytest docs/en/index.md`` runs one page. Each
python block is one test item; the blocks of a page share one namespace, so a block sees
what earlier blocks defined. A Spanish page whose blocks equal its English twin's is not
run again: its single item checks that the code is still identical.

Slow, independent work (the strict build, the snippet modules run as scripts) is started
in background processes as soon as collection ends, so it overlaps with the page blocks
on a 2-core machine; see [background_results][keras_a_medida.pytest_plugin.background_results].
"""

from __future__ import annotations

import contextlib
import difflib
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from .config import load_site_config
from .pages import Block, Expander, PageError, read_blocks, twin
from .runner import (
    needs_fresh_process,
    new_namespace,
    prepare_environment,
    reset_keras_state,
    run_block,
    short_traceback,
)

prepare_environment()

_SITES: dict[Path, tuple] = {}


def _site(config):
    root = Path(config.rootpath)
    if root not in _SITES:
        site = load_site_config(root)
        _SITES[root] = (site, Expander(site))
    return _SITES[root]


def page_plan(page: Path, site, expander) -> tuple[list[Block], Path | None]:
    """The python blocks to run for ``page``, and the twin they are shared with.

    A page whose python blocks (code and shown output) equal those of its
    default-language twin runs nothing itself: the twin's run covers it.

    Returns:
        ``(blocks, None)`` for a page that runs its own blocks, or
        ``(twin_blocks, twin_path)`` when the twin's run stands for it.
    """
    blocks = [b for b in read_blocks(page, site, expander) if b.is_python]
    default = site.lang_dir(site.default_language)
    if page.is_relative_to(default):
        return blocks, None
    mirror = twin(page, site, site.default_language)
    if not mirror.is_file():
        return blocks, None
    theirs = [b for b in read_blocks(mirror, site, expander) if b.is_python]
    same = [(b.code, b.expected_output) for b in blocks] == [
        (b.code, b.expected_output) for b in theirs
    ]
    return (theirs, mirror) if same else (blocks, None)


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
        self.namespace = None
        self.done = 0
        self.failed_at: Block | None = None
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
        """Run the blocks up to ``index`` that have not run yet; return its output.

        Blocks run in a scratch working directory. A page that includes a module marked
        ``# keras-a-medida: fresh-process`` runs all its blocks at once in a new
        interpreter (``python -m keras_a_medida run-page``) and the items read the results.
        """
        if self.failed_at is not None:
            raise BlockError(
                self.blocks[index],
                f"not run: the earlier block at line {self.failed_at.lineno} failed",
            )
        if self.namespace is None:
            self.workdir = Path(tempfile.mkdtemp(prefix="kam-page-"))
            self.fresh = needs_fresh_process(self.blocks, self.site.root)
            self.namespace = {} if self.fresh else new_namespace()
            if not self.fresh:
                reset_keras_state()
            else:
                self.results = _run_page_in_new_process(self.path, self.site.root, self.workdir)
        output = ""
        while self.done <= index:
            block = self.blocks[self.done]
            try:
                output = self._run_one(block)
            except BlockError:
                self.failed_at = block
                raise
            finally:
                self.done += 1
            if self.done <= index and block.expected_output is not None:
                _check_output(block, output)
        return output

    def _run_one(self, block: Block) -> str:
        if self.fresh:
            if self.done >= len(self.results):
                raise BlockError(block, "not run: the page's process stopped before it")
            result = self.results[self.done]
            if result["error"]:
                raise BlockError(block, result["error"])
            return result["output"]
        try:
            with contextlib.chdir(self.workdir):
                return run_block(block, self.namespace, self.site.root)
        except Exception as error:  # noqa: BLE001 - reported with its page and line
            raise BlockError(block, short_traceback(error, self.site.root)) from None


def _run_page_in_new_process(page: Path, root: Path, workdir: Path) -> list[dict]:
    out = workdir / "results.json"
    command = [sys.executable, "-m", "keras_a_medida", "--root", str(root), "run-page"]
    result = subprocess.run(
        [*command, str(page), "--json", str(out)],
        cwd=workdir,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if not out.is_file():
        raise RuntimeError(f"{page}: the page's process failed:\n{result.stderr[-4000:]}")
    return json.loads(out.read_text(encoding="utf-8"))


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
    """Start the background jobs that the selected tests need."""
    wanted = set()
    for item in items:
        for mark in item.iter_markers("background"):
            wanted.update(mark.args)
    if not wanted or hasattr(config, "workerinput"):
        return
    root = config.rootpath
    workdir = Path(tempfile.mkdtemp(prefix="kam-jobs-"))
    commands = _job_commands(root, workdir)
    env = dict(os.environ, NO_MKDOCS_2_WARNING="1")
    for name in sorted(wanted):
        if name not in commands:
            raise pytest.UsageError(f"unknown background job {name!r}: use {sorted(commands)}")
        log = (workdir / f"{name}.log").open("w")
        process = subprocess.Popen(
            commands[name], cwd=root, stdout=log, stderr=subprocess.STDOUT, env=env
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
