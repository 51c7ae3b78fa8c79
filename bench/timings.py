"""Time ``make test`` against its floor: ``python bench/timings.py`` (``make timings``).

The floor is one Python process importing TensorFlow and running every snippets module
once; the report gives each median, the ratio suite / floor and how busy the suite kept
the cores (the machine's busy CPU time, so the figure is only sound on a quiet machine).
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def cpu_seconds() -> float | None:
    """CPU time the whole machine has spent busy so far (``/proc/stat``), or None off Linux.

    Around one command on a quiet machine, busy CPU / (wall time x cores) says how much of
    the cores the command kept busy: the share that no reordering of its work could gain.
    """
    try:
        fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    except OSError:
        return None
    ticks = [int(f) for f in fields]
    idle = ticks[3] + ticks[4]  # idle, iowait
    return (sum(ticks[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def main(argv: list[str] | None = None) -> int:
    """``make test`` against one run of every snippets module, interleaved.

    The baseline (the floor) is one Python process importing TensorFlow and running every
    snippets module once (``run-snippets``); the suite is what ``make test`` runs after
    set-up (ruff, then pytest). They alternate, A B A B..., so that a busy machine slows
    both; the report gives each median and the ratio suite / floor. ``--before DIR`` adds
    another checkout (an older commit, with its own tooling and pages) to each round,
    floor and suite, so that two designs are compared in one session. ``--jax`` adds this
    checkout's suite without ``tests/test_backends.py`` (the only tests that start the JAX
    run) and reports the JAX run's cost. The browser tests (marked ``browser``: the pages
    in chromium, the 404 page, Lighthouse) are left out unless ``--browser``.
    """
    parser = argparse.ArgumentParser(prog="python bench/timings.py")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of A B (default 2)")
    parser.add_argument(
        "--browser", action="store_true", help="include the browser tests in make test"
    )
    parser.add_argument("--before", help="also time the suite of this checkout, each round")
    parser.add_argument(
        "--jax", action="store_true", help="also time make test without the JAX run"
    )
    args = parser.parse_args(argv)
    ruff = str(Path(sys.executable).parent / "ruff")
    folders = {"now": Path(args.root).resolve()}
    if args.before:
        folders["before"] = Path(args.before).resolve()
    times: dict[tuple[str, str], list[float]] = {}
    busy: dict[tuple[str, str], list[float]] = {}
    cores = os.cpu_count() or 1
    for round_ in range(args.rounds):
        for name, folder in folders.items():
            linted = [
                d for d in ("src", "snippets", "tests", "hooks", "bench") if (folder / d).is_dir()
            ]
            pytest = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"]
            if not args.browser:  # a checkout older than the marker: leave out the file
                marked = '"browser:' in (folder / "pyproject.toml").read_text(encoding="utf-8")
                old = ["--deselect", "tests/test_browser.py"]
                pytest += ["-m", "not browser"] if marked else old
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
                start, cpu = time.perf_counter(), cpu_seconds()
                for step in steps:
                    subprocess.run(step, cwd=folder, env=env, check=True, capture_output=True)
                took = time.perf_counter() - start
                times.setdefault((name, what), []).append(took)
                used = ""
                if cpu is not None:
                    share = (cpu_seconds() - cpu) / (took * cores)
                    busy.setdefault((name, what), []).append(share)
                    used = f", {cores} cores {100 * share:.0f} % busy"
                print(
                    f"round {round_ + 1}: {name:6} {what:9} {took:6.1f} s{used}",
                    file=sys.stderr,
                    flush=True,
                )
    scope = "ruff + pytest" + ("" if args.browser else ", without the browser tests")
    for name in folders:
        floor = statistics.median(times[name, "floor"])
        suite = statistics.median(times[name, "make test"])
        print(
            f"{name}: floor (import TensorFlow, run every snippets module) {floor:.1f} s, "
            f"make test ({scope}) {suite:.1f} s, ratio {suite / floor:.2f}"
        )
        if (name, "make test") in busy:
            share = statistics.median(busy[name, "make test"])
            print(
                f"{name}: make test kept the {cores} cores {100 * share:.0f} % busy: run "
                f"with no idle core it would take at least {suite * share:.1f} s, "
                f"ratio {suite * share / floor:.2f}"
            )
    if args.jax:
        without = statistics.median(times["now", "no JAX"])
        suite = statistics.median(times["now", "make test"])
        print(
            f"now: make test without the JAX run {without:.1f} s; with it / without "
            f"{suite / without:.2f} (the JAX run adds {100 * (suite / without - 1):.0f} %)"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
