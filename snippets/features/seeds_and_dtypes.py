"""Randomness, frozen state and mixed precision in a custom layer.

Shown on guide/layer-features.md. Run it as a script to check it.
"""

# --8<-- [start:seed-generator]
import keras
import numpy as np
from keras import ops


class Jitter(keras.layers.Layer):
    """Add Gaussian noise while training; identity at inference."""

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = stddev
        self.seed = seed
        self.generator = keras.random.SeedGenerator(seed)  # (1)!

    def call(self, inputs, training=False):
        if not training:
            return inputs
        noise = keras.random.normal(
            ops.shape(inputs), stddev=self.stddev, seed=self.generator
        )
        return inputs + noise


x = np.zeros((1, 3), dtype="float32")
a, b = Jitter(0.1, seed=7), Jitter(0.1, seed=7)
first = a(x, training=True)
print(np.allclose(first, b(x, training=True)))  # same seed, same draw
print(np.allclose(first, a(x, training=True)))  # the next draw differs
print(ops.convert_to_numpy(a(x)).tolist())
print([v.name for v in a.non_trainable_variables])
# --8<-- [end:seed-generator]
# Checked in inference mode, where the noise is off.
# conformance: Jitter(0.1, seed=7) ~ ref(lambda x: x)
# Not shown: an integer seed gives the same draw on every call.
same = [keras.random.normal((3,), seed=3) for _ in range(2)]
assert np.allclose(*same)


# --8<-- [start:non-trainable]
class RunningMax(keras.layers.Layer):
    """Pass inputs through; remember the largest value seen in training."""

    def build(self, input_shape):
        self.peak = self.add_weight(
            shape=(), initializer="zeros", trainable=False, name="peak"
        )

    def call(self, inputs, training=False):
        if training:
            self.peak.assign(ops.maximum(self.peak, ops.max(inputs)))
        return inputs


layer = RunningMax()
layer(np.array([[1.0, 5.0]]), training=True)
layer(np.array([[9.0, 2.0]]))  # inference: no update
print(float(layer.peak), layer.trainable_weights, len(layer.weights))
# --8<-- [end:non-trainable]
# conformance: RunningMax() ~ ref(lambda x: x)
assert float(layer.peak) == 5.0
# Not shown: trainable = False moves every weight to the non-trainable side.
dense = keras.layers.Dense(2)
dense.build((None, 3))
dense.trainable = False
assert dense.trainable_weights == [] and len(dense.non_trainable_weights) == 2


# --8<-- [start:mixed-hardcoded]
class BrokenOffset(keras.layers.Layer):
    """inputs @ kernel + 1, the constant hard-coded as float32."""

    def build(self, input_shape):
        self.kernel = self.add_weight(
            shape=(input_shape[-1], 2), initializer="ones", name="kernel"
        )

    def call(self, inputs):
        one = ops.ones((2,), dtype="float32")
        return ops.matmul(inputs, self.kernel) + one


layer = BrokenOffset(dtype="mixed_float16")
print(layer.compute_dtype, layer.variable_dtype)
try:
    out = layer(np.ones((1, 3)))
except Exception as error:  # a TensorFlow error class
    cause = str(error).split("\x1b[1m")[1].split(" [Op")[0]
    print(f"{type(error).__name__}: {cause}")
else:
    print("output:", keras.backend.standardize_dtype(out.dtype))
# --8<-- [end:mixed-hardcoded]


# --8<-- [start:mixed-fixed]
class Offset(BrokenOffset):
    """The constant follows the layer's compute dtype."""

    def call(self, inputs):
        one = ops.ones((2,), dtype=self.compute_dtype)
        return ops.matmul(inputs, self.kernel) + one


layer = Offset(dtype="mixed_float16")
out = layer(np.ones((1, 3)))
print(keras.backend.standardize_dtype(out.dtype), layer.kernel.dtype)
print(ops.convert_to_numpy(out).tolist())
# --8<-- [end:mixed-fixed]
# conformance: Offset() ~ ref(lambda x, w: x @ w[0] + 1.0)

# Not shown: the layers of this page survive save/load (seed, peak and
# the mixed-precision policy included) and train with sample weights.
import tempfile
from pathlib import Path

folder = Path(tempfile.mkdtemp())
objects = {"Jitter": Jitter, "RunningMax": RunningMax, "Offset": Offset}
model = keras.Sequential(
    [keras.Input((3,)), Jitter(0.1, seed=7), RunningMax(), Offset()]
)
model.compile(optimizer="sgd", loss="mse")
model.fit(
    np.ones((4, 3)), np.ones((4, 2)), sample_weight=np.ones((4,)), verbose=0
)
model.save(folder / "features.keras")
reloaded = keras.models.load_model(
    folder / "features.keras", custom_objects=objects
)
assert reloaded.layers[0].get_config()["seed"] == 7
assert float(reloaded.layers[1].peak) == float(model.layers[1].peak) > 0
assert np.allclose(reloaded(np.ones((2, 3))), model(np.ones((2, 3))))
mixed = keras.Sequential([keras.Input((3,)), Offset(dtype="mixed_float16")])
mixed.save(folder / "mixed.keras")
again = keras.models.load_model(folder / "mixed.keras", custom_objects=objects)
assert again.layers[0].compute_dtype == "float16"
