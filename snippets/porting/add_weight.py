"""Keras 2 `add_weight("name", ...)` calls, the Keras 3 error and the fix.

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
"""

# --8<-- [start:add-weight-old]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


class BrokenStreamingMAE(keras.metrics.Metric):
    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.total = self.add_weight("total", initializer="zeros")


class BrokenScale(keras.layers.Layer):
    def build(self, input_shape):
        self.factor = self.add_weight("factor", (), initializer="ones")


try:
    BrokenStreamingMAE()
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).strip()}")

try:
    BrokenScale()(np.ones((1, 2)))
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:add-weight-old]


# --8<-- [start:add-weight-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
class StreamingMAE(keras.metrics.Metric):
    """Mean absolute error over every sample seen since the last reset."""

    def __init__(self, name="streaming_mae", **kwargs):
        super().__init__(name=name, **kwargs)
        self.total = self.add_weight(
            name="total", shape=(), initializer="zeros"
        )
        self.count = self.add_weight(
            name="count", shape=(), initializer="zeros"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), ops.shape(y_pred))
        errors = ops.abs(y_true - y_pred)
        if sample_weight is None:
            sample_weight = ops.ones(ops.shape(errors)[:1])
        weights = ops.reshape(ops.cast(sample_weight, self.dtype), (-1, 1))
        weights = ops.broadcast_to(weights, ops.shape(errors))
        self.total.assign_add(ops.sum(errors * weights))
        self.count.assign_add(ops.sum(weights))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)


@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
class Scale(keras.layers.Layer):
    """Multiplies its inputs by one trainable factor."""

    def build(self, input_shape):
        self.factor = self.add_weight(
            name="factor", shape=(), initializer="ones"
        )

    def call(self, inputs):
        return inputs * self.factor


mae = StreamingMAE()
mae.update_state(np.array([[0.0], [1.0]]), np.array([[1.0], [3.0]]))
print(round(float(mae.result()), 4))  # (1 + 2) / 2
print(ops.convert_to_numpy(Scale()(np.ones((1, 2)))).tolist())
# --8<-- [end:add-weight-fix]
# conformance: StreamingMAE() ~ keras.metrics.MeanAbsoluteError()
# conformance: Scale() ~ ref(lambda x: x)
assert float(mae.count) == 2.0

# --8<-- [start:add-weight-round-trip]
model = keras.Sequential([keras.Input(shape=(1,)), Scale()])
model.layers[0].factor.assign(2.0)
model.compile(optimizer="sgd", loss="mse", metrics=[StreamingMAE()])
folder = Path(tempfile.mkdtemp())
model.save(folder / "scale.keras")
reloaded = keras.models.load_model(folder / "scale.keras")

x, y = np.array([[0.0], [1.0]]), np.array([[1.0], [3.0]])
print(reloaded.layers[0].get_config() == model.layers[0].get_config())
results = reloaded.evaluate(x, y, verbose=0, return_dict=True)
print({name: round(value, 4) for name, value in results.items()})
# --8<-- [end:add-weight-round-trip]
assert np.allclose(reloaded(x), model(x))
assert StreamingMAE.from_config(mae.get_config()).get_config() == (
    mae.get_config()
)
