"""Run page blocks and snippet modules the way a reader would, and capture what they print.

A page's blocks share one namespace, top to bottom, as in a notebook. Before each page
(and each standalone module) Keras's global state is reset, so a page sees only what it
shows: registered custom objects and layer-name counters from an earlier page are gone.
"""

from __future__ import annotations

import contextlib
import io
import os
import runpy
import sys
from pathlib import Path

from .pages import Block, section_start

ENVIRONMENT = {
    "TF_CPP_MIN_LOG_LEVEL": "3",
    "TF_ENABLE_ONEDNN_OPTS": "0",
    "KERAS_BACKEND": "tensorflow",
    "MPLBACKEND": "Agg",
    "PYTHONHASHSEED": "0",
}
"""Variables set before TensorFlow is imported: quiet logs, the TensorFlow backend, a
headless Matplotlib, and oneDNN off so that float results do not depend on the CPU."""


def prepare_environment() -> None:
    """Apply [ENVIRONMENT][keras_a_medida.runner.ENVIRONMENT] without overriding the user."""
    for key, value in ENVIRONMENT.items():
        os.environ.setdefault(key, value)


def reset_keras_state() -> None:
    """Forget what an earlier page or module left in Keras's global state."""
    if "keras" not in sys.modules:
        return
    import keras

    keras.saving.get_custom_objects().clear()
    keras.backend.clear_session()
    if "matplotlib.pyplot" in sys.modules:
        sys.modules["matplotlib.pyplot"].close("all")


def new_namespace() -> dict:
    """A fresh global namespace, as a new Python session or notebook kernel has."""
    return {"__name__": "__main__", "__builtins__": __builtins__}


def compile_block(block: Block, root: Path):
    """Compile ``block`` so that tracebacks point at the snippet file and its line.

    A block made of one section is compiled under the snippet's path, padded so that
    line numbers match the file; any other block is named after its page and line.
    """
    if len(block.includes) == 1 and block.includes[0].section:
        include = block.includes[0]
        path = root / include.path
        padding = "\n" * section_start(path, include.section)
        return compile(padding + block.code, str(path), "exec")
    return compile(block.code, f"{block.location}", "exec")


def run_block(block: Block, namespace: dict, root: Path) -> str:
    """Execute one block in ``namespace`` and return what it printed."""
    code = compile_block(block, root)
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        exec(code, namespace)  # noqa: S102 - running the page is the point
    return buffer.getvalue()


def run_module(path: Path) -> str:
    """Run a snippets module as ``python path`` would, in this process; return its output.

    The module's own asserts are its self-check: any failure propagates.
    """
    reset_keras_state()
    buffer = io.StringIO()
    old_argv = sys.argv
    sys.argv = [str(path)]
    try:
        with contextlib.redirect_stdout(buffer):
            runpy.run_path(str(path), run_name="__main__")
    finally:
        sys.argv = old_argv
    return buffer.getvalue()
