"""Run snippet modules the way a reader would, and reset Keras between runs.

Pages run as notebooks in a Jupyter kernel (see [keras_a_medida.kernel][]); snippet
modules run as scripts, here. Before each, Keras's global state is reset, so a page or
a module sees only what it shows: registered custom objects and layer-name counters
from an earlier one are gone.
"""

from __future__ import annotations

import contextlib
import io
import logging
import os
import runpy
import subprocess
import sys
import tempfile
from pathlib import Path

from .pages import Block, module_directives

ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
    "NO_MKDOCS_2_WARNING": "1",
}
"""Variables set before TensorFlow is imported: quiet logs, the TensorFlow backend, a
headless Matplotlib, and oneDNN off so that float results do not depend on the CPU; and
no end-of-life notice from Material (stderr, not a log warning)."""


@contextlib.contextmanager
def temporary_root(prefix: str = "kam-snippets-"):
    """Send every temporary file to one new folder (``TMPDIR``), removed at the end.

    Snippet modules save models into ``tempfile.mkdtemp()`` folders, as a reader's script
    would, and TensorFlow writes its autograph files there; run many times, those folders
    piled up in ``/tmp``. The previous ``TMPDIR`` is restored afterwards.

    >>> with temporary_root() as root:
    ...     made = Path(tempfile.mkdtemp())
    ...     made.parent == root
    True
    >>> made.exists(), root.exists()
    (False, False)
    """
    saved = os.environ.get("TMPDIR"), tempfile.tempdir
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        os.environ["TMPDIR"] = tempfile.tempdir = folder
        try:
            yield Path(folder)
        finally:
            if saved[0] is None:
                del os.environ["TMPDIR"]
            else:
                os.environ["TMPDIR"] = saved[0]
            tempfile.tempdir = saved[1]


def prepare_environment() -> None:
    """Apply [ENVIRONMENT][keras_a_medida.runner.ENVIRONMENT] without overriding the user."""
    for key, value in ENVIRONMENT.items():
        os.environ.setdefault(key, value)


class _ErrorsOnly(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        return record.levelno >= logging.ERROR


def quiet_tensorflow_log() -> None:
    """Let TensorFlow's Python logger pass errors only, without importing TensorFlow.

    In a Jupyter kernel TensorFlow sets that logger to INFO and sends it to stdout (a
    script's goes to stderr at WARNING), and one kernel serving many pages would warn
    about retracing across them. The level is what keeps it cheap; the filter, unlike
    the level, survives TensorFlow's own set-up when the page imports it after this
    call. A page that never imports TensorFlow starts faster.
    """
    logger = logging.getLogger("tensorflow")
    logger.setLevel(logging.ERROR)  # cheap: records below it are never made
    if not any(isinstance(f, _ErrorsOnly) for f in logger.filters):
        logger.addFilter(_ErrorsOnly())  # until the next reset, if TensorFlow resets it


def reset_keras_state() -> None:
    """Forget what an earlier page or module left in Keras's global state."""
    if "keras" not in sys.modules:
        return
    import keras
    from keras.src.saving import object_registration

    keras.saving.get_custom_objects().clear()  # name -> object
    object_registration.GLOBAL_CUSTOM_NAMES.clear()  # object -> registered name
    # free_memory=False: its full garbage collection took 0.3 s a call with TensorFlow
    # loaded (cProfile), and Python's own collector still frees the cycles it leaves
    keras.backend.clear_session(free_memory=False)
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def run_module(path: Path, workdir: Path | None = None) -> str:
    """Run a snippets module as ``python path`` would and return what it printed.

    A module marked ``# keras-a-medida: fresh-process`` runs in a new interpreter;
    any other runs in this process (TensorFlow is imported once) with Keras's global
    state reset first. The working directory is ``workdir`` (by default a scratch
    folder, removed afterwards), so files the module writes land there. The module's own asserts are
    its self-check: a failure raises.

    Raises:
        ModuleFailed: When a fresh-process module exits with an error.
    """
    if workdir is None:
        with tempfile.TemporaryDirectory(prefix="kam-run-") as scratch:
            return run_module(path, Path(scratch))
    if "fresh-process" in module_directives(path):
        result = subprocess.run(
            [sys.executable, str(path)],
            cwd=workdir,
            capture_output=True,
            text=True,
            env=dict(os.environ),
            timeout=900,
        )
        if result.returncode:
            raise ModuleFailed(f"{path} exited with {result.returncode}:\n{result.stderr}")
        return result.stdout
    reset_keras_state()
    buffer = io.StringIO()
    old_argv = sys.argv
    sys.argv = [str(path)]
    try:
        with contextlib.chdir(workdir), contextlib.redirect_stdout(buffer):
            runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = old_argv
    return buffer.getvalue()


class ModuleFailed(Exception):
    """A snippets module run in its own process failed; the message has its stderr."""


def needs_fresh_process(blocks: list[Block], root: Path) -> bool:
    """True when a block includes a module marked ``# keras-a-medida: fresh-process``."""
    modules = {root / inc.path for block in blocks for inc in block.includes}
    return any("fresh-process" in module_directives(m) for m in modules if m.suffix == ".py")
