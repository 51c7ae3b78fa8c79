"""Command line: ``python -m keras_a_medida check | run-snippets``.

``check`` runs every guard and prints each problem with its file, line and fix.
``run-snippets`` runs every snippets module as a script, in one process (TensorFlow is
imported once), and reports each module's result.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import traceback
from pathlib import Path

from .checks import (
    TRANSLATION_KEY,
    content_hash,
    run_checks,
    split_front_matter,
    stamp_translation,
)
from .config import SiteConfigError, load_site_config
from .pages import twin
from .runner import prepare_environment, run_module
from .scaffold import ScaffoldError, scaffold


def snippet_modules(root: Path) -> list[Path]:
    """Every module under the snippets folders but those for JAX only, sorted."""
    from .backends import tensorflow_modules

    return tensorflow_modules(load_site_config(root))


def cmd_check(args) -> int:
    """``check``: print every problem with its fix; exit 1 if there is any."""
    problems = run_checks(load_site_config(args.root))
    for problem in problems:
        print(problem)
    if problems:
        print(f"\n{len(problems)} problem(s) found.")
        return 1
    print("All checks passed.")
    return 0


def cmd_run_snippets(args) -> int:
    """``run-snippets``: run modules as scripts; exit 1 if one fails."""
    prepare_environment()
    root = Path(args.root).resolve()
    modules = [Path(m).resolve() for m in args.modules] or snippet_modules(root)
    results = {}
    for module in modules:
        rel = module.relative_to(root).as_posix()
        start = time.perf_counter()
        try:
            stdout = run_module(module)  # compared with JAX's by tests/test_backends.py
            results[rel] = {"ok": True, "error": None, "stdout": stdout}
        except BaseException as error:  # noqa: BLE001 - a SystemExit is a failure too
            text = "".join(traceback.format_exception(error))
            results[rel] = {"ok": False, "error": text.replace(str(root) + "/", "")}
        results[rel]["seconds"] = round(time.perf_counter() - start, 3)
        status = "ok" if results[rel]["ok"] else "FAILED"
        print(f"{status:6} {results[rel]['seconds']:7.2f}s  {rel}", file=sys.stderr)
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=1), encoding="utf-8")
    return 0 if all(r["ok"] for r in results.values()) else 1


def cmd_stamp(args) -> int:
    """``stamp``: record the English version each translated page follows."""
    site = load_site_config(args.root)
    for name in args.pages:
        page = Path(name).resolve()
        if page.is_relative_to(site.lang_dir(site.default_language)) or not page.is_file():
            print(f"error: {name} is not a translated page", file=sys.stderr)
            return 2
        print(f"{name}: translation_of {stamp_translation(page, site)}")
    return 0


def cmd_translation_diff(args) -> int:
    """``translation-diff``: the English changes since the recorded version."""
    site = load_site_config(args.root)
    mirror = Path(args.page).resolve()
    meta, _ = split_front_matter(mirror.read_text(encoding="utf-8"))
    recorded = str(meta.get(TRANSLATION_KEY, ""))
    source = twin(mirror, site, site.default_language)
    rel = source.relative_to(site.root).as_posix()

    def git(*words):
        return subprocess.run(
            ["git", *words], cwd=site.root, capture_output=True, text=True, check=True
        ).stdout

    for commit in git("log", "--format=%H", "--", rel).split():
        text = git("show", f"{commit}:{rel}")
        with tempfile.TemporaryDirectory() as folder:
            scratch = Path(folder) / "page.md"
            scratch.write_text(text, encoding="utf-8")
            same = content_hash(scratch) == recorded
        if same:
            print(git("diff", commit, "--", rel) or f"{rel}: no change since {commit[:10]}")
            return 0
    print(f"error: no commit of {rel} has hash {recorded!r}", file=sys.stderr)
    return 1


def cmd_new(args) -> int:
    """``new``: scaffold a component (see [keras_a_medida.scaffold][])."""
    site = load_site_config(args.root)
    try:
        written = scaffold(site, args.component)
    except ScaffoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    for path in written:
        print(f"wrote {path.relative_to(site.root)}")
    print("Now fill in every TODO (`make outputs` writes the outputs); `make test` lists")
    print("what is left, file by file.")
    return 0


def cmd_timings(args) -> int:
    """``timings``: ``make test`` against one run of every snippets module, interleaved.

    The baseline (the floor) is one Python process importing TensorFlow and running every
    snippets module once (``run-snippets``); the suite is what ``make test`` runs after
    set-up (ruff, then pytest). They alternate, A B A B..., so that a busy machine slows
    both; the report gives each median and the ratio suite / floor. ``--before DIR`` adds
    another checkout (an older commit, with its own tooling and pages) to each round,
    floor and suite, so that two designs are compared in one session. ``--jax`` adds this
    checkout's suite without ``tests/test_backends.py`` (the only tests that start the JAX
    run) and reports the JAX run's cost. The browser suite (``tests/test_browser.py``) is
    left out unless ``--browser``.
    """
    import statistics

    ruff = str(Path(sys.executable).parent / "ruff")
    pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
    if not args.browser:
        pytest += ["--deselect", "tests/test_browser.py"]
    folders = {"now": Path(args.root).resolve()}
    if args.before:
        folders["before"] = Path(args.before).resolve()
    times: dict[tuple[str, str], list[float]] = {}
    for round_ in range(args.rounds):
        for name, folder in folders.items():
            linted = [
                d for d in ("src", "snippets", "tests", "hooks", "bench") if (folder / d).is_dir()
            ]
            commands = {
                "floor": [[sys.executable, "-m", "keras_a_medida", "run-snippets"]],
                "make test": [
                    [ruff, "check", "-q", *linted],
                    [ruff, "format", "-q", "--check", *linted],
                    pytest,
                ],
            }
            if args.jax and name == "now":
                no_jax = [*pytest, "--deselect", "tests/test_backends.py"]
                commands["no JAX"] = [*commands["make test"][:2], no_jax]
            env = dict(os.environ, PYTHONPATH=str(folder / "src"))
            for what, steps in commands.items():
                start = time.perf_counter()
                for step in steps:
                    subprocess.run(step, cwd=folder, env=env, check=True, capture_output=True)
                times.setdefault((name, what), []).append(time.perf_counter() - start)
                took = times[name, what][-1]
                print(
                    f"round {round_ + 1}: {name:6} {what:9} {took:6.1f} s",
                    file=sys.stderr,
                    flush=True,
                )
    scope = "ruff + pytest" + ("" if args.browser else ", without the browser suite")
    for name in folders:
        floor = statistics.median(times[name, "floor"])
        suite = statistics.median(times[name, "make test"])
        print(
            f"{name}: floor (import TensorFlow, run every snippets module) {floor:.1f} s, "
            f"make test ({scope}) {suite:.1f} s, ratio {suite / floor:.2f}"
        )
    if args.jax:
        without = statistics.median(times["now", "no JAX"])
        suite = statistics.median(times["now", "make test"])
        print(
            f"now: make test without the JAX run {without:.1f} s; with it / without "
            f"{suite / without:.2f} (the JAX run adds {100 * (suite / without - 1):.0f} %)"
        )
    return 0


def cmd_lock(args) -> int:
    """``lock``: write ``requirements.lock`` from this venv (registry releases only)."""
    from .lock import LockError, write_lock

    out = Path(args.root).resolve() / "requirements.lock"
    try:
        count = write_lock(out)
    except LockError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"wrote {count} pins to {out.name}")
    return 0


def cmd_links(args) -> int:
    """``links``: check a built site's internal links and anchors; list external ones."""
    from .links import check_links

    report = check_links(Path(args.site_dir), load_site_config(args.root).url_path)
    for url, pages in sorted(report.external.items()):
        print(f"external (not fetched): {url}  ({len(pages)} page(s))")
    for page, link, reason in report.broken:
        print(f"BROKEN {page}: {link} ({reason})")
    print(f"{report.checked} internal links checked, {len(report.broken)} broken")
    return 1 if report.broken else 0


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``python -m keras_a_medida``."""
    parser = argparse.ArgumentParser(prog="python -m keras_a_medida")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("check", help="run every guard; print each problem with a fix")
    run = sub.add_parser("run-snippets", help="run snippets modules as scripts")
    run.add_argument("modules", nargs="*", help="modules to run (default: all)")
    run.add_argument("--json", help="write per-module results to this file")
    stamp = sub.add_parser("stamp", help="record which English version a translation follows")
    stamp.add_argument("pages", nargs="+", help="translated pages, e.g. docs/es/index.md")
    diff = sub.add_parser(
        "translation-diff", help="what changed in the English page since it was translated"
    )
    diff.add_argument("page", help="a translated page")
    new = sub.add_parser("new", help="scaffold a component: snippet, pages, nav")
    new.add_argument("component", help="topic/name, e.g. metrics/my_metric")
    timing = sub.add_parser("timings", help="time make test against the snippets, A B A B")
    timing.add_argument("--rounds", type=int, default=2, help="rounds of A B (default 2)")
    timing.add_argument(
        "--browser", action="store_true", help="include tests/test_browser.py in make test"
    )
    timing.add_argument("--before", help="also time the suite of this checkout, each round")
    timing.add_argument(
        "--jax", action="store_true", help="also time make test without the JAX run"
    )
    sub.add_parser("lock", help="write requirements.lock: name==version, registry releases only")
    links = sub.add_parser("links", help="check a built site's links and anchors")
    links.add_argument("site_dir", nargs="?", default="site", help="built site (default: site)")
    args = parser.parse_args(argv)
    try:
        commands = {
            "check": cmd_check,
            "run-snippets": cmd_run_snippets,
            "stamp": cmd_stamp,
            "translation-diff": cmd_translation_diff,
            "new": cmd_new,
            "links": cmd_links,
            "lock": cmd_lock,
            "timings": cmd_timings,
        }
        return commands[args.command](args)
    except SiteConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
