"""pytest plugin: each page's python blocks run in page order and their outputs are checked.

Loaded with ``-p keras_a_medida.pytest_plugin`` (``pyproject.toml``); one item per python
block of each page under ``docs/<lang>/``. A page's first item runs the page as its
notebook in the kernel every page shares; a Spanish page whose blocks equal its English
twin's only checks that they still do. Session fixtures give the slow results:
``snippet_results`` and ``jax_results`` (every snippets module run on TensorFlow, and on
JAX, each in a process started when collection ends if a selected test asks for it, so
both run beside the pages) and ``built_site`` (``make build``'s command, run when first
asked). The kernel, those processes and every temporary folder end with the session.
"""

from __future__ import annotations

import difflib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from .config import load_site_config
from .kernel import Kernel, run_page
from .outputs import write_outputs
from .pages import Block, Expander, PageError, page_plan, snippet_sections
from .runner import prepare_environment

prepare_environment()


@dataclass
class _Session:
    """What one test session started, so that it can be ended with it."""

    temp: Path | None = None  # our own basetemp, removed at the end
    kernel: Kernel | None = None
    lanes: dict[str, tuple[subprocess.Popen, Path]] = field(default_factory=dict)
    pages_run: int = 0
    built: bool = False
    updates: dict[Path, dict[int, str]] = field(default_factory=dict)


_STATE = pytest.StashKey[_Session]()


def pytest_addoption(parser):
    """``--update-outputs``: write what each block printed into its page (both languages)."""
    parser.addoption(
        "--update-outputs",
        action="store_true",
        help="rewrite each expected-output block with what its block printed, in every "
        "language that shows it, instead of failing on a difference",
    )


@pytest.hookimpl(tryfirst=True)  # before pytest's tmpdir plugin reads --basetemp
def pytest_configure(config):
    """Keep every temporary file of the run in one folder that is removed at the end.

    Unless ``--basetemp`` is given, pytest's base folder is a new folder of ours, and
    ``TMPDIR`` points inside it, so that what the kernel, the snippets and the builds
    write as temporary files goes there too.
    """
    state = _Session()
    config.stash[_STATE] = state
    if config.option.basetemp is None:
        state.temp = Path(tempfile.mkdtemp(prefix="kam-pytest-"))
        config.option.basetemp = str(state.temp / "pytest")
        (state.temp / "tmp").mkdir()
        os.environ["TMPDIR"] = tempfile.tempdir = str(state.temp / "tmp")


def pytest_collect_file(file_path: Path, parent):
    """Collect each page under a language folder of ``docs/``."""
    if file_path.suffix != ".md":
        return None
    site = load_site_config(parent.config.rootpath)
    if not any(file_path.is_relative_to(site.lang_dir(lang)) for lang in site.languages):
        return None
    return PageFile.from_parent(parent, path=file_path)


class PageFile(pytest.File):
    """One page: its python blocks, run in order in one namespace."""

    def collect(self):
        """Yield one item per python block (or one for a page shared with its twin)."""
        self.site = load_site_config(self.config.rootpath)
        try:
            self.blocks, shared_with = page_plan(self.path, self.site, Expander(self.site))
        except PageError as error:
            raise self.CollectError(str(error)) from None
        self.results = None
        if shared_with is not None:
            name = f"same code as the {self.site.default_language} twin"
            yield SharedWithTwin.from_parent(self, name=name, twin=shared_with)
            return
        for index, block in enumerate(self.blocks):
            item = BlockItem.from_parent(self, name=f"line {block.lineno}", index=index)
            for mark in block.marks:
                item.add_marker(eval(mark, {"sys": sys, "pytest": pytest}))  # noqa: S307
            yield item

    def output_of(self, index: int) -> str:
        """What block ``index`` printed; the page runs (once) when first asked."""
        if self.results is None:
            self.config.stash[_STATE].pages_run += 1
            self.results = run_page(self.path, self.site, _kernel(self.config))
        block = self.blocks[index]
        if index >= len(self.results):
            failed = self.blocks[len(self.results) - 1] if self.results else None
            where = f"line {failed.lineno}" if failed else "the start"
            raise BlockError(block, f"not run: the page stopped at the block at {where}")
        result = self.results[index]
        if result.error:
            raise BlockError(block, explain(result.error, block, self.site.root))
        return result.stdout


_CELL_LINE = re.compile(r"Cell In\[\d+\], line (\d+)")


def _kernel(config) -> Kernel:
    state = config.stash[_STATE]
    if state.kernel is None:
        state.kernel = Kernel()
    return state.kernel


@pytest.fixture(scope="session")
def kernel(request) -> Kernel:
    """The Jupyter kernel the pages share (started now if no page has run yet)."""
    return _kernel(request.config)


def explain(error: str, block: Block, root: Path) -> str:
    """The kernel's traceback, with the failing line located in the snippet file."""
    lines = _CELL_LINE.findall(error)
    if lines and len(block.includes) == 1 and block.includes[0].section:
        include = block.includes[0]
        start = dict(snippet_sections(root / include.path)).get(include.section, 0)
        number = start + int(lines[-1])
        error += f"\nat {include.path}, line {number}"
    return error


class BlockError(Exception):
    """A block raised, or printed something other than what its page shows."""

    def __init__(self, block: Block, message: str):
        includes = ", ".join(str(i) for i in block.includes)
        super().__init__(f"{block.location} ({includes}):\n{message}")


class BlockItem(pytest.Item):
    """One python block: its output must be the one its page shows."""

    def __init__(self, *, index: int, **kwargs):
        super().__init__(**kwargs)
        self.index = index

    def runtest(self):
        """Compare what the block printed with the page (or record it, to update)."""
        block = self.parent.blocks[self.index]
        output = self.parent.output_of(self.index)
        if block.expected_output is None or output == block.expected_output:
            return
        if self.config.getoption("update_outputs"):
            updates = self.config.stash[_STATE].updates
            updates.setdefault(self.path, {})[block.lineno] = output
            return
        diff = difflib.unified_diff(
            block.expected_output.splitlines(keepends=True),
            output.splitlines(keepends=True),
            "shown on the page",
            "printed by the block",
        )
        raise BlockError(block, "the output differs from the page:\n" + "".join(diff))

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

    def __init__(self, *, twin: Path, **kwargs):
        super().__init__(**kwargs)
        self.twin = twin

    def runtest(self):
        """Fail if the page no longer shows its twin's code and outputs."""
        site = load_site_config(self.config.rootpath)
        _, shared_with = page_plan(self.path, site, Expander(site))
        assert shared_with is not None, f"{self.path} no longer shows the code of {self.twin}"

    def reportinfo(self):
        """Point pytest's report at the page."""
        return self.path, 0, self.name


# --- the two slow results, as session fixtures --------------------------------------


def build_command(site_dir: Path) -> list[str]:
    """``make build``'s command (``mkdocs build --strict``), into ``site_dir``.

    Never ``--quiet``: it drops warnings before MkDocs counts them, and a strict build
    would then pass with warnings.
    """
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--site-dir", str(site_dir)]


@dataclass
class Build:
    """A finished build: its exit code, its log and the folder it wrote."""

    returncode: int
    output: str
    site_dir: Path


@pytest.fixture(scope="session")
def built_site(request, tmp_path_factory) -> Build:
    """The site built by ``make build``'s command, once per session, when first asked.

    Tests come after the pages in collection order, so the build finds their outputs in
    the cache instead of running the notebooks again.
    """
    root = Path(request.config.rootpath)
    site_dir = tmp_path_factory.mktemp("build") / "site"
    result = subprocess.run(
        build_command(site_dir), cwd=root, capture_output=True, text=True, timeout=1800
    )
    request.config.stash[_STATE].built = True
    return Build(result.returncode, result.stdout + result.stderr, site_dir)


def _lane_commands(root: Path) -> dict[str, tuple[list[str], dict | None]]:
    """The processes that run beside the pages: fixture name -> (command, environment)."""
    from . import backends

    jax = backends.run_command(backends.jax_modules(load_site_config(root)), "jax")
    return {
        "snippet_results": ([sys.executable, "-m", "keras_a_medida", "run-snippets"], None),
        "jax_results": jax,
    }


def pytest_collection_finish(session):
    """Start the snippets processes (TensorFlow, JAX) that the selected tests need.

    They run beside the pages (two cores, the kernel and these lanes); deselected tests
    start nothing.
    """
    wanted = {f for item in session.items for f in getattr(item, "fixturenames", ())}
    state = session.config.stash[_STATE]
    for name, (command, env) in _lane_commands(session.config.rootpath).items():
        if name not in wanted:
            continue
        out = Path(tempfile.mkdtemp(prefix=f"{name}-")) / "results.json"
        process = subprocess.Popen(
            [*command, "--json", str(out)],
            cwd=session.config.rootpath,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(out.parent / "log").open("w"),
            start_new_session=True,  # its own process group: ended whole at the session's end
        )
        state.lanes[name] = (process, out)


def _lane_results(request, name: str) -> dict:
    """Wait for the lane that ``name`` stands for and read what it wrote."""
    lane = request.config.stash[_STATE].lanes.get(name)
    if lane is None:
        pytest.fail(f"the {name} process was not started (no selected test asked for it)")
    process, out = lane
    process.wait(timeout=1800)
    if not out.is_file():
        log = (out.parent / "log").read_text(errors="replace")
        pytest.fail(f"the {name} process wrote no results:\n" + log[-4000:])
    return json.loads(out.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def snippet_results(request) -> dict:
    """Each snippets module's result as a script: ``{module: {"ok", "error", "seconds"}}``."""
    return _lane_results(request, "snippet_results")


@pytest.fixture(scope="session")
def jax_results(request) -> dict:
    """The JAX run: ``{"backend", "versions", "seconds", "modules": {module: {...}}}``."""
    return _lane_results(request, "jax_results")


@pytest.fixture
def site_config(request):
    """The site's configuration, read from the repository's ``mkdocs.yml``."""
    return load_site_config(request.config.rootpath)


def pytest_terminal_summary(terminalreporter, config):
    """Say what the run started: pages run, the snippets processes, the build."""
    state = config.stash[_STATE]
    snippets = "started" if "snippet_results" in state.lanes else "not started"
    jax = "started" if "jax_results" in state.lanes else "not started"
    built = "run" if state.built else "not run"
    terminalreporter.write_line(
        f"keras-a-medida: {state.pages_run} page(s) run, snippets process {snippets}, "
        f"JAX process {jax}, build {built}"
    )


def pytest_sessionfinish(session):
    """Write the updated outputs; end the kernel and the snippets processes."""
    state = session.config.stash[_STATE]
    if state.updates:
        site = load_site_config(session.config.rootpath)
        for path in write_outputs(site, state.updates):
            print(f"\nkeras-a-medida: updated the outputs of {path}")
    for process, _ in state.lanes.values():
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()
    if state.kernel is not None:
        state.kernel.shutdown()
        state.kernel = None


def pytest_unconfigure(config):
    """Remove the run's temporary folder (after pytest's own clean-up of its part)."""
    state = config.stash.get(_STATE, None)
    if state is not None and state.temp is not None:
        shutil.rmtree(state.temp, ignore_errors=True)
