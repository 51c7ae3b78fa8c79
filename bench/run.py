"""Benchmarks: the site's recipes against their built-in Keras twins.

``python bench/run.py`` (``make bench``) measures two things and writes them, with the
machine, the versions and the date, to ``data/bench.json``:

- **Step time.** For each pair (a recipe from a guide page and the built-in component it
  replaces), the same small model is trained with ``model.fit`` on the same data, once
  with each component. A callback records ``time.perf_counter()`` around every training
  step. After one warm-up epoch per model (tracing, discarded), the two models train
  one epoch each in turn, A B A B ..., for several rounds in one process, so that a busy
  machine slows both sides alike. Each side's median step time and their ratio
  (custom / built-in) are recorded.
- **Scale.** A streaming metric (``keras.metrics.Precision``) against a naive metric
  that keeps every prediction and computes at the end, for growing numbers of samples:
  the peak memory traced by ``tracemalloc`` and the time per sample.

Each recipe is the code a page shows: every pair names a snippets module, the sections
of it to run and the object to take. The sections are expanded by pymdownx.snippets, as
the site's build expands them (``keras_a_medida.pages.Expander``), and run in order in a
fresh namespace, so a change to a recipe on its page reaches the benchmark, and a
section or name that disappears stops it with an error naming the pair, the file and
the section. ``--tiny`` runs a few steps on the smallest data, for the test that keeps
this script from rotting.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import gc
import io
import json
import linecache
import os
import platform
import statistics
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pymdownx.snippets import SnippetMissingError

from keras_a_medida.config import load_site_config
from keras_a_medida.pages import Expander
from keras_a_medida.runner import prepare_environment

if TYPE_CHECKING:  # imported lazily at run time: this module loads without Keras
    import keras

#: The repository root (this file is ``bench/run.py``).
ROOT = Path(__file__).resolve().parents[1]

#: The committed results, which guide/benchmarks.md prints.
DEFAULT_OUT = ROOT / "data" / "bench.json"

#: The ratio custom / built-in that every recipe should stay within.
GOAL = 1.05

#: Format version of the results file.
SCHEMA = 1


# --- the pairs and their recipes ---------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A recipe and its built-in twin, each as one slot of the benchmark model.

    Attributes:
        name: Short name of the pair, as printed in the tables.
        slot: What the component is in the model: ``activation``, ``initializer``,
            ``regularizer``, ``constraint``, ``loss`` or ``metric``.
        page: The guide page that shows the recipe (``<slug>.md`` under ``guide/``).
        snippet: The snippets module, as a page's include names it
            (``activations/softplus.py``).
        sections: The named sections of ``snippet`` to run, in order: the last one
            defines the recipe, the earlier ones what it uses.
        custom: The recipe's name in those sections.
        builtin: The built-in twin's name.
    """

    name: str
    slot: str
    page: str
    snippet: str
    sections: tuple[str, ...]
    custom: str
    builtin: str


#: Every pair measured, in the order of the tables.
PAIRS = (
    Pair(
        "softplus",
        "activation",
        "activations.md",
        "activations/softplus.py",
        ("function", "overflow", "stable"),
        "stable_softplus",
        "softplus",
    ),
    Pair(
        "softplus-fused",
        "activation",
        "benchmarks.md",
        "bench/faster.py",
        ("why", "faster"),
        "softplus_fused",
        "softplus",
    ),
    Pair(
        "glorot",
        "initializer",
        "initializers.md",
        "initializers/glorot.py",
        ("function", "conv-kernel", "compute-fans"),
        "glorot_normal",
        "GlorotNormal",
    ),
    Pair(
        "l1",
        "regularizer",
        "functions-or-subclasses.md",
        "choosing/regularizer_forms.py",
        ("function", "subclass"),
        "L1Penalty",
        "L1",
    ),
    Pair(
        "non-neg",
        "constraint",
        "benchmarks.md",
        "bench/recipes.py",
        ("non-neg",),
        "non_neg",
        "NonNeg",
    ),
    Pair(
        "huber-loss",
        "loss",
        "losses.md",
        "losses/huber_forms.py",
        ("function", "subclass"),
        "HuberLoss",
        "Huber",
    ),
    Pair(
        "huber-metric",
        "metric",
        "metrics.md",
        "metrics/huber_metric.py",
        ("subclass",),
        "HuberMetric",
        "huber",
    ),
    Pair(
        "precision",
        "metric",
        "benchmarks.md",
        "bench/recipes.py",
        ("non-neg", "precision"),
        "StreamingPrecision",
        "Precision",
    ),
)

#: The pairs the results must hold.
REQUIRED_PAIRS = (
    "softplus",
    "glorot",
    "l1",
    "non-neg",
    "huber-loss",
    "huber-metric",
    "precision",
)


class RecipeError(Exception):
    """A pair's recipe cannot be taken from its snippets (the message names the pair,
    the file and the section)."""


def load_recipe(pair: Pair, expander: Expander) -> Any:
    """Run ``pair``'s sections in a fresh namespace and return its recipe.

    Each section is expanded by pymdownx.snippets, as the site's build expands
    ``--8<-- "file.py:section"``, and run as the module would run it (``__name__`` is
    ``"__main__"``), in a scratch working directory, its printed output discarded.

    Raises:
        RecipeError: When the file or a section is missing, a section fails, or the
            sections do not define ``pair.custom``.
    """
    namespace: dict[str, Any] = {"__name__": "__main__"}
    for section in pair.sections:
        where = f"pair {pair.name!r}: section {section!r} of {pair.snippet}"
        try:
            code, _ = expander.expand(f'--8<-- "{pair.snippet}:{section}"')
        except SnippetMissingError as error:
            raise RecipeError(f"{where}: {error}") from error
        filename = f"{pair.snippet}:{section}"
        # inspect.getsource (AutoGraph, tracebacks) finds the code of a string here
        linecache.cache[filename] = (len(code), None, code.splitlines(True), filename)
        try:
            with (
                tempfile.TemporaryDirectory(prefix="kam-bench-") as scratch,
                contextlib.chdir(scratch),
                contextlib.redirect_stdout(io.StringIO()),
            ):
                exec(compile(code, filename, "exec"), namespace)
        except Exception as error:
            raise RecipeError(f"{where} failed: {type(error).__name__}: {error}") from error
    if pair.custom not in namespace:
        raise RecipeError(
            f"pair {pair.name!r}: sections {', '.join(pair.sections)} of {pair.snippet} "
            f"define no {pair.custom!r}"
        )
    return namespace[pair.custom]


def load_recipes(pairs: tuple[Pair, ...] = PAIRS, root: Path = ROOT) -> dict[str, Any]:
    """Every pair's recipe, by pair name, from the snippets under ``root``."""
    expander = Expander(load_site_config(root))
    return {pair.name: load_recipe(pair, expander) for pair in pairs}


def _component(pair: Pair, side: str, recipes: dict[str, Any]) -> Any:
    """A fresh instance of one side (``custom`` or ``builtin``) of ``pair``."""
    import keras

    if side == "custom":
        made = recipes[pair.name]
        return made() if isinstance(made, type) else made
    return {
        "softplus": lambda: keras.activations.softplus,
        "GlorotNormal": lambda: keras.initializers.GlorotNormal(),
        "L1": lambda: keras.regularizers.L1(0.01),
        "NonNeg": lambda: keras.constraints.NonNeg(),
        "Huber": lambda: keras.losses.Huber(delta=1.0),
        "huber": lambda: keras.metrics.MeanMetricWrapper(keras.metrics.huber, name="huber"),
        "Precision": lambda: keras.metrics.Precision(name="precision"),
    }[pair.builtin]()


def build_model(
    pair: Pair, side: str, settings: dict[str, Any], recipes: dict[str, Any]
) -> keras.Sequential:
    """The benchmark model with one side of ``pair`` in its slot, compiled.

    Args:
        pair: The pair measured.
        side: ``"custom"`` or ``"builtin"``.
        settings: The run's settings (``features``, ``units``, ``run_eagerly``).
        recipes: The custom components, by pair name (``load_recipes``).

    Returns:
        The compiled model, ``Dense(units)`` then ``Dense(1, sigmoid)``; every slot not
            being measured holds the same built-in value on both sides.
    """
    import keras

    component = _component(pair, side, recipes)
    hidden = {
        "activation": "relu",
        "kernel_initializer": "glorot_uniform",
        "kernel_regularizer": None,
        "kernel_constraint": None,
    }
    key = {
        "activation": "activation",
        "initializer": "kernel_initializer",
        "regularizer": "kernel_regularizer",
        "constraint": "kernel_constraint",
    }.get(pair.slot)
    if key:
        hidden[key] = component
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(shape=(settings["features"],)),
            keras.layers.Dense(settings["units"], **hidden),
            keras.layers.Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(0.01),
        loss=component if pair.slot == "loss" else "mse",
        metrics=[component] if pair.slot == "metric" else [],
        run_eagerly=settings["run_eagerly"],
    )
    return model


def _step_timer():
    """A callback that appends the duration of every training step to ``.times``."""
    import keras

    class StepTimer(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.times: list[float] = []
            self._start = 0.0

        def on_train_batch_begin(self, batch, logs=None):
            self._start = time.perf_counter()

        def on_train_batch_end(self, batch, logs=None):
            self.times.append(time.perf_counter() - self._start)

    return StepTimer()


def time_pair(pair: Pair, settings: dict[str, Any], recipes: dict[str, Any]) -> dict[str, Any]:
    """Median step time of each side of ``pair`` inside ``fit``, interleaved A B A B.

    Args:
        pair: The pair measured.
        settings: The run's settings (data size, batch size, rounds, model size).
        recipes: The custom components, by pair name (``load_recipes``).

    Returns:
        The pair's record: its names and page, each side's median step time in
        milliseconds, the ratio custom / built-in and the number of steps timed per side.
    """
    import numpy as np

    rng = np.random.default_rng(0)
    x = rng.normal(size=(settings["samples"], settings["features"])).astype("float32")
    y = (x[:, :1] + 0.5 * rng.normal(size=(settings["samples"], 1)) > 0).astype("float32")
    models = {side: build_model(pair, side, settings, recipes) for side in ("custom", "builtin")}
    fit = {"batch_size": settings["batch_size"], "epochs": 1, "verbose": 0, "shuffle": False}
    for model in models.values():  # warm-up: tracing, discarded
        for _ in range(settings["warmup_epochs"]):
            model.fit(x, y, **fit)
    times: dict[str, list[float]] = {side: [] for side in models}
    for round_ in range(settings["rounds"]):
        order = ("custom", "builtin") if round_ % 2 == 0 else ("builtin", "custom")
        for side in order:
            timer = _step_timer()
            if settings["collect_garbage"]:
                gc.collect()
            models[side].fit(x, y, callbacks=[timer], **fit)
            times[side].extend(timer.times)
    custom = statistics.median(times["custom"])
    builtin = statistics.median(times["builtin"])
    return {
        "name": pair.name,
        "slot": pair.slot,
        "page": pair.page,
        "custom": pair.custom,
        "builtin": pair.builtin,
        "custom_ms": custom * 1000,
        "builtin_ms": builtin * 1000,
        "ratio": custom / builtin,
        "steps": len(times["custom"]),
    }


# --- scale: a streaming metric against one that keeps every prediction -------------


class NaivePrecision:
    """Precision that keeps every label and prediction and computes at the end.

    The anti-pattern the streaming metric replaces: memory grows with the number of
    samples. Arrays are copied, as they would be when converting each batch's tensors.
    """

    def __init__(self, threshold: float = 0.5):
        self.threshold = threshold
        self.y_true: list[Any] = []
        self.y_pred: list[Any] = []

    def update_state(self, y_true, y_pred) -> None:
        """Keep copies of one batch of labels and predictions."""
        import numpy as np

        self.y_true.append(np.array(y_true, copy=True))
        self.y_pred.append(np.array(y_pred, copy=True))

    def result(self) -> float:
        """Precision over everything kept so far."""
        import numpy as np

        y_true = np.concatenate(self.y_true)
        predicted = np.concatenate(self.y_pred) > self.threshold
        positives = predicted.sum()
        return float((predicted & (y_true > 0.5)).sum() / positives) if positives else 0.0


def measure_scale(n: int, kind: str, batch: int, collect: bool = True) -> dict[str, float]:
    """Peak traced memory and time to evaluate ``n`` samples with one metric.

    Args:
        n: Number of samples, fed in batches of at most ``batch``.
        kind: ``"streaming"`` (``keras.metrics.Precision``) or ``"naive"``
            (``NaivePrecision``).
        batch: The largest batch size.
        collect: Run the garbage collector before measuring.

    Returns:
        ``peak_bytes`` (``tracemalloc``'s peak while updating and computing),
        ``seconds`` and ``seconds_per_sample``.
    """
    import keras
    import numpy as np

    size = min(n, batch)
    rng = np.random.default_rng(0)
    y_true = (rng.random(size) < 0.5).astype("float32")
    y_pred = np.clip(0.3 * y_true + 0.7 * rng.random(size), 0, 1).astype("float32")
    metric = keras.metrics.Precision() if kind == "streaming" else NaivePrecision()
    if kind == "streaming":  # its state exists before the measurement starts
        metric.update_state(y_true[:1], y_pred[:1])
        metric.reset_state()
    if collect:
        gc.collect()
    tracemalloc.start()
    start = time.perf_counter()
    for first in range(0, n, size):
        count = min(size, n - first)
        metric.update_state(y_true[:count], y_pred[:count])
    float(metric.result())
    seconds = time.perf_counter() - start
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"peak_bytes": peak, "seconds": seconds, "seconds_per_sample": seconds / n}


def scale(settings: dict[str, Any]) -> list[dict[str, Any]]:
    """Streaming against naive precision for every size in ``settings["scale_sizes"]``.

    Each size runs ``settings["scale_repeats"]`` times, the two metrics in turn; the
    record keeps the median time and the largest peak of each.
    """
    rows = []
    for n in settings["scale_sizes"]:
        runs: dict[str, list[dict[str, float]]] = {"streaming": [], "naive": []}
        for _ in range(settings["scale_repeats"]):
            for kind in runs:
                runs[kind].append(
                    measure_scale(n, kind, settings["scale_batch"], settings["collect_garbage"])
                )
        row: dict[str, Any] = {"n": n}
        for kind, results in runs.items():
            seconds = statistics.median(r["seconds"] for r in results)
            row[kind] = {
                "peak_bytes": max(r["peak_bytes"] for r in results),
                "seconds": seconds,
                "seconds_per_sample": seconds / n,
            }
        rows.append(row)
    return rows


# --- the run -----------------------------------------------------------------------


def default_settings(tiny: bool = False) -> dict[str, Any]:
    """The settings of a full run, or of a tiny one (a few steps, the smallest data)."""
    if tiny:
        return {
            "tiny": True,
            "run_eagerly": True,  # no tracing: the whole run takes a second or two
            "warmup_epochs": 0,
            "collect_garbage": False,
            "samples": 64,
            "batch_size": 32,
            "features": 8,
            "units": 16,
            "rounds": 1,
            "scale_sizes": [1000, 10000],
            "scale_batch": 10000,
            "scale_repeats": 1,
        }
    return {
        "tiny": False,
        "run_eagerly": False,
        "warmup_epochs": 1,
        "collect_garbage": True,
        "samples": 8192,
        "batch_size": 128,
        "features": 32,
        "units": 256,
        "rounds": 16,
        "scale_sizes": [10**3, 10**4, 10**5, 10**6, 10**7],
        "scale_batch": 10**5,
        "scale_repeats": 3,
    }


def environment() -> dict[str, Any]:
    """The machine and the versions the benchmark ran with."""
    import keras
    import numpy as np
    import tensorflow as tf

    return {
        "machine": {
            "platform": platform.platform(),
            "processor": platform.machine(),
            "cpu_count": os.cpu_count(),
        },
        "versions": {
            "python": platform.python_version(),
            "tensorflow": tf.__version__,
            "keras": keras.__version__,
            "numpy": np.__version__,
        },
    }


def run(tiny: bool = False, log: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Run every pair and the scale measurement; return the results as a dict.

    Args:
        tiny: Run a few steps on the smallest data (seconds), for the tests.
        log: Called with one line of progress per pair or size (default: nothing).

    Returns:
        The results: ``schema``, ``date``, ``machine``, ``versions``, ``settings``,
        ``goal``, ``pairs`` (one record per pair) and ``scale`` (one row per size).
    """
    log = log or (lambda line: None)
    settings = default_settings(tiny)
    started = time.perf_counter()
    recipes = load_recipes()
    log(f"{len(recipes)} recipes taken from the snippets in {time.perf_counter() - started:.1f} s")
    started = time.perf_counter()
    results: dict[str, Any] = {
        "schema": SCHEMA,
        "date": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        **environment(),
        "settings": settings,
        "goal": GOAL,
        "pairs": [],
        "scale": [],
    }
    for pair in PAIRS:
        record = time_pair(pair, settings, recipes)
        results["pairs"].append(record)
        log(
            f"{pair.name:13} custom {record['custom_ms']:7.3f} ms  "
            f"built-in {record['builtin_ms']:7.3f} ms  ratio {record['ratio']:.3f}"
        )
    for row in scale(settings):
        results["scale"].append(row)
        log(
            f"n={row['n']:>9}  streaming {row['streaming']['peak_bytes']:>11} B "
            f"{row['streaming']['seconds']:.3f} s  naive {row['naive']['peak_bytes']:>11} B "
            f"{row['naive']['seconds']:.3f} s"
        )
    results["seconds"] = time.perf_counter() - started
    return results


def validate(results: dict[str, Any]) -> list[str]:
    """Problems with the structure of a results dict (an empty list when it is sound).

    Checks that the machine, versions, date and settings are recorded, that every
    required pair is present with positive times and ratio, and that every scale row
    has both metrics.
    """
    problems = []
    for key in ("schema", "date", "machine", "versions", "settings", "pairs", "scale"):
        if key not in results:
            problems.append(f"missing {key!r}")
    if problems:
        return problems
    for key in ("platform", "cpu_count"):
        if not results["machine"].get(key):
            problems.append(f"machine: missing {key!r}")
    for key in ("python", "tensorflow", "keras"):
        if not results["versions"].get(key):
            problems.append(f"versions: missing {key!r}")
    try:
        datetime.datetime.fromisoformat(results["date"])
    except (TypeError, ValueError):
        problems.append(f"date is not ISO 8601: {results['date']!r}")
    pairs = {p.get("name"): p for p in results["pairs"]}
    for name in REQUIRED_PAIRS:
        if name not in pairs:
            problems.append(f"pair {name!r} is missing")
    for name, pair in pairs.items():
        for key in ("custom_ms", "builtin_ms", "ratio", "steps"):
            value = pair.get(key)
            if not isinstance(value, int | float) or not value > 0:
                problems.append(f"pair {name!r}: {key} must be > 0, got {value!r}")
        if pair.get("page") and not pair["page"].endswith(".md"):
            problems.append(f"pair {name!r}: page must be a guide page, got {pair['page']!r}")
    if not results["scale"]:
        problems.append("scale: no rows")
    for row in results["scale"]:
        for kind in ("streaming", "naive"):
            record = row.get(kind, {})
            for key in ("peak_bytes", "seconds", "seconds_per_sample"):
                if not isinstance(record.get(key), int | float) or record[key] < 0:
                    problems.append(f"scale n={row.get('n')}: {kind}.{key} is missing")
    return problems


def write(results: dict[str, Any], out: Path) -> None:
    """Write ``results`` as indented JSON to ``out`` (creating its folder)."""
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    """Run the benchmark, print progress to stderr and write the results.

    Returns:
        The exit status: 0, or 1 when the results are not sound.
    """
    parser = argparse.ArgumentParser(
        prog="python bench/run.py", description="Time each recipe against its built-in twin."
    )
    parser.add_argument("--tiny", action="store_true", help="a few steps, the smallest data")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="results file")
    args = parser.parse_args(argv)
    prepare_environment()
    results = run(tiny=args.tiny, log=lambda line: print(line, file=sys.stderr))
    write(results, args.out)
    problems = validate(results)
    for problem in problems:
        print(f"error: {problem}", file=sys.stderr)
    slower = [p["name"] for p in results["pairs"] if p["ratio"] > GOAL]
    print(f"wrote {args.out} in {results['seconds']:.1f} s", file=sys.stderr)
    if slower:
        print(f"above {GOAL}x: {', '.join(slower)}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except RecipeError as error:
        print(f"error: {error}", file=sys.stderr)
        sys.exit(2)
