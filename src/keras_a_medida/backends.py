"""Which Keras backends each snippets module is tested on, and the record pages show.

A module not marked ``# keras-a-medida: needs-tensorflow`` also runs under
``KERAS_BACKEND=jax`` (one process for all, [run_command][keras_a_medida.backends.run_command])
and must print what it prints on TensorFlow, except where a page shows the JAX output
([expected_jax_stdout][keras_a_medida.backends.expected_jax_stdout]). The outcome is
committed in ``data/tested.json``, which ``hooks/tested.py`` renders (README: Backends).
"""

from __future__ import annotations

import argparse
import ast
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from .checks import Problem
from .config import SiteConfig, load_site_config
from .pages import DIRECTIVE, Block, iter_pages, module_directives, read_blocks
from .runner import prepare_environment, run_module, temporary_root

MARKER = "needs-tensorflow"
"""The directive of a module that runs on TensorFlow only."""

MARKER_LINE = f"{DIRECTIVE} {MARKER}"

JAX_ONLY = "needs-jax"
"""The directive of a module that runs on JAX only; a page that includes it runs on JAX."""

JAX_OUTPUT = "<!--keras-a-medida:jax-output-->"
"""Put before a ``text`` fence that shows what the block above prints on JAX."""

BACKENDS = ("tensorflow", "jax")
"""The backends the suite runs, in the order pages name them."""

NAMES = {"tensorflow": "TensorFlow", "jax": "JAX"}

DATA_FILE = "data/tested.json"

WRITE_COMMAND = "PYTHONPATH=src .venv/bin/python -m keras_a_medida.backends write"
"""How to rewrite ``data/tested.json`` (about a minute on two cores)."""

_PACKAGES = {
    "tensorflow": ("tensorflow-cpu", "tensorflow"),
    "keras": ("keras",),
    "jax": ("jax",),
    "jaxlib": ("jaxlib",),
}


def needs_tensorflow(path: Path) -> bool:
    """True for a module marked ``# keras-a-medida: needs-tensorflow``."""
    return MARKER in module_directives(path)


def needs_jax(path: Path) -> bool:
    """True for a module marked ``# keras-a-medida: needs-jax``."""
    return JAX_ONLY in module_directives(path)


def page_backend(modules: Iterable[str | Path], where: str) -> str:
    """The backend a page runs on: ``"jax"`` if it includes a JAX-only module.

    Args:
        modules: The snippets modules the page includes.
        where: Names the page in the error.

    Raises:
        ValueError: When the page includes modules for TensorFlow only and for JAX only.
    """
    modules = [Path(m) for m in modules if Path(m).suffix == ".py" and Path(m).is_file()]
    jax_only = [m.name for m in modules if needs_jax(m)]
    if not jax_only:
        return "tensorflow"
    tensorflow_only = [m.name for m in modules if needs_tensorflow(m)]
    if tensorflow_only:
        raise ValueError(
            f"{where}: includes {', '.join(jax_only)} ({JAX_ONLY}) and "
            f"{', '.join(tensorflow_only)} ({MARKER}); one page runs on one backend"
        )
    return "jax"


def blocks_backend(blocks: Iterable[Block], root: Path, where: str) -> str:
    """The backend a page runs on, from the modules its ``blocks`` include.

    See [page_backend][keras_a_medida.backends.page_backend], which ``where`` is passed to.
    """
    return page_backend([root / inc.path for block in blocks for inc in block.includes], where)


def tensorflow_use(path: Path) -> int:
    r"""The first line of ``path`` that imports TensorFlow or reads a name ``tf`` (0: none).

    Examples:
        >>> import tempfile
        >>> module = Path(tempfile.mkdtemp()) / "m.py"
        >>> _ = module.write_text("import keras\nx = 1\nimport tensorflow as tf\n")
        >>> tensorflow_use(module)
        3
        >>> _ = module.write_text("import keras\nprint(tf.ones(1))\n")
        >>> tensorflow_use(module)
        2
        >>> _ = module.write_text("import keras  # tf.keras is Keras 3\n")
        >>> tensorflow_use(module)
        0
    """
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "tensorflow" for a in node.names):
                lines.append(node.lineno)
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "tensorflow":
                lines.append(node.lineno)
        elif isinstance(node, ast.Name) and node.id == "tf":
            lines.append(node.lineno)
    return min(lines, default=0)


def check_tensorflow_markers(site: SiteConfig) -> list:
    """A module that uses TensorFlow says so with ``# keras-a-medida: needs-tensorflow``.

    Without it, the JAX run would fail on the module for a reason no page states.

    Args:
        site: The site configuration.

    Returns:
        One [Problem][keras_a_medida.checks.Problem] per unmarked module, at the line
        that first uses TensorFlow.
    """
    problems = []
    for module in site.snippet_modules():
        line = tensorflow_use(module)
        if line and not needs_tensorflow(module):
            problems.append(
                Problem(
                    module.relative_to(site.root).as_posix(),
                    line,
                    "uses TensorFlow (`tf` or `import tensorflow`) but is not marked, "
                    "so the JAX run would fail on it",
                    f"add the line `{MARKER_LINE}` at the top of the module, or write "
                    "it with keras.ops so that it runs on every backend",
                )
            )
    return problems


def jax_modules(site: SiteConfig) -> list[Path]:
    """The snippets modules the JAX run covers: all but those marked for TensorFlow."""
    return [m for m in site.snippet_modules() if not needs_tensorflow(m)]


def tensorflow_modules(site: SiteConfig) -> list[Path]:
    """The snippets modules the TensorFlow run covers: all but those marked for JAX."""
    return [m for m in site.snippet_modules() if not needs_jax(m)]


# --- what pages declare for JAX ----------------------------------------------------


@dataclass(frozen=True)
class Declared:
    """A block whose output on JAX differs, as a page shows it.

    Attributes:
        lang: The page's language.
        page: The page, relative to the repository root.
        line: The line of the JAX output's fence.
        module: The snippets module the block includes.
        tensorflow: The output the page shows for TensorFlow.
        jax: The output the page shows for JAX.
    """

    lang: str
    page: str
    line: int
    module: str
    tensorflow: str
    jax: str


def is_jax_output(block, page_lines: list[str]) -> bool:
    """True for a ``text`` fence right behind ``<!--keras-a-medida:jax-output-->``."""
    if block.syntax != "text":
        return False
    before = [line.strip() for line in page_lines[: block.lineno - 1] if line.strip()]
    return bool(before) and before[-1] == JAX_OUTPUT


def declared_outputs(site: SiteConfig) -> list[Declared]:
    """Every JAX output the pages declare, each paired with the block it belongs to.

    Raises:
        ValueError: For a JAX output that follows no python block with a TensorFlow
            output, or whose block includes more than one module; the message names the
            page and line.
    """
    found = []
    for lang in site.languages:
        for page in iter_pages(site, lang):
            lines = page.read_text(encoding="utf-8").splitlines()
            previous = None
            for block in read_blocks(page, site):
                if block.is_python:
                    previous = block
                elif is_jax_output(block, lines):
                    where = f"{block.page}:{block.lineno}"
                    if previous is None or previous.expected_output is None:
                        raise ValueError(
                            f"{where}: a JAX output must follow a python block and its "
                            "TensorFlow output (<!--pytest-codeblocks:expected-output-->)"
                        )
                    modules = {inc.path for inc in previous.includes}
                    if len(modules) != 1:
                        raise ValueError(
                            f"{where}: the block above includes {len(modules)} modules; "
                            "a JAX output belongs to a block of one module"
                        )
                    found.append(
                        Declared(
                            lang,
                            block.page,
                            block.lineno,
                            modules.pop(),
                            previous.expected_output,
                            block.code,
                        )
                    )
    return found


def expected_jax_stdout(tensorflow_stdout: str, declared: list[Declared]) -> str:
    r"""What a module must print on JAX: its TensorFlow output, declared parts replaced.

    Each declared block's TensorFlow output is looked up in the module's output (the
    first place not claimed by another declaration) and replaced by the JAX output the
    page shows. Pass the declarations of one language: twins repeat them.

    Raises:
        ValueError: When a declared TensorFlow output is not in the module's output.

    Examples:
        >>> d = Declared("en", "p.md", 9, "m.py", "3.0\n", "0.0\n")
        >>> expected_jax_stdout("x\n3.0\ny\n3.0\n", [d, d])
        'x\n0.0\ny\n0.0\n'
    """
    spans: list[tuple[int, int, str]] = []
    for where in declared:
        shown, instead = where.tensorflow, where.jax
        found = tensorflow_stdout.find(shown)
        while found >= 0 and any(a < found + len(shown) and found < b for a, b, _ in spans):
            found = tensorflow_stdout.find(shown, found + 1)
        if found < 0:
            raise ValueError(
                f"{where.page}:{where.line}: the TensorFlow output above this JAX output "
                f"is not in what {where.module} prints on TensorFlow"
            )
        spans.append((found, found + len(shown), instead))
    out, position = [], 0
    for begin, finish, instead in sorted(spans):
        out += [tensorflow_stdout[position:begin], instead]
        position = finish
    return "".join(out) + tensorflow_stdout[position:]


# --- running modules under a backend -------------------------------------------------


def versions() -> dict[str, str]:
    """The installed versions of TensorFlow, Keras, JAX and jaxlib (``""`` if absent)."""
    found = {}
    for name, dists in _PACKAGES.items():
        found[name] = ""
        for dist in dists:
            try:
                found[name] = metadata.version(dist)
                break
            except metadata.PackageNotFoundError:
                continue
    return found


def run_command(modules: list[Path], backend: str) -> tuple[list[str], dict]:
    """The command (add ``--json FILE``) and environment that run ``modules`` under ``backend``."""
    env = dict(os.environ, KERAS_BACKEND=backend)
    src = str(Path(__file__).resolve().parent.parent)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [src, env.get("PYTHONPATH")]))
    command = [sys.executable, "-m", "keras_a_medida.backends", "run", "--backend", backend]
    return [*command, *map(str, modules)], env


def run_modules(modules: list[Path], backend: str, root: Path, timeout: float = 1800) -> dict:
    """Run ``modules`` under ``backend`` in one process.

    Returns ``{"backend", "versions", "seconds", "modules": {...}}``; each module maps to
    ``{"ok", "stdout", "error", "seconds"}``.

    Raises:
        RuntimeError: When the process wrote no results (its log is in the message).
    """
    command, env = run_command(modules, backend)
    with tempfile.TemporaryDirectory(prefix=f"kam-{backend}-") as folder:
        out = Path(folder) / "results.json"
        done = subprocess.run(
            [*command, "--json", str(out)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            timeout=timeout,
        )
        if not out.is_file():
            raise RuntimeError(f"the run wrote no results (exit {done.returncode}):\n{done.stdout}")
        return json.loads(out.read_text(encoding="utf-8"))


class _WithoutTensorFlow:
    """An import hook that makes TensorFlow look absent, as on a machine with JAX only.

    Keras imports TensorFlow whenever it is installed, even on JAX, to check types while
    serializing (``tf.available`` in ``keras/src/saving/serialization_lib.py``): about
    5 s of CPU in the JAX run, and a module could lean on it unnoticed.
    """

    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "tensorflow":
            raise ModuleNotFoundError(
                f"No module named {name!r} (the JAX run hides TensorFlow; mark a module "
                f"that needs it with `{MARKER_LINE}`)",
                name=name,
            )
        return None


def run_here(modules: list[Path], root: Path) -> dict:
    """Run ``modules`` as scripts in this process, on the backend it was started with.

    Each result is ``{"ok", "stdout", "error", "seconds"}``, printed as it comes to stderr.
    On any backend but TensorFlow, TensorFlow cannot be imported (see
    ``_WithoutTensorFlow``).
    """
    prepare_environment()
    if os.environ.get("KERAS_BACKEND") != "tensorflow":
        assert "tensorflow" not in sys.modules, "TensorFlow was imported before the run"
        sys.meta_path.insert(0, _WithoutTensorFlow())
    start = time.perf_counter()
    results = {}
    with temporary_root():  # what the modules save in temporary folders goes with it
        for module in map(Path.resolve, modules):
            rel = module.relative_to(root).as_posix()
            began = time.perf_counter()
            try:
                results[rel] = {"ok": True, "stdout": run_module(module), "error": None}
            except BaseException as error:  # noqa: BLE001 - a SystemExit is a failure too
                text = "".join(traceback.format_exception(error)).replace(str(root) + "/", "")
                results[rel] = {"ok": False, "stdout": "", "error": text}
            results[rel]["seconds"] = round(time.perf_counter() - began, 3)
            status = "ok" if results[rel]["ok"] else "FAILED"
            print(f"{status:6} {results[rel]['seconds']:7.2f}s  {rel}", file=sys.stderr)
    import keras

    return {
        "backend": keras.backend.backend(),
        "versions": versions(),
        "seconds": round(time.perf_counter() - start, 3),
        "cpu_seconds": round(time.process_time(), 3),  # the whole process, imports too
        "modules": results,
    }


# --- the record pages show -----------------------------------------------------------


def compare(rel: str, tensorflow: dict, jax: dict | None, declared: list[Declared]) -> str:
    """Why ``rel`` did not pass on JAX (``""`` when it did).

    Args:
        rel: The module, relative to the repository root.
        tensorflow: Its result on TensorFlow (``ok`` and ``stdout``), or None for a
            module that runs on JAX only (its page checks its outputs).
        jax: Its result on JAX, or None when the JAX run did not cover it.
        declared: The JAX outputs the pages declare (any module's).
    """
    if jax is None:
        return f"{rel} was not run on JAX"
    if not jax["ok"]:
        return f"{rel} failed on JAX:\n{jax['error']}"
    if tensorflow is None:
        return ""
    if not tensorflow.get("ok"):
        return f"{rel} failed on TensorFlow, so its JAX output cannot be compared"
    import difflib

    for lang in sorted({d.lang for d in declared}) or [""]:
        mine = [d for d in declared if d.module == rel and d.lang == lang]
        try:
            wanted = expected_jax_stdout(tensorflow["stdout"], mine)
        except ValueError as error:
            return str(error)
        if jax["stdout"] != wanted:
            break
    else:
        return ""

    diff = difflib.unified_diff(
        wanted.splitlines(keepends=True),
        jax["stdout"].splitlines(keepends=True),
        f"expected on JAX (the TensorFlow output, with the JAX outputs the {lang} pages show)",
        "printed on JAX",
    )
    return (
        f"{rel} prints something else on JAX. Make the module print the same on both "
        "backends, or show the JAX output on the page (a text fence behind "
        f"{JAX_OUTPUT} after the block's output):\n" + "".join(diff)
    )


def record(
    site: SiteConfig, tensorflow: dict, jax: dict, declared: list[Declared], date: str
) -> dict:
    """The content of ``data/tested.json`` for one run of both backends.

    Args:
        site: The site configuration.
        tensorflow: Per module, the TensorFlow result (``ok``, ``stdout``).
        jax: The JAX run, as [run_modules][keras_a_medida.backends.run_modules] returns it.
        declared: The JAX outputs the pages declare.
        date: The run's date, ``YYYY-MM-DD``.
    """
    modules = {}
    for path in site.snippet_modules():
        rel = path.relative_to(site.root).as_posix()
        passed = []
        if tensorflow.get(rel, {}).get("ok") and not needs_jax(path):
            passed.append("tensorflow")
        on_tensorflow = None if needs_jax(path) else tensorflow.get(rel, {})
        if not needs_tensorflow(path) and not compare(
            rel, on_tensorflow, jax["modules"].get(rel), declared
        ):
            passed.append("jax")
        modules[rel] = passed
    return {
        "written_by": WRITE_COMMAND,
        "date": date,
        "backends": [b for b in BACKENDS if any(b in p for p in modules.values())],
        "versions": jax["versions"],
        "modules": modules,
    }


def stale(committed: dict, current: dict) -> list[str]:
    """What differs between the committed record and this run's (the date never counts)."""
    found = []
    for key in ("backends", "versions"):
        if committed.get(key) != current[key]:
            found.append(f"{key}: recorded {committed.get(key)}, this run {current[key]}")
    recorded = committed.get("modules", {})
    for rel in sorted(set(recorded) | set(current["modules"])):
        if recorded.get(rel) != current["modules"].get(rel):
            found.append(
                f"{rel}: recorded {recorded.get(rel)}, this run {current['modules'].get(rel)}"
            )
    return found


def load_record(root: Path) -> dict:
    """The committed ``data/tested.json`` (empty when absent)."""
    path = Path(root) / DATA_FILE
    if not path.is_file():
        return {}
    return json.loads(path.read_text(encoding="utf-8"))


def write(root: Path) -> int:
    """Run every module on TensorFlow and the JAX modules on JAX; write the record."""
    site = load_site_config(root)
    from concurrent.futures import ThreadPoolExecutor

    runs = {"tensorflow": tensorflow_modules(site), "jax": jax_modules(site)}
    with ThreadPoolExecutor(2) as pool:  # two processes, one per backend, side by side
        futures = {b: pool.submit(run_modules, m, b, site.root) for b, m in runs.items()}
    results = {backend: future.result() for backend, future in futures.items()}
    today = datetime.date.today().isoformat()
    data = record(
        site, results["tensorflow"]["modules"], results["jax"], declared_outputs(site), today
    )
    for rel, result in results["tensorflow"]["modules"].items():
        if not result["ok"]:
            print(f"{rel} failed on TensorFlow:\n{result['error']}", file=sys.stderr)
    for path in jax_modules(site):
        rel = path.relative_to(site.root).as_posix()
        why = compare(
            rel,
            None if needs_jax(path) else results["tensorflow"]["modules"].get(rel, {}),
            results["jax"]["modules"].get(rel),
            declared_outputs(site),
        )
        if why:
            print(why, file=sys.stderr)
    text = json.dumps(data, indent=1, ensure_ascii=False) + "\n"
    (site.root / DATA_FILE).write_text(text, encoding="utf-8")
    print(f"wrote {DATA_FILE}: " + ", ".join(f"{k} {v}" for k, v in data["versions"].items()))
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m keras_a_medida.backends write | run``."""
    parser = argparse.ArgumentParser(prog="python -m keras_a_medida.backends")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("write", help=f"run both backends and rewrite {DATA_FILE}")
    run = sub.add_parser("run", help="run modules as scripts in this process")
    run.add_argument("modules", nargs="*")
    run.add_argument("--backend", required=True, choices=BACKENDS)
    run.add_argument("--json", required=True, help="write the results to this file")
    args = parser.parse_args(argv)
    root = Path(args.root).resolve()
    if args.command == "write":
        return write(root)
    if os.environ.get("KERAS_BACKEND") != args.backend:
        parser.error(f"start with KERAS_BACKEND={args.backend} (Keras reads it on import)")
    result = run_here([Path(m) for m in args.modules], root)
    if result["backend"] != args.backend:
        parser.error(f"Keras runs on {result['backend']}, not {args.backend}")
    Path(args.json).write_text(json.dumps(result, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
