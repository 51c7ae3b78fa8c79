"""Glorot-style initializers: a function, when it runs, fans, a subclass.

Shown on guide/initializers.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:function]
import math
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def broken_glorot_naive(shape, dtype=None):
    """Glorot normal as often written: fans read from shape[0], shape[1]."""
    stddev = math.sqrt(2.0 / (shape[0] + shape[1]))
    return keras.random.normal(shape, stddev=stddev, dtype=dtype)


keras.utils.set_random_seed(0)
layer = keras.layers.Dense(300, kernel_initializer=broken_glorot_naive)
layer.build((None, 100))
print(layer.kernel.shape, round(float(ops.std(layer.kernel)), 3))
# --8<-- [end:function]
assert abs(float(ops.std(layer.kernel)) - math.sqrt(2 / 400)) < 1e-3


# --8<-- [start:function-tf]
def broken_glorot_naive_tf(shape, dtype=tf.float32):
    """The same initializer with tf.* ops."""
    stddev = tf.sqrt(2.0 / (shape[0] + shape[1]))
    return tf.random.normal(shape, stddev=stddev, dtype=dtype)


keras.utils.set_random_seed(0)
layer = keras.layers.Dense(300, kernel_initializer=broken_glorot_naive_tf)
layer.build((None, 100))
print(layer.kernel.shape, round(float(ops.std(layer.kernel)), 3))
# --8<-- [end:function-tf]
assert abs(float(ops.std(layer.kernel)) - math.sqrt(2 / 400)) < 1e-3

# --8<-- [start:when-it-runs]
calls = []


def counting_ones(shape, dtype=None):
    """Fill with ones, and record the arguments of each call."""
    calls.append((tuple(shape), dtype))
    return ops.ones(shape, dtype=dtype)


layer = keras.layers.Dense(2, kernel_initializer=counting_ones)
print("after construction:", len(calls))
layer(np.ones((1, 3)))
print("after the first call:", len(calls), calls)
layer(np.ones((1, 3)))
print("after the second call:", len(calls))

model = keras.Sequential(
    [
        keras.Input(shape=(4,)),
        keras.layers.Dense(2, kernel_initializer=counting_ones),
    ]
)
print("Sequential with an Input:", len(calls), calls[-1])
# --8<-- [end:when-it-runs]
# conformance: counting_ones ~ keras.initializers.Ones()
assert calls == [((3, 2), "float32"), ((4, 2), "float32")]
model.compile(optimizer="sgd", loss="mse")
model.fit(np.ones((4, 4)), np.ones((4, 2)), epochs=1, verbose=0)
assert len(calls) == 2  # training does not run it again

# --8<-- [start:when-it-loads]
folder = Path(tempfile.mkdtemp())
model.save(folder / "counting.keras")
reloaded = keras.models.load_model(
    folder / "counting.keras",
    custom_objects={"counting_ones": counting_ones},
)
print("after load_model:", len(calls))
# --8<-- [end:when-it-loads]
assert np.array_equal(reloaded.layers[0].kernel, model.layers[0].kernel)

# --8<-- [start:conv-kernel]
kernel_shape = (3, 3, 64, 128)  # Conv2D: 3x3 window, 64 in, 128 out
keras.utils.set_random_seed(0)
kernel = broken_glorot_naive(kernel_shape)
print(round(float(ops.std(kernel)), 3))
# --8<-- [end:conv-kernel]
assert abs(float(ops.std(kernel)) - math.sqrt(2 / 6)) < 0.01

# --8<-- [start:one-d]
try:
    broken_glorot_naive((128,))
except IndexError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:one-d]


# --8<-- [start:compute-fans]
def compute_fans(shape):
    """(fan_in, fan_out) for a weight of any rank, as Keras computes them."""
    shape = tuple(shape)
    if len(shape) == 0:  # a scalar
        return 1, 1
    if len(shape) == 1:  # a vector: a bias, a per-feature scale
        return shape[0], shape[0]
    receptive_field = math.prod(shape[:-2])  # (1)!
    return shape[-2] * receptive_field, shape[-1] * receptive_field


def glorot_normal(shape, dtype=None):
    """Glorot normal for any rank: std = sqrt(2 / (fan_in + fan_out))."""
    fan_in, fan_out = compute_fans(shape)
    stddev = math.sqrt(2.0 / (fan_in + fan_out))
    return keras.random.normal(shape, stddev=stddev, dtype=dtype)


print(compute_fans(kernel_shape))
keras.utils.set_random_seed(0)
print(round(float(ops.std(glorot_normal(kernel_shape))), 3))
keras_glorot = keras.initializers.GlorotNormal(seed=0)
print(round(float(ops.std(keras_glorot(kernel_shape))), 3))
print(compute_fans((128,)), glorot_normal((128,)).shape)
# --8<-- [end:compute-fans]
# conformance: glorot_normal ~
#     ref(keras.initializers.GlorotNormal(), stats=True)
from keras.src.initializers.random_initializers import (  # noqa: E402
    compute_fans as keras_compute_fans,
)

for shape in [(), (7,), (5, 3), (3, 3, 64, 128), (2, 3, 4, 5, 6)]:
    assert compute_fans(shape) == keras_compute_fans(shape), shape


# --8<-- [start:subclass-no-config]
class BrokenFanAvgNormal(keras.initializers.Initializer):
    """Normal with std = sqrt(2 * scale / (fan_in + fan_out))."""

    def __init__(self, scale=1.0, seed=None):
        if scale <= 0:
            raise ValueError(f"scale must be > 0, got {scale}")
        self.scale = float(scale)
        self.seed = seed

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        stddev = math.sqrt(2.0 * self.scale / (fan_in + fan_out))
        return keras.random.normal(
            shape, stddev=stddev, dtype=dtype, seed=self.seed
        )


initializer = BrokenFanAvgNormal(scale=3.0, seed=42)
print(initializer.get_config())
print(initializer.clone().scale, initializer.clone().seed)
# --8<-- [end:subclass-no-config]
assert initializer.clone().scale == 1.0

# --8<-- [start:subclass-no-config-save]
import json
import zipfile

forgetful = keras.Sequential(
    [
        keras.Input(shape=(3,)),
        keras.layers.Dense(2, kernel_initializer=initializer),
    ]
)
forgetful.save(folder / "forgetful.keras")
with zipfile.ZipFile(folder / "forgetful.keras") as archive:
    saved = json.loads(archive.read("config.json"))  # the model's config
dense_config = saved["config"]["layers"][-1]["config"]  # the Dense layer
print("in the file:", dense_config["kernel_initializer"]["config"])

reloaded = keras.models.load_model(
    folder / "forgetful.keras",
    custom_objects={"BrokenFanAvgNormal": BrokenFanAvgNormal},
)
print("scale:", reloaded.layers[0].kernel_initializer.scale)
x = np.ones((2, 3))
print("same predictions:", np.array_equal(reloaded(x), forgetful(x)))
# --8<-- [end:subclass-no-config-save]
assert np.array_equal(reloaded.layers[0].kernel, forgetful.layers[0].kernel)


# --8<-- [start:subclass]
@keras.saving.register_keras_serializable(
    package="keras_a_medida.initializers"
)
class FanAvgNormal(keras.initializers.Initializer):
    """Normal with std = sqrt(2 * scale / (fan_in + fan_out))."""

    def __init__(self, scale=1.0, seed=None):
        if scale <= 0:
            raise ValueError(f"scale must be > 0, got {scale}")
        self.scale = float(scale)
        self.seed = seed  # (1)!

    def __call__(self, shape, dtype=None):
        fan_in, fan_out = compute_fans(shape)
        stddev = math.sqrt(2.0 * self.scale / (fan_in + fan_out))
        return keras.random.normal(
            shape, stddev=stddev, dtype=dtype, seed=self.seed
        )

    def get_config(self):
        return {"scale": self.scale, "seed": self.seed}


initializer = FanAvgNormal(scale=3.0, seed=42)
clone = initializer.clone()  # FanAvgNormal.from_config(get_config())
print(clone.get_config())
print(np.array_equal(clone(kernel_shape), initializer(kernel_shape)))
# --8<-- [end:subclass]
# conformance: FanAvgNormal() ~
#     ref(keras.initializers.GlorotNormal(), stats=True)
assert FanAvgNormal.from_config(initializer.get_config()).scale == 3.0
unseeded = FanAvgNormal()
keras.utils.set_random_seed(0)
first = ops.convert_to_numpy(unseeded((4, 4)))
assert not np.array_equal(first, unseeded((4, 4)))
keras.utils.set_random_seed(0)
assert np.array_equal(first, unseeded((4, 4)))

# --8<-- [start:subclass-save]
model = keras.Sequential(
    [
        keras.Input(shape=(3,)),
        keras.layers.Dense(2, kernel_initializer=FanAvgNormal(3.0, seed=42)),
    ]
)
model.save(folder / "fan_avg.keras")
reloaded = keras.models.load_model(folder / "fan_avg.keras")

print(reloaded.layers[0].kernel_initializer.get_config())
x = np.ones((2, 3))
print(np.array_equal(reloaded(x), model(x)))
# --8<-- [end:subclass-save]
assert reloaded.layers[0].kernel_initializer.scale == 3.0

# --8<-- [start:validation]
try:
    FanAvgNormal(scale=0.0)
except ValueError as error:
    print(error)
# --8<-- [end:validation]


# A closure keeps its setting out of the saved config: the file names only the
# inner function (the home page's table).
def make_scaled_ones(scale):
    def inner_init(shape, dtype=None):
        return ops.ones(shape, dtype=dtype) * scale

    return inner_init


closure_dense = keras.layers.Dense(2, kernel_initializer=make_scaled_ones(3.0))
saved_init = closure_dense.get_config()["kernel_initializer"]
assert saved_init["config"] == "inner_init", saved_init
assert "3.0" not in json.dumps(saved_init)
