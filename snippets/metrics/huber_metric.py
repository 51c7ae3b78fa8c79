"""A streaming Huber metric with a threshold: state, result, config, saving.

Shown on guide/metrics.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:subclass]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


def same_rank(y_true, y_pred, dtype=None):
    """Cast both to one dtype; give (batch,) targets the shape (batch, 1)."""
    y_pred = ops.convert_to_tensor(y_pred)
    dtype = dtype or y_pred.dtype
    y_true, y_pred = ops.cast(y_true, dtype), ops.cast(y_pred, dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = ops.expand_dims(y_true, axis=-1)
    elif len(y_pred.shape) == len(y_true.shape) - 1:
        y_pred = ops.expand_dims(y_pred, axis=-1)
    return y_true, y_pred


@keras.saving.register_keras_serializable(package="keras_a_medida.metrics")
def huber(y_true, y_pred, threshold=1.0):
    """Huber value of each sample: squared near 0, linear past threshold."""
    y_true, y_pred = same_rank(y_true, y_pred)
    error = y_pred - y_true
    is_small = ops.abs(error) <= threshold
    squared = 0.5 * ops.square(error)
    linear = threshold * ops.abs(error) - 0.5 * threshold**2
    return ops.mean(ops.where(is_small, squared, linear), axis=-1)


@keras.saving.register_keras_serializable(package="keras_a_medida.metrics")
class HuberMetric(keras.metrics.Metric):
    """Mean Huber value over every sample seen since the last reset."""

    def __init__(self, threshold=1.0, name="huber", dtype=None):
        if threshold <= 0:
            raise ValueError(f"threshold must be > 0, got {threshold}")
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)
        self.total = self.add_variable(
            shape=(), initializer="zeros", name="total"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", name="count"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true, y_pred = same_rank(y_true, y_pred, self.dtype)  # (1)!
        values = huber(y_true, y_pred, self.threshold)  # (2)!
        if sample_weight is None:
            sample_weight = ops.ones_like(values)
        weights = ops.reshape(ops.cast(sample_weight, self.dtype), (-1,))
        self.total.assign_add(ops.sum(values * weights))
        self.count.assign_add(ops.sum(weights))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)  # (3)!

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


# --8<-- [end:subclass]
# conformance[aligner]: same_rank ~
#     keras.src.losses.loss.squeeze_or_expand_to_same_rank
# conformance[metric]: keras.metrics.MeanMetricWrapper(huber, threshold=2.0) ~
#     keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)
# conformance: HuberMetric(2.0) ~
#     keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)


def check(metric_class, huber_fn):
    """Both spellings agree with keras.losses.huber, batch by batch."""
    y = np.array([[0.5], [1.5], [2.5], [10.0]])
    expected = keras.losses.huber(y, np.zeros((4, 1)), delta=2.0)
    assert np.allclose(huber_fn(y, np.zeros((4, 1)), 2.0), expected)
    metric = metric_class(threshold=2.0)
    metric.update_state(y[:2], np.zeros((2, 1)))
    metric.update_state(y[2:], np.zeros((2, 1)))
    assert float(metric.result()) == float(ops.mean(expected)) == 5.5625


check(HuberMetric, huber)


# --8<-- [start:subclass-tf]
import tensorflow as tf  # noqa: E402


def huber_tf(y_true, y_pred, threshold):
    """Huber value of each sample: squared near 0, linear past threshold."""
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:  # (batch,) vs (batch, 1)
        y_true = tf.expand_dims(y_true, axis=-1)
    elif len(y_pred.shape) == len(y_true.shape) - 1:
        y_pred = tf.expand_dims(y_pred, axis=-1)
    error = y_pred - y_true
    is_small = tf.abs(error) <= threshold
    squared = tf.square(error) / 2
    linear = threshold * tf.abs(error) - threshold**2 / 2
    return tf.reduce_mean(tf.where(is_small, squared, linear), axis=-1)


@keras.saving.register_keras_serializable(package="keras_a_medida.metrics")
class HuberMetricTF(keras.metrics.Metric):
    """Mean Huber value over every sample seen since the last reset."""

    def __init__(self, threshold=1.0, name="huber", dtype=None):
        if threshold <= 0:
            raise ValueError(f"threshold must be > 0, got {threshold}")
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = tf.cast(y_true, self.dtype)
        y_pred = tf.cast(y_pred, self.dtype)
        values = huber_tf(y_true, y_pred, self.threshold)
        if sample_weight is None:
            sample_weight = tf.ones_like(values)
        weights = tf.reshape(tf.cast(sample_weight, self.dtype), (-1,))
        self.total.assign_add(tf.reduce_sum(values * weights))
        self.count.assign_add(tf.reduce_sum(weights))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


# --8<-- [end:subclass-tf]
# conformance[metric]: keras.metrics.MeanMetricWrapper(
#     huber_tf, threshold=2.0
#     ) ~ keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)
# conformance: HuberMetricTF(2.0) ~
#     keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)


check(HuberMetricTF, huber_tf)

# --8<-- [start:direct]
y_true = np.array([[0.5], [1.5], [2.5], [10.0]])
y_pred = np.zeros((4, 1))

metric = HuberMetric(threshold=2.0)
metric.update_state(y_true[:2], y_pred[:2])
print(round(float(metric.result()), 4))  # (0.125 + 1.125) / 2
metric.update_state(y_true[2:], y_pred[2:])
print(round(float(metric.result()), 4))  # (0.125 + 1.125 + 3 + 18) / 4
print([(v.name, float(v)) for v in metric.variables])
# --8<-- [end:direct]
assert float(metric.result()) == 5.5625
metric.reset_state()
metric.update_state(y_true, y_pred, sample_weight=[1.0, 1.0, 0.0, 0.0])
assert float(metric.result()) == 0.625

# --8<-- [start:config]
config = metric.get_config()
clone = HuberMetric.from_config(config)
print(config)
print(clone.get_config() == config)

try:
    HuberMetric(threshold=0.0)
except ValueError as error:
    print(error)
# --8<-- [end:config]
assert clone.threshold == 2.0


# --8<-- [start:keras2-add-weight]
class BrokenKeras2Total(keras.metrics.Metric):
    def __init__(self, name="total", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_weight("total", initializer="zeros")


try:
    BrokenKeras2Total()
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('.')[0]}")
# --8<-- [end:keras2-add-weight]

# --8<-- [start:resets]
keras.utils.set_random_seed(0)
x = np.random.rand(8, 2)
y = 3 * x.sum(axis=1, keepdims=True)

huber_metric = HuberMetric(threshold=2.0)
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss="mse", metrics=[huber_metric])

model.fit(x, y, epochs=2, batch_size=4, verbose=0)
print("after fit:", float(huber_metric.count))  # 8 per epoch, not 16
model.evaluate(x[:3], y[:3], verbose=0)
print("after evaluate:", float(huber_metric.count))
# --8<-- [end:resets]
assert float(huber_metric.count) == 3.0
# train_on_batch() and test_on_batch() reset the metrics at every call (the
# page says so): each count is that one batch's, not a running total.
for _ in range(3):
    model.train_on_batch(x[:4], y[:4])
    assert float(huber_metric.count) == 4.0, float(huber_metric.count)
model.test_on_batch(x[:3], y[:3])
assert float(huber_metric.count) == 3.0

# --8<-- [start:save]
path = Path(tempfile.mkdtemp()) / "huber.keras"
model.save(path)
reloaded = keras.models.load_model(path)  # (1)!

saved = reloaded.get_compile_config()["metrics"][0]
print(saved["registered_name"], saved["config"])
before = model.evaluate(x, y, verbose=0, return_dict=True)
after = reloaded.evaluate(x, y, verbose=0, return_dict=True)
print(before["huber"] == after["huber"])
# --8<-- [end:save]
loaded_metric = reloaded.metrics[-1].metrics[0]
assert type(loaded_metric) is HuberMetric
assert loaded_metric.threshold == 2.0
assert loaded_metric.get_config() == huber_metric.get_config()


# --8<-- [start:rank-and-dtype]
class BrokenHuberMetric(HuberMetric):
    """HuberMetric without same_rank(): do not copy this one."""

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, self.dtype)  # y_pred keeps its own dtype
        error = y_pred - y_true  # (4,) against (4, 1): a (4, 4) matrix
        small = ops.abs(error) <= self.threshold
        squared = 0.5 * ops.square(error)
        linear = self.threshold * ops.abs(error) - 0.5 * self.threshold**2
        values = ops.mean(ops.where(small, squared, linear), axis=-1)
        self.total.assign_add(ops.sum(values))
        self.count.assign_add(ops.cast(ops.shape(values)[0], self.dtype))


flat = y_true[:, 0]  # shape (4,)
guesses = np.array([[0.0], [1.0], [2.0], [3.0]])
builtin = keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)
for candidate in [HuberMetric(2.0), BrokenHuberMetric(2.0), builtin]:
    candidate.update_state(flat, guesses)
    print(type(candidate).__name__, round(float(candidate.result()), 4))

half = ops.convert_to_tensor(guesses, "float16")  # a mixed_float16 output
print(round(float(HuberMetric(2.0)(y_true, half)), 4))
try:
    BrokenHuberMetric(2.0).update_state(y_true, half)
except Exception as error:  # noqa: BLE001 - the type depends on the backend
    print(f"{type(error).__name__}: {str(error).split(' as ')[0]}")
# --8<-- [end:rank-and-dtype]
assert float(HuberMetric(2.0)(flat, guesses)) == float(builtin.result())

# --8<-- [start:wrapper]
wrapped = keras.metrics.MeanMetricWrapper(huber, name="huber", threshold=2.0)
model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(1, kernel_initializer="zeros"),
    ]
)  # predicts 0 for every sample
model.compile(optimizer="sgd", loss="mse", metrics=[wrapped])
path = Path(tempfile.mkdtemp()) / "wrapper.keras"
model.save(path)
reloaded = keras.models.load_model(path)

saved = reloaded.get_compile_config()["metrics"][0]["config"]
print(saved["fn"]["config"], saved["threshold"])
inputs = np.ones((4, 1))
before = model.evaluate(inputs, y_true, verbose=0, return_dict=True)
after = reloaded.evaluate(inputs, y_true, verbose=0, return_dict=True)
print(before["huber"], after["huber"])  # the mean of 0.125, 1.125, 3 and 18
# --8<-- [end:wrapper]
assert before["huber"] == after["huber"] == 5.5625
