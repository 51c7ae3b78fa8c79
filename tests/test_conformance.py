"""Every copyable recipe in snippets/ behaves like its built-in twin in real use.

Discovery needs no list. Each snippets module is read with ``ast`` and its imports,
``def`` and ``class`` statements (and plain literal assignments) are executed in order,
without the demonstration code between them. Every class that subclasses a Keras base
class (Loss, Metric, Layer, Model, Regularizer, Constraint, Initializer, Optimizer), every
function with a ``(y_true, y_pred, ...)`` or ``(shape, dtype...)`` signature and every
function registered with ``register_keras_serializable`` is a recipe, unless its name
starts with ``Broken``/``broken_``: the site's mark for a deliberate bad example.

A recipe declares its twin next to it in the snippet, outside the shown section::

    # conformance: HuberLoss(threshold=2.0) ~ keras.losses.Huber(delta=2.0)
    # conformance[metric]: mae_per_sample ~ keras.metrics.mean_absolute_error
    # conformance: Center() ~ ref(lambda x: x, input_shape=(3,))

The left side builds the recipe (evaluated again for every situation), the right side
its built-in twin or, with ``ref(...)``, a NumPy reference; ``pending(reason)`` records a
recipe whose twin is still to be written, and every run lists it as skipped with its
reason. ``[kind]`` names the role of
a function (loss, metric, activation, initializer, regularizer, constraint, aligner),
or ``[fit]`` for a Model class whose own train_step(), test_step() or compute_loss()
replaces Keras's: its twin is a class too, usually ``keras.Model``, and both are built
on the same Functional graph and compiled alike, so that fit() and evaluate() must log
the same numbers::

    # conformance[fit]: StepModel ~ keras.Model

A recipe without a directive fails the test: nothing is skipped in silence.

The situations: targets of shape (batch, 1) and (batch,), sample_weight, fit() and
evaluate(), mixed_float16, and a .keras save/load round trip; for a layer, also
predict() in graph mode with a smaller last batch, which TensorFlow traces with an
unknown batch size (``ref(..., eager=True)`` declares a layer meant to run only with
``run_eagerly=True``). A failure names the file,
the section, the recipe and the situation.
"""

from __future__ import annotations

import ast
import inspect
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import keras
import numpy as np
import pytest
from keras import ops

from tests_paths import ROOT

SNIPPETS = ROOT / "snippets"
SKIP_DIRS = {"bench"}  # benchmark drivers import the recipes; they define none
BROKEN = re.compile(r"^(Broken|broken_)")
DIRECTIVE = re.compile(
    r"^# conformance(?:\[(?P<kind>\w+)\])?:\s*(?P<recipe>.+?)\s+~\s+(?P<twin>.+)$"
)
SECTION = re.compile(r"# --8<-- \[(?P<what>start|end):(?P<name>[\w-]+)\]")
BASES = [  # order matters: a Model is a Layer
    ("loss", keras.losses.Loss),
    ("metric", keras.metrics.Metric),
    ("model", keras.Model),
    ("layer", keras.layers.Layer),
    ("regularizer", keras.regularizers.Regularizer),
    ("constraint", keras.constraints.Constraint),
    ("initializer", keras.initializers.Initializer),
    ("optimizer", keras.optimizers.Optimizer),
]
FUNCTION_KINDS = {
    "aligner",
    "loss",
    "metric",
    "activation",
    "initializer",
    "regularizer",
    "constraint",
}
RTOL, ATOL = 1e-4, 1e-5
HALF = (1e-2, 1e-2)  # float16 computations: the recipe and its twin may round differently


@dataclass
class Ref:
    """A NumPy reference (or options for a Keras twin) declared with ``ref(...)``."""

    fn: object = None
    input_shape: tuple = (3,)
    options: dict = field(default_factory=dict)

    def __call__(self, *args, **kwargs):
        return self.fn(*args, **kwargs)


def ref(fn=None, input_shape=(3,), **options):
    return Ref(fn, tuple(input_shape), options)


@dataclass
class Recipe:
    file: str
    section: str
    name: str
    kind: str
    line: int
    namespace: dict
    recipe_src: str | None = None
    twin_src: str | None = None

    @property
    def where(self):
        return f"{self.file}:{self.section} {self.name} (line {self.line})"

    def make(self):
        return eval(self.recipe_src, self.namespace)  # noqa: S307 - our own snippets

    def twin(self):
        return eval(self.twin_src, {**self.namespace, "ref": ref})  # noqa: S307


def _sections(lines):
    """The named section each line number (1-based) sits in, or '<outside sections>'."""
    current, owner = [], {}
    for number, line in enumerate(lines, 1):
        match = SECTION.search(line)
        if match and match["what"] == "start":
            current.append(match["name"])
        elif match and current:
            current.pop()
        owner[number] = current[-1] if current else "<outside sections>"
    return owner


def _directives(lines):
    """(line number, match) for each directive; indented comment lines continue one."""
    found = []
    for number, line in enumerate(lines, 1):
        if not line.startswith("# conformance"):
            continue
        text = line
        for more in lines[number:]:
            if not re.match(r"#\s{3,}\S", more):
                break
            text += " " + more[1:].strip()
        found.append((number, DIRECTIVE.match(text.strip())))
    return found


def _kind_of(obj):
    if inspect.isclass(obj):
        for kind, base in BASES:
            if issubclass(obj, base) and obj is not base:
                return kind
        return None
    if inspect.isfunction(obj):
        params = list(inspect.signature(obj).parameters)
        if params[:2] == ["y_true", "y_pred"]:
            return "loss-or-metric"
        if params[:2] == ["shape", "dtype"]:
            return "initializer"
        if keras.saving.get_registered_name(obj) != obj.__name__:
            return "registered"
    return None


def _keep(node):
    """Definitions only: the demonstrations between them are not run here."""
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    if isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) for t in node.targets):
        try:
            ast.literal_eval(node.value)
        except ValueError:
            return False
        return True
    return False


def discover(root=SNIPPETS):
    """Every recipe in the snippets, each with its declared twin (or None)."""
    recipes, problems = [], []
    for path in sorted(root.rglob("*.py")):
        if path.parent.name in SKIP_DIRS:
            continue
        rel = path.relative_to(root).as_posix()
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        owner = _sections(lines)
        namespace = {"__name__": f"conformance.{rel[:-3].replace('/', '.')}"}
        directives = _directives(lines)
        found, snapshots = [], []  # snapshots: the namespace after each definition
        for node in ast.parse(text).body:
            if not _keep(node):
                continue
            exec(compile(ast.Module([node], []), str(path), "exec"), namespace)  # noqa: S102
            snapshots.append((node.lineno, dict(namespace)))
            if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
                obj = namespace[node.name]
                kind = _kind_of(obj)
                if kind and not BROKEN.match(node.name):
                    found.append(
                        Recipe(rel, owner[node.lineno], node.name, kind, node.lineno, namespace)
                    )
        for number, match in directives:
            if match is None:
                problems.append(f"{rel}:{number}: write it as # conformance: recipe ~ twin")
                continue
            names = re.findall(r"[A-Za-z_]\w*", match["recipe"])
            targets = [r for r in found if r.name in names and r.line < number]
            name = targets[-1].name if targets else names[0]
            targets = [r for r in targets if r.name == name]
            if not targets:
                problems.append(f"{rel}:{number}: directive for unknown recipe {name!r}")
                continue
            target = targets[-1]  # the nearest definition above the directive
            if target.recipe_src is not None:
                target = Recipe(**{**target.__dict__})
                found.append(target)
            target.recipe_src, target.twin_src = match["recipe"], match["twin"]
            # a later definition with the same name must not replace this one
            target.namespace = [ns for line, ns in snapshots if line < number][-1]
            if match["kind"]:
                target.kind = match["kind"]
        recipes += found
    return recipes, problems


RECIPES, PROBLEMS = discover()


# --------------------------------------------------------------------------- helpers
def close(a, b, what, rtol=RTOL, atol=ATOL):
    a = np.asarray(ops.convert_to_numpy(a) if not isinstance(a, (float, list)) else a, "float64")
    b = np.asarray(ops.convert_to_numpy(b) if not isinstance(b, (float, list)) else b, "float64")
    if a.shape != b.shape:
        raise AssertionError(f"{what}: shape {a.shape} != twin's {b.shape}")
    if not np.allclose(a, b, rtol=rtol, atol=atol):
        raise AssertionError(
            f"{what}: {np.round(a, 5).tolist()} != twin's {np.round(b, 5).tolist()}"
        )


MEMO = {}


def memo(key, compute):
    """Twins are shared by several recipes: compute each of their runs once.

    A twin always runs eagerly: its numbers do not depend on it, and the recipe's own
    run is the one whose graph mode is under test.
    """
    if key not in MEMO:
        MEMO[key] = compute()
    return MEMO[key]


class Situation:
    """Collects the situations that broke, so that one run reports them all."""

    def __init__(self, recipe):
        self.recipe, self.failures = recipe, []

    def __call__(self, name, fn):
        try:
            fn()
        except Exception as error:  # noqa: BLE001 - every failure is reported
            self.failures.append(f"{name}: {type(error).__name__}: {error}"[:600])
        finally:
            keras.config.set_dtype_policy("float32")

    def report(self):
        if self.failures:
            lines = "\n  - ".join(self.failures)
            pytest.fail(f"{self.recipe.where} [{self.recipe.kind}] broke in:\n  - {lines}")


def data(n=8, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 1)).astype("float32")
    y = (3.0 * x[:, 0] + rng.normal(scale=2.0, size=n)).astype("float32")  # shape (n,)
    w = rng.uniform(0.0, 2.0, size=n).astype("float32")
    return x, y, w


def regression(seed=0):
    """Dense(1) on one input: the most common set-up, with fixed weights."""
    return keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(
                1,
                kernel_initializer=keras.initializers.Constant(0.5),
                bias_initializer=keras.initializers.Constant(0.1),
            ),
        ]
    )


def save_and_load(model, recipe, custom=None):
    path = Path(tempfile.mkdtemp()) / "recipe.keras"
    model.save(path)
    obj = recipe.namespace[recipe.name]
    objects = {recipe.name: obj, **(custom or {})}
    registry = keras.saving.get_custom_objects()
    key = keras.saving.get_registered_name(obj)
    saved = registry.get(key)
    if key in registry:  # a later snippet may have registered another class here
        registry[key] = obj
    try:
        reloaded = keras.models.load_model(path, custom_objects=objects)
    finally:
        if saved is not None:
            registry[key] = saved
    reloaded.run_eagerly = True  # the round trip is about the file, not about tracing
    return reloaded


def two_epochs(model, x, y, sample_weight=None):
    """fit() for two epochs of two batches, validating on the first five samples."""
    return model.fit(
        x,
        y,
        sample_weight=sample_weight,
        batch_size=4,
        epochs=2,
        validation_data=(x[:5], y[:5]),
        verbose=0,
    )


def metric_value(results):
    (name,) = [k for k in results if k != "loss"]
    return results[name]


# --------------------------------------------------------------------------- losses
def as_loss(obj):
    if isinstance(obj, keras.losses.Loss):
        return obj
    from keras.src.losses.losses import LossFunctionWrapper  # what compile() builds

    return LossFunctionWrapper(obj)


def check_loss(recipe, s):
    x, y1, w = data()
    y2 = y1[:, None]
    y_pred = regression()(x)

    def direct(y, sample_weight=None):
        got = as_loss(recipe.make())(y, y_pred, sample_weight=sample_weight)
        want = as_loss(recipe.twin())(y, y_pred, sample_weight=sample_weight)
        close(got, want, "value")

    def raw_function(y):  # a plain function called by hand, as keras.losses.huber is
        if inspect.isfunction(recipe.make()):
            close(recipe.make()(y, y_pred), recipe.twin()(y, y_pred), "per-sample values")

    def trained(loss, y, policy="float32", eager=True):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        model = regression()
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss=loss, run_eagerly=eager)
        history = model.fit(x, y, sample_weight=w, batch_size=4, epochs=2, verbose=0)
        model.run_eagerly = True  # evaluate() need not trace a second function
        return model, history.history["loss"] + [model.evaluate(x, y, verbose=0)]

    fitted = {}

    def fit(y, policy="float32", eager=True):
        fitted[policy], got = trained(recipe.make(), y, policy, eager)
        key = ("loss-fit", recipe.twin_src, y.ndim, policy)
        want = memo(key, lambda: trained(recipe.twin(), y, policy, True)[1])
        close(got, want, "fit/evaluate losses", *HALF if policy != "float32" else ())

    def round_trip():  # the model trained in graph mode above
        model = fitted["float32"]
        model.run_eagerly = True
        reloaded = save_and_load(model, recipe)
        close(reloaded.evaluate(x, y1, verbose=0), model.evaluate(x, y1, verbose=0), "reloaded")

    s("direct call, targets (batch, 1)", lambda: direct(y2))
    s("direct call, targets (batch,)", lambda: direct(y1))
    s("direct call, function by hand, targets (batch,)", lambda: raw_function(y1))
    s("direct call, sample_weight", lambda: direct(y1, w))
    s(
        "fit()/evaluate() in graph mode, targets (batch,), sample_weight",
        lambda: fit(y1, eager=False),
    )
    s("fit() under mixed_float16", lambda: fit(y1, "mixed_float16"))
    s("save/load round trip", round_trip)


# --------------------------------------------------------------------------- metrics
class RefMetric(keras.metrics.Metric):
    """A NumPy reference ``fn(y_true, y_pred, sample_weight)`` over all data since reset."""

    def __init__(self, fn, name="ref", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.fn, self.seen = fn, []

    def update_state(self, y_true, y_pred, sample_weight=None):
        arrays = [y_true, y_pred, np.ones(len(y_true)) if sample_weight is None else sample_weight]
        self.seen.append([np.asarray(ops.convert_to_numpy(a), "float64") for a in arrays])

    def result(self):
        return self.fn(*(np.concatenate(parts) for parts in zip(*self.seen, strict=True)))

    def reset_state(self):
        self.seen = []


def as_metric(obj):
    if isinstance(obj, Ref):
        return RefMetric(obj.fn)
    if isinstance(obj, keras.metrics.Metric):
        return obj
    return keras.metrics.MeanMetricWrapper(obj, name="m")


def check_metric(recipe, s):
    x, y1, w = data()
    y2 = y1[:, None]
    y_pred = ops.convert_to_numpy(regression()(x))

    def streamed(metric, y, sample_weight=None, y_pred=y_pred):
        for part in (slice(0, 3), slice(3, None)):
            weights = None if sample_weight is None else sample_weight[part]
            metric.update_state(y[part], y_pred[part], sample_weight=weights)
        return metric.result()

    def direct(y, sample_weight=None):
        got = streamed(as_metric(recipe.make()), y, sample_weight)
        want = streamed(as_metric(recipe.twin()), y, sample_weight)
        close(got, want, "result() after two batches")

    def reset():
        metric = as_metric(recipe.make())
        streamed(metric, y2 * 7.0)
        metric.reset_state()
        close(streamed(metric, y2), streamed(as_metric(recipe.twin()), y2), "after reset")

    def float16_predictions():
        half = ops.convert_to_tensor(y_pred, "float16")  # a tensor: NumPy would be converted
        got = streamed(as_metric(recipe.make()), y1, y_pred=half)
        want = streamed(as_metric(recipe.twin()), y1, y_pred=half)
        close(got, want, "float16 y_pred", *HALF)

    def trained(metric, y, policy="float32", weighted=False, eager=True):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        model = regression()
        key = "weighted_metrics" if weighted else "metrics"
        model.compile(
            optimizer=keras.optimizers.SGD(0.0), loss="mse", run_eagerly=eager, **{key: [metric]}
        )
        history = two_epochs(model, x, y, w if weighted else None)
        values = [v for k, v in history.history.items() if "loss" not in k]
        results = model.evaluate(x, y, verbose=0, return_dict=True)
        return model, [value for pair in values for value in pair] + [metric_value(results)]

    fitted = {}

    def fit(y, policy="float32", weighted=False, eager=True):
        model, got = trained(recipe.make(), y, policy, weighted, eager)
        fitted[policy, weighted] = model
        twin = recipe.twin()
        if isinstance(twin, Ref):  # learning rate 0: the predictions stay put
            pred = ops.convert_to_numpy(model(x)).astype("float64")
            weights = w if weighted else np.ones(len(x))
            epoch = twin.fn(y.astype("float64"), pred, weights)
            val = twin.fn(y[:5].astype("float64"), pred[:5], np.ones(5))
            want = [epoch, epoch, val, val, twin.fn(y.astype("float64"), pred, np.ones(len(x)))]
        else:
            key = ("metric-fit", recipe.twin_src, y.ndim, policy, weighted)
            want = memo(key, lambda: trained(twin, y, policy, weighted, True)[1])
        close(got, want, "fit()/evaluate() metric values", *HALF if policy != "float32" else ())

    def round_trip():
        model = fitted["float32", False]  # the model trained in graph mode above
        model.run_eagerly = True
        reloaded = save_and_load(model, recipe)
        got = metric_value(reloaded.evaluate(x, y1, verbose=0, return_dict=True))
        want = metric_value(model.evaluate(x, y1, verbose=0, return_dict=True))
        close(got, want, "reloaded model's metric")

    s("update_state(), targets (batch, 1)", lambda: direct(y2))
    s("update_state(), targets (batch,)", lambda: direct(y1))
    s("update_state(), sample_weight", lambda: direct(y1, w))
    s("update_state(), float16 predictions", float16_predictions)
    s("reset_state()", reset)
    s("fit()/evaluate() in graph mode, targets (batch,)", lambda: fit(y1, eager=False))
    s("fit(), weighted_metrics with sample_weight", lambda: fit(y1, weighted=True))
    s("fit() under mixed_float16", lambda: fit(y1, "mixed_float16"))
    s("save/load round trip", round_trip)


# --------------------------------------------------------------------------- layers
def _inputs(shape, n=4, seed=1):
    return np.random.default_rng(seed).normal(size=(n, *shape)).astype("float32")


def check_layer(recipe, s):
    twin = recipe.twin()
    spec = twin if isinstance(twin, Ref) else Ref()
    x = _inputs(spec.input_shape)
    # Eager fit: the symbolic build through keras.Input already traces call(), which is
    # where graph-only mistakes (a Python `if` on a tensor) show up; tracing a train
    # function for each layer would double the cost of the whole test.
    eager = True

    def build(make=recipe.make, policy="float32"):
        keras.config.set_dtype_policy(policy)  # before the layer exists
        keras.utils.set_random_seed(0)
        layer = make()
        if recipe.kind == "model":
            layer(x[:1])
            return layer
        return keras.Sequential([keras.Input(shape=spec.input_shape), layer])

    def expected(model):
        if isinstance(twin, Ref):
            if len(inspect.signature(twin.fn).parameters) == 2:
                return twin.fn(x, model.get_weights())
            return twin.fn(x)
        other = build(recipe.twin)
        other.set_weights(model.get_weights())
        return other(x)

    def call():
        model = build()
        close(model(x), expected(model), "outputs")

    def mixed():
        model = build(policy="mixed_float16")
        out = model(x)
        assert keras.backend.standardize_dtype(out.dtype) == "float16", f"output {out.dtype}"
        keras.config.set_dtype_policy("float32")
        np.testing.assert_allclose(
            ops.convert_to_numpy(out).astype("float32"),
            ops.convert_to_numpy(expected(model)),
            rtol=1e-2,
            atol=1e-2,
        )

    def predict_uneven():  # TensorFlow traces the second batch with an unknown size
        model = build()
        model.run_eagerly = spec.options.get("eager", False)  # ref(..., eager=True)
        got = model.predict(x, batch_size=3, verbose=0)
        want = np.concatenate(
            [ops.convert_to_numpy(model(x[:3])), ops.convert_to_numpy(model(x[3:]))]
        )
        close(got, want, "predict() outputs")

    def fit():
        model = build()
        target = np.zeros_like(ops.convert_to_numpy(model(x)))
        model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse", run_eagerly=eager)
        history = model.fit(x, target, batch_size=2, epochs=1, verbose=0)
        assert np.isfinite(history.history["loss"]).all(), history.history

    def round_trip():
        model = build()
        model.compile(optimizer="sgd", loss="mse")
        reloaded = save_and_load(model, recipe)
        close(reloaded(x), model(x), "reloaded outputs")
        layer = model if recipe.kind == "model" else model.layers[-1]
        copy = type(layer).from_config(layer.get_config())
        assert copy.get_config() == layer.get_config(), "from_config(get_config())"

    s("call on a batch", call)
    s("predict() in graph mode, batches of 3 and 1", predict_uneven)
    s("fit()", fit)
    s("under mixed_float16", mixed)
    s("save/load round trip", round_trip)


# --------------------------------------------------------------------------- the rest
def _dense(n_in=3, **kwargs):
    return keras.Sequential([keras.Input(shape=(n_in,)), keras.layers.Dense(2, **kwargs)])


def check_regularizer(recipe, s):
    weights = _inputs((3,), n=3)

    def value():
        close(recipe.make()(weights), recipe.twin()(weights), "penalty")

    def penalised(make, policy, eager):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        model = _dense(kernel_regularizer=make())
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        history = model.fit(weights, weights[:, :2], epochs=2, verbose=0)
        return [float(sum(model.losses))] + history.history["loss"]

    def in_model(policy="float32", eager=False):
        got = penalised(recipe.make, policy, eager)
        key = ("regularizer", recipe.twin_src, policy)
        want = memo(key, lambda: penalised(recipe.twin, policy, True))
        close(got, want, "model.losses and fit() losses")

    def round_trip():
        keras.utils.set_random_seed(0)
        model = _dense(kernel_regularizer=recipe.make())
        reloaded = save_and_load(model, recipe)
        close(sum(reloaded.losses), sum(model.losses), "reloaded penalty")

    s("value on a weight matrix", value)
    s("model.losses and fit()", in_model)
    s("under mixed_float16", lambda: in_model("mixed_float16", eager=True))
    s("save/load round trip", round_trip)


def check_constraint(recipe, s):
    weights = _inputs((3,), n=3) * 2

    def value():
        close(recipe.make()(weights), recipe.twin()(weights), "projected weights")

    def projected(make, policy, eager):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        model = _dense(kernel_constraint=make())
        model.compile(optimizer=keras.optimizers.SGD(0.5), loss="mse", run_eagerly=eager)
        model.fit(weights, 5 * weights[:, :2], epochs=3, verbose=0)
        return ops.convert_to_numpy(model.layers[0].kernel)

    def in_fit(policy="float32", eager=False):
        got = projected(recipe.make, policy, eager)
        key = ("constraint", recipe.twin_src, policy)
        close(got, memo(key, lambda: projected(recipe.twin, policy, True)), "kernel after fit()")

    def round_trip():
        model = _dense(kernel_constraint=recipe.make())
        reloaded = save_and_load(model, recipe)
        got = reloaded.layers[0].kernel_constraint
        assert got.get_config() == model.layers[0].kernel_constraint.get_config()

    s("value on a weight matrix", value)
    s("fit()", in_fit)
    s("under mixed_float16", lambda: in_fit("mixed_float16", eager=True))
    s("save/load round trip", round_trip)


def check_initializer(recipe, s):
    shape = (64, 48)
    twin = recipe.twin()
    stats = isinstance(twin, Ref) and twin.options.get("stats")
    if isinstance(twin, Ref):
        twin = twin.fn

    def value():
        got, want = recipe.make()(shape), twin(shape)
        if stats:  # random: compare the distribution, not the draws
            g, t = ops.convert_to_numpy(got), ops.convert_to_numpy(want)
            assert abs(g.mean() - t.mean()) < 0.02, f"mean {g.mean()} vs {t.mean()}"
            assert abs(g.std() / t.std() - 1) < 0.1, f"std {g.std()} vs {t.std()}"
        else:
            close(got, want, "values")

    def in_layer(policy="float32"):
        keras.config.set_dtype_policy(policy)
        model = _dense(n_in=shape[0], kernel_initializer=recipe.make())
        kernel = model.layers[0].kernel
        assert tuple(kernel.shape) == (shape[0], 2)
        assert keras.backend.standardize_dtype(kernel.dtype) == "float32"

    def round_trip():
        model = _dense(kernel_initializer=recipe.make())
        reloaded = save_and_load(model, recipe)
        close(reloaded.layers[0].kernel, model.layers[0].kernel, "reloaded kernel")
        init = recipe.make()
        if isinstance(init, keras.initializers.Initializer):
            copy = type(init).from_config(init.get_config())
            assert copy.get_config() == init.get_config(), "from_config(get_config())"

    s("values", value)
    s("in a layer", in_layer)
    s("in a layer under mixed_float16", lambda: in_layer("mixed_float16"))
    s("save/load round trip", round_trip)


def check_activation(recipe, s):
    x = np.linspace(-30, 30, 13, dtype="float32")[:, None]

    def value():
        close(recipe.make()(x), recipe.twin()(x), "values")

    def activated(make, policy, eager):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        model = _dense(n_in=1, activation=make())
        model.compile(optimizer="sgd", loss="mse", run_eagerly=eager)
        return model.fit(x / 30, x / 30, epochs=2, verbose=0).history["loss"]

    def in_model(policy="float32", eager=False):
        got = activated(recipe.make, policy, eager)
        key = ("activation", recipe.twin_src, policy)
        want = memo(key, lambda: activated(recipe.twin, policy, True))
        close(got, want, "fit() losses", *HALF if policy != "float32" else ())

    def round_trip():
        model = _dense(n_in=1, activation=recipe.make())
        reloaded = save_and_load(model, recipe)
        close(reloaded(x), model(x), "reloaded outputs")

    s("values", value)
    s("fit()", in_model)
    s("under mixed_float16", lambda: in_model("mixed_float16", eager=True))
    s("save/load round trip", round_trip)


def check_optimizer(recipe, s):
    x, y1, _ = data()

    def trained(optimizer, policy="float32", eager=False):
        keras.config.set_dtype_policy(policy)
        model = regression()
        model.compile(optimizer=optimizer, loss="mse", run_eagerly=eager)
        model.fit(x, y1, batch_size=4, epochs=2, verbose=0)
        return model

    def kernel(make, policy, eager):
        return ops.convert_to_numpy(trained(make(), policy, eager).layers[0].kernel)

    def fit(policy="float32", eager=False):
        got = kernel(recipe.make, policy, eager)
        key = ("optimizer", recipe.twin_src, policy)
        close(got, memo(key, lambda: kernel(recipe.twin, policy, True)), "kernel after fit()")

    def round_trip():
        model = trained(recipe.make(), eager=True)
        reloaded = save_and_load(model, recipe)
        for a, b in zip(reloaded.optimizer.variables, model.optimizer.variables, strict=True):
            close(a, b, f"optimizer variable {b.path}")
        for m in (model, reloaded):
            m.fit(x, y1, batch_size=4, epochs=1, verbose=0)
        close(reloaded.layers[0].kernel, model.layers[0].kernel, "training after reload")

    s("fit()", fit)
    s("fit() under mixed_float16", lambda: fit("mixed_float16", eager=True))
    s("save/load round trip", round_trip)


def check_aligner(recipe, s):
    """A helper that aligns y_true with y_pred must agree with Keras' own.

    ``ref(twin, casts=False)`` declares one that aligns the ranks only (its callers cast):
    it then receives y_true already in y_pred's dtype.
    """
    shapes = [((4,), (4, 1)), ((4, 1), (4,)), ((4, 1), (4, 1)), ((4,), (4,)), ((4, 2), (4, 2))]
    declared = recipe.twin()
    casts = not isinstance(declared, Ref) or declared.options.get("casts", True)

    def same(dtype):
        for true_shape, pred_shape in shapes:
            y_true = np.ones(true_shape, "int32" if casts else dtype)
            y_pred = np.ones(pred_shape, dtype)
            got = recipe.make()(y_true, y_pred)
            twin = declared.fn if isinstance(declared, Ref) else declared
            want = twin(ops.cast(y_true, dtype), ops.convert_to_tensor(y_pred, dtype=dtype))
            for a, b in zip(got, want, strict=True):
                assert tuple(a.shape) == tuple(b.shape), f"{true_shape}, {pred_shape}"
                assert keras.backend.standardize_dtype(a.dtype) == dtype, a.dtype

    s("shapes, float32", lambda: same("float32"))
    s("shapes, float16", lambda: same("float16"))


def check_fit(recipe, s):
    """A Model class with its own train_step()/test_step()/compute_loss().

    Both sides of the directive are classes (``ref(cls, dense={...})`` adds keyword
    arguments to the twin's Dense layer). Each wraps the same Functional graph, one
    Dense(1) with fixed weights, compiled alike; fit() and evaluate() must log the same.
    """
    x, y1, w = data()
    twin = recipe.twin()
    spec = twin if isinstance(twin, Ref) else Ref(twin)

    def build(cls, policy="float32", eager=False, dense=None):
        keras.config.set_dtype_policy(policy)
        keras.utils.set_random_seed(0)
        inputs = keras.Input(shape=(1,))
        layer = keras.layers.Dense(
            1,
            kernel_initializer=keras.initializers.Constant(0.5),
            bias_initializer=keras.initializers.Constant(0.1),
            **(dense or {}),
        )
        model = cls(inputs, layer(inputs))
        model.compile(
            optimizer=keras.optimizers.SGD(0.05),
            loss="mse",
            metrics=["mae"],
            weighted_metrics=["mse"],
            run_eagerly=eager,
        )
        return model

    def logged(model, y, weighted):
        history = two_epochs(model, x, y, w if weighted else None)
        model.run_eagerly = True  # evaluate() need not trace a second function
        results = model.evaluate(x, y, sample_weight=w, verbose=0, return_dict=True)
        logs = {k: v for k, v in history.history.items()}
        logs.update({f"evaluate {k}": [v] for k, v in results.items()})
        return logs

    def same(got, want, rtol=RTOL, atol=ATOL):
        assert sorted(got) == sorted(want), f"logged {sorted(got)} != twin's {sorted(want)}"
        for key in want:
            close(got[key], want[key], key, rtol, atol)

    fitted = {}

    def fit(y, policy="float32", weighted=True, eager=False):
        model = build(recipe.make(), policy, eager)
        got = logged(model, y, weighted)
        fitted[policy] = model
        key = ("fit", recipe.twin_src, y.ndim, policy, weighted)
        want = memo(
            key,
            lambda: logged(build(spec.fn, policy, True, spec.options.get("dense")), y, weighted),
        )
        same(got, want, *HALF if policy != "float32" else ())

    def round_trip():
        model = fitted["float32"]
        reloaded = save_and_load(model, recipe)
        assert type(reloaded) is recipe.make(), f"reloaded as {type(reloaded).__name__}"
        more = [
            m.fit(x, y1, sample_weight=w, epochs=1, verbose=0).history for m in (model, reloaded)
        ]
        same(*more)

    s(
        "fit()/evaluate() in graph mode, targets (batch,), sample_weight",
        lambda: fit(y1),
    )
    s("fit()/evaluate(), targets (batch, 1)", lambda: fit(y1[:, None], weighted=False, eager=True))
    s("fit() under mixed_float16", lambda: fit(y1, "mixed_float16", eager=True))
    s("save/load round trip", round_trip)


CHECKS = {
    "aligner": check_aligner,
    "fit": check_fit,
    "loss": check_loss,
    "metric": check_metric,
    "layer": check_layer,
    "model": check_layer,
    "regularizer": check_regularizer,
    "constraint": check_constraint,
    "initializer": check_initializer,
    "activation": check_activation,
    "optimizer": check_optimizer,
}


# --------------------------------------------------------------------------- tests
def test_recipes_are_found():
    kinds = {r.kind for r in RECIPES}
    assert {"loss", "metric", "layer", "model", "optimizer"} <= kinds, kinds
    assert not PROBLEMS, "\n".join(PROBLEMS)


@pytest.mark.parametrize("recipe", RECIPES, ids=lambda r: f"{r.file}:{r.name}:{r.line}")
def test_recipe_matches_its_twin(recipe):
    if recipe.twin_src is None:
        pytest.fail(
            f"{recipe.where}: no twin declared. Add a line such as\n"
            f"    # conformance: {recipe.name}(...) ~ keras.<built-in>(...)\n"
            "after its section, or name it Broken.../broken_... if it is a deliberate "
            "bad example (and say so on the page)."
        )
    pending = re.fullmatch(r"pending\((?P<why>.+)\)", recipe.twin_src.strip())
    if pending:  # declared, not checked yet: reported as a skip on every run (-ra)
        pytest.skip(f"{recipe.where}: twin still to declare: {pending['why']}")
    if recipe.kind not in CHECKS:
        pytest.fail(f"{recipe.where}: say what this function is, e.g. # conformance[loss]: ...")
    keras.backend.clear_session(free_memory=False)  # a full gc.collect() was 0.3 s a recipe
    situation = Situation(recipe)
    CHECKS[recipe.kind](recipe, situation)
    situation.report()
