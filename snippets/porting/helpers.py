"""A page must define every helper it calls: create_huber and HuberMetric.

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
"""

# --8<-- [start:helper-old]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


class BrokenHuberMetric(keras.metrics.Metric):
    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = threshold
        self.huber_fn = create_huber(threshold)  # defined on another page


try:
    BrokenHuberMetric(2.0)
except NameError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:helper-old]


# --8<-- [start:helper-fix]
def create_huber(threshold=1.0):
    """Return a Huber loss function with the given threshold."""

    def huber_fn(y_true, y_pred):
        error = y_true - y_pred
        is_small = ops.abs(error) < threshold
        squared = ops.square(error) / 2
        linear = threshold * ops.abs(error) - threshold**2 / 2
        return ops.where(is_small, squared, linear)

    return huber_fn


@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
class HuberMetric(keras.metrics.Metric):
    """Mean Huber loss over every sample seen since the last reset."""

    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        if threshold <= 0:
            raise ValueError(f"threshold must be > 0, got {threshold}")
        self.threshold = threshold
        self.huber_fn = create_huber(threshold)
        self.total = self.add_weight(name="total", initializer="zeros")
        self.count = self.add_weight(name="count", initializer="zeros")

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), ops.shape(y_pred))
        values = self.huber_fn(y_true, y_pred)
        if sample_weight is None:
            sample_weight = ops.ones(ops.shape(values)[:1])
        weights = ops.reshape(ops.cast(sample_weight, self.dtype), (-1, 1))
        weights = ops.broadcast_to(weights, ops.shape(values))
        self.total.assign_add(ops.sum(values * weights))
        self.count.assign_add(ops.sum(weights))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


y_true = np.zeros((4, 1))
y_pred = np.array([[0.5], [1.5], [2.5], [10.0]])
metric = HuberMetric(2.0, name="huber")
metric.update_state(y_true, y_pred)
print(round(float(metric.result()), 4))  # mean of 0.125, 1.125, 3, 18
# --8<-- [end:helper-fix]
# conformance: HuberMetric(2.0) ~
#     keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)
expected = keras.losses.huber(y_true[:, 0], y_pred[:, 0], delta=2.0)
assert np.isclose(float(metric.result()), float(expected))

# --8<-- [start:helper-round-trip]
config = metric.get_config()
print(config["threshold"], HuberMetric.from_config(config).threshold)

model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(1, kernel_initializer="ones", use_bias=False),
    ]
)
model.compile(
    optimizer="sgd", loss="mse", metrics=[HuberMetric(2.0, name="huber")]
)
folder = Path(tempfile.mkdtemp())
model.save(folder / "huber.keras")
reloaded = keras.models.load_model(folder / "huber.keras")

results = reloaded.evaluate(y_pred, y_true, verbose=0, return_dict=True)
print(round(results["huber"], 4))
# --8<-- [end:helper-round-trip]
assert np.isclose(results["huber"], float(metric.result()))
