"""Time ``make test`` against its floor: ``python bench/timings.py`` (``make timings``).

The floor is one Python process importing TensorFlow and running every snippets module
once; the report gives each median and the ratio suite / floor.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    """``make test`` against one run of every snippets module, interleaved.

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
    parser = argparse.ArgumentParser(prog="python bench/timings.py")
    parser.add_argument("--root", default=".", help="repository root (default: .)")
    parser.add_argument("--rounds", type=int, default=2, help="rounds of A B (default 2)")
    parser.add_argument(
        "--browser", action="store_true", help="include tests/test_browser.py in make test"
    )
    parser.add_argument("--before", help="also time the suite of this checkout, each round")
    parser.add_argument(
        "--jax", action="store_true", help="also time make test without the JAX run"
    )
    args = parser.parse_args(argv)
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


if __name__ == "__main__":
    sys.exit(main())
