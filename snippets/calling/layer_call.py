"""What Layer.__call__() does around the call() you write.

Shown on guide/call-methods.md. Run it as a script to check it.
"""

# --8<-- [start:center-layer]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.calling")
class Center(keras.layers.Layer):
    """Subtracts the batch mean in training, a moving mean otherwise."""

    def __init__(self, momentum=0.9, **kwargs):
        super().__init__(**kwargs)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = float(momentum)

    def build(self, input_shape):
        print("build() got input_shape", input_shape)  # (1)!
        self.moving_mean = self.add_weight(
            shape=(input_shape[-1],),
            initializer="zeros",
            trainable=False,
            autocast=False,  # (2)!
            name="moving_mean",
        )

    def call(self, inputs, training=False):
        if training:
            mean = ops.mean(inputs, axis=0)
            m = self.momentum
            stored = ops.cast(mean, self.moving_mean.dtype)
            self.moving_mean.assign(m * self.moving_mean + (1 - m) * stored)
            return inputs - mean
        return inputs - ops.cast(self.moving_mean, inputs.dtype)

    def get_config(self):
        return {**super().get_config(), "momentum": self.momentum}


# --8<-- [end:center-layer]
# conformance: Center() ~
#     ref(lambda x: x)  # inference: the moving mean starts at 0

# --8<-- [start:center-validation]
try:
    Center(momentum=1.5)
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:center-validation]
try:
    Center(momentum=-0.1)
except ValueError as error:
    assert "momentum" in str(error)
else:
    raise AssertionError("Center(momentum=-0.1) was accepted")


# --8<-- [start:first-call]
def values(tensor):
    """A tensor as nested lists of floats rounded to 3 decimals."""
    array = ops.convert_to_numpy(tensor).astype("float64")
    return np.round(array, 3).tolist()


x = np.array([[1.0, 2.0], [3.0, 6.0]], dtype="float32")

layer = Center(momentum=0.5)
print("before:", layer.built, len(layer.weights))
layer(x)
print("after the first call:", layer.built, len(layer.weights))
layer(x)  # built already: build() does not run again
# --8<-- [end:first-call]
assert layer.built and len(layer.weights) == 1

# --8<-- [start:training-flag]
print(values(layer(x)))
print(values(layer(x, training=True)))
print("moving mean:", values(layer.moving_mean))
# --8<-- [end:training-flag]
assert ops.convert_to_numpy(layer.moving_mean).tolist() == [1.0, 2.0]

# --8<-- [start:training-fit]
model = keras.Sequential(
    [keras.Input(shape=(2,)), Center(0.5), keras.layers.Dense(1)]
)
model.compile(optimizer="sgd", loss="mse")
center = model.layers[0]

model.predict(x, verbose=0)  # calls the model with training=False
print("after predict:", values(center.moving_mean))
y = np.array([[1.0], [0.0]], dtype="float32")  # one target per sample
model.fit(x, y, batch_size=2, epochs=1, verbose=0)  # training=True
print("after fit:", values(center.moving_mean))
# --8<-- [end:training-fit]
assert ops.convert_to_numpy(center.moving_mean).tolist() == [1.0, 2.0]

# --8<-- [start:autocast]
x64 = x.astype("float64")
dtype = keras.backend.standardize_dtype
print("layer(x64):     ", dtype(layer(x64).dtype))
print("layer.call(x64):", dtype(layer.call(x64).dtype))
# --8<-- [end:autocast]
assert keras.backend.standardize_dtype(layer(x64).dtype) == "float32"


# --8<-- [start:masks]
@keras.saving.register_keras_serializable(package="keras_a_medida.calling")
class MaskedMean(keras.layers.Layer):
    """Averages over time steps, skipping the masked ones."""

    def call(self, inputs, mask=None):
        if mask is None:
            return ops.mean(inputs, axis=1)
        weights = ops.expand_dims(ops.cast(mask, inputs.dtype), axis=-1)
        return ops.sum(inputs * weights, axis=1) / ops.sum(weights, axis=1)

    def compute_mask(self, inputs, mask=None):
        return None  # the time axis is gone, and so is its mask


steps = np.array([[[1.0], [3.0], [0.0]], [[4.0], [0.0], [0.0]]])
masked = keras.layers.Masking(mask_value=0.0)(steps)  # 0.0 = padding
pool = MaskedMean()
print("pool(masked):     ", values(pool(masked)))
print("pool.call(masked):", values(pool.call(masked)))
# --8<-- [end:masks]
# conformance: MaskedMean() ~ ref(lambda x: x.mean(axis=1), input_shape=(3, 2))
assert ops.convert_to_numpy(pool(masked)).tolist() == [[2.0], [4.0]]


# --8<-- [start:override-call]
class BrokenEagerScale(keras.layers.Layer):
    """Wrong: implements __call__() instead of call()."""

    def build(self, input_shape):
        self.scale = self.add_weight(
            shape=(input_shape[-1],), initializer="ones"
        )

    def __call__(self, inputs):
        return inputs * self.scale


try:
    BrokenEagerScale()(x)
except AttributeError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:override-call]

# --8<-- [start:layers-round-trip]
inputs = keras.Input(shape=(3, 1))
hidden = keras.layers.Masking(mask_value=0.0)(inputs)
hidden = MaskedMean(name="pool")(hidden)
outputs = Center(momentum=0.5, name="center")(hidden)
model = keras.Model(inputs, outputs)
model.get_layer("center").moving_mean.assign([1.0])

path = Path(tempfile.mkdtemp()) / "layers.keras"
model.save(path)
reloaded = keras.models.load_model(path)

for name in ["pool", "center"]:
    config = model.get_layer(name).get_config()
    rebuilt = type(model.get_layer(name)).from_config(config)
    print(
        name,
        rebuilt.get_config() == config,
        reloaded.get_layer(name).get_config() == config,
    )
print(values(model(steps)), values(reloaded(steps)))
# --8<-- [end:layers-round-trip]
assert np.allclose(model(steps), reloaded(steps))
