"""What Loss.__call__() does around the call() you write.

Shown on guide/call-methods.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:huber]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.calling")
class Huber(keras.losses.Loss):
    """Squared error below `delta`, linear above it."""

    def __init__(self, delta=1.0, **kwargs):
        super().__init__(**kwargs)
        if delta <= 0:
            raise ValueError(f"delta must be > 0, got {delta}")
        self.delta = float(delta)

    def call(self, y_true, y_pred):
        if len(y_true.shape) == len(y_pred.shape) - 1:  # (batch,) targets
            y_true = ops.expand_dims(y_true, axis=-1)
        error = ops.abs(y_true - y_pred)
        small = 0.5 * ops.square(error)
        large = self.delta * (error - 0.5 * self.delta)
        per_value = ops.where(error <= self.delta, small, large)
        return ops.mean(per_value, axis=-1)  # one value per sample

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


# --8<-- [end:huber]
# conformance: Huber(delta=2.0) ~ keras.losses.Huber(delta=2.0)

# --8<-- [start:huber-tf]
import tensorflow as tf  # noqa: E402


@keras.saving.register_keras_serializable(package="keras_a_medida.calling")
class HuberTF(tf.keras.losses.Loss):
    """The same Huber loss, written with tf.* ops."""

    def __init__(self, delta=1.0, **kwargs):
        super().__init__(**kwargs)
        if delta <= 0:
            raise ValueError(f"delta must be > 0, got {delta}")
        self.delta = float(delta)

    def call(self, y_true, y_pred):
        if len(y_true.shape) == len(y_pred.shape) - 1:  # (batch,) targets
            y_true = tf.expand_dims(y_true, axis=-1)
        error = tf.abs(y_true - y_pred)  # no tf.cast: both are float32
        small = 0.5 * tf.square(error)
        large = self.delta * (error - 0.5 * self.delta)
        per_value = tf.where(error <= self.delta, small, large)
        return tf.reduce_mean(per_value, axis=-1)

    def get_config(self):
        return {**super().get_config(), "delta": self.delta}


# --8<-- [end:huber-tf]
# conformance: HuberTF(delta=2.0) ~ keras.losses.Huber(delta=2.0)
for cls in (Huber, HuberTF):
    try:
        cls(delta=0.0)
    except ValueError as error:
        assert "delta" in str(error)
    else:
        raise AssertionError("Huber(delta=0.0) was accepted")


# --8<-- [start:loss-inputs]
class PrintingHuber(Huber):
    """Huber that reports what call() receives (for this demo only)."""

    def call(self, y_true, y_pred):
        dtype = keras.backend.standardize_dtype
        print("call() got", dtype(y_true.dtype), dtype(y_pred.dtype))
        return super().call(y_true, y_pred)


y_true = np.array([[0], [1], [2], [3]])  # integer labels
y_pred = np.array([[1.0], [1.0], [4.0], [6.0]])
print("passed in:", y_true.dtype, y_pred.dtype)
loss_value = PrintingHuber()(y_true, y_pred)
# --8<-- [end:loss-inputs]
# conformance: PrintingHuber() ~ keras.losses.Huber()
assert keras.backend.standardize_dtype(loss_value.dtype) == "float32"
assert float(HuberTF()(y_true, y_pred)) == float(loss_value)  # no tf.cast


# --8<-- [start:loss-reduction]
def number(tensor):
    """A scalar tensor as a float rounded to 4 decimals."""
    return round(float(tensor), 4)


loss = Huber()
weights = np.array([1.0, 1.0, 0.0, 1.0])  # ignore the third sample

per_sample = loss.call(y_true, y_pred)  # what you wrote, nothing else
print("call():", ops.convert_to_numpy(per_sample).tolist())
print("__call__():", number(loss(y_true, y_pred)))
print("weighted:", number(loss(y_true, y_pred, sample_weight=weights)))
# --8<-- [end:loss-reduction]
assert number(loss(y_true, y_pred)) == 1.125


# --8<-- [start:loss-override-call]
class BrokenEagerHuber(keras.losses.Loss):
    """Wrong: implements __call__() instead of call()."""

    def __call__(self, y_true, y_pred, sample_weight=None):
        error = ops.abs(y_true - y_pred)
        per_value = ops.where(
            error <= 1.0, 0.5 * ops.square(error), error - 0.5
        )
        return ops.mean(per_value)


eager = BrokenEagerHuber()
print("__call__():", number(eager(y_true, y_pred)))
print("weighted:", number(eager(y_true, y_pred, sample_weight=weights)))
# --8<-- [end:loss-override-call]
assert number(eager(y_true, y_pred, sample_weight=weights)) == 1.125

# --8<-- [start:loss-override-evaluate]
identity = keras.Sequential(
    [keras.Input(shape=(1,)), keras.layers.Dense(1, kernel_initializer="ones")]
)  # returns its input, so the predictions are y_pred


def evaluate(loss, labels):
    identity.compile(loss=loss)
    try:
        result = identity.evaluate(
            y_pred, labels, sample_weight=weights, verbose=0
        )
    except TypeError as error:
        return f"{type(error).__name__}: {error}"
    return number(result)


print("Huber, int labels:", evaluate(Huber(), y_true))
print("BrokenEagerHuber, int labels:", evaluate(BrokenEagerHuber(), y_true))
float_labels = y_true.astype("float32")
print(
    "BrokenEagerHuber, float labels:",
    evaluate(BrokenEagerHuber(), float_labels),
)
# --8<-- [end:loss-override-evaluate]
assert evaluate(Huber(), float_labels) == 0.75

# --8<-- [start:loss-round-trip]
loss = Huber(delta=2.0, name="huber")
config = loss.get_config()
print(config)
print(Huber.from_config(config).get_config() == config)

model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(optimizer="sgd", loss=loss)
path = Path(tempfile.mkdtemp()) / "huber.keras"
model.save(path)
reloaded = keras.models.load_model(path)
print(reloaded.loss.get_config() == config)
print(number(loss(y_true, y_pred)), number(reloaded.loss(y_true, y_pred)))
# --8<-- [end:loss-round-trip]
assert isinstance(reloaded.loss, Huber)
