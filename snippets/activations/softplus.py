"""Softplus as a custom activation: overflow, a stable form, saving.

Shown on guide/activations.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:function]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def show(values):
    """Print-friendly values: a flat list of floats, rounded."""
    return np.round(np.asarray(values, dtype="float64"), 3).ravel().tolist()


def naive_softplus(z):
    """log(1 + e^z), written straight from the formula."""
    return ops.log(1.0 + ops.exp(z))


layer = keras.layers.Dense(
    1, activation=naive_softplus, kernel_initializer="ones"
)
x = np.array([[-1.0], [0.0], [1.0]])
print(show(layer(x)))
# --8<-- [end:function]
assert layer.activation is naive_softplus
assert np.allclose(layer(x), ops.softplus(x), atol=1e-6)

# --8<-- [start:overflow]
z = np.array([-20.0, 0.0, 20.0, 89.0, 100.0], dtype="float32")
print(show(naive_softplus(z)))
# --8<-- [end:overflow]
assert np.isinf(ops.convert_to_numpy(naive_softplus(z))[3])
assert np.isfinite(ops.convert_to_numpy(naive_softplus(np.float32(88.0))))


# --8<-- [start:overflow-gradient]
def gradient(fn, z):
    """d fn(z) / dz at each z, with TensorFlow's GradientTape."""
    z = tf.constant(z)
    with tf.GradientTape() as tape:
        tape.watch(z)
        y = fn(z)
    return show(tape.gradient(y, z))


print(gradient(naive_softplus, z))
# --8<-- [end:overflow-gradient]
assert np.isnan(gradient(naive_softplus, z)[3])

# --8<-- [start:nan-step]
dense = keras.layers.Dense(
    1, activation=naive_softplus, kernel_initializer="ones"
)
batch = np.array([[1.0, 0.0], [50.0, 50.0]])  # pre-activations 1 and 100
with tf.GradientTape() as tape:
    loss = ops.mean(dense(batch))
weights = dense.trainable_weights  # the kernel and the bias
grads = tape.gradient(loss, weights)
keras.optimizers.SGD(0.01).apply_gradients(zip(grads, weights, strict=True))
print("kernel:", show(dense.kernel), "bias:", show(dense.bias))
# --8<-- [end:nan-step]
assert np.isnan(ops.convert_to_numpy(dense.kernel)).all()


# --8<-- [start:stable]
def stable_softplus(z):
    """log(1 + e^z) as max(z, 0) + log(1 + e^-|z|), with e^-|z| <= 1."""
    return (z + ops.abs(z)) / 2 + ops.log1p(ops.exp(-ops.abs(z)))  # (1)!


print(show(stable_softplus(z)))
grid = np.linspace(-1000.0, 1000.0, 20001, dtype="float32")
print(np.allclose(stable_softplus(grid), ops.softplus(grid), rtol=1e-6))
# --8<-- [end:stable]


# --8<-- [start:stable-tf]
def stable_softplus_tf(z):
    """The same formula with tf.* ops (tf.nn.softplus is the built-in)."""
    return (z + tf.abs(z)) / 2 + tf.math.log1p(tf.exp(-tf.abs(z)))


print(show(stable_softplus_tf(z)))
print(np.allclose(stable_softplus_tf(grid), tf.nn.softplus(grid), rtol=1e-6))
# --8<-- [end:stable-tf]
assert np.array_equal(stable_softplus_tf(grid), stable_softplus(grid))


# --8<-- [start:stable-gradient]
def max_softplus(z):
    """The same values, with ops.maximum for max(z, 0)."""
    return ops.maximum(z, 0.0) + ops.log1p(ops.exp(-ops.abs(z)))


print(gradient(stable_softplus, z))
print(gradient(ops.softplus, z))
print(gradient(max_softplus, z))
# --8<-- [end:stable-gradient]
assert gradient(stable_softplus, grid) == gradient(ops.softplus, grid)
assert np.array_equal(max_softplus(grid), stable_softplus(grid))


# --8<-- [start:function-save]
def one_unit_model(activation):
    """Dense(1) with a kernel of ones and a zero bias: it outputs f(x)."""
    return keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(
                1, activation=activation, kernel_initializer="ones"
            ),
        ]
    )


folder = Path(tempfile.mkdtemp())
model = one_unit_model(stable_softplus)
model.save(folder / "function.keras")

try:
    keras.models.load_model(folder / "function.keras")
except TypeError as error:
    message = str(error).rpartition("Exception encountered: ")[2]
    print(f"{type(error).__name__}: {message.split('. ')[0]}")

reloaded = keras.models.load_model(
    folder / "function.keras",
    custom_objects={"stable_softplus": stable_softplus},
)
print(np.array_equal(reloaded(x), model(x)))
# --8<-- [end:function-save]
assert reloaded.layers[-1].activation is stable_softplus


# --8<-- [start:registered-save]
@keras.saving.register_keras_serializable(package="keras_a_medida.activations")
def stable_softplus(z):
    """log(1 + e^z), saved under a package-qualified name."""
    return (z + ops.abs(z)) / 2 + ops.log1p(ops.exp(-ops.abs(z)))


model = one_unit_model(stable_softplus)
print(model.layers[-1].get_config()["activation"]["config"])
model.save(folder / "registered.keras")

reloaded = keras.models.load_model(folder / "registered.keras")
print(reloaded.layers[-1].activation is stable_softplus)
# --8<-- [end:registered-save]
# conformance[activation]: stable_softplus ~ keras.activations.softplus
assert np.array_equal(reloaded(x), model(x))


# --8<-- [start:builtin-name]
def leaky_relu(z):
    """A leaky ReLU with slope 0.1 (Keras's own leaky_relu uses 0.2)."""
    return ops.where(z > 0, z, 0.1 * z)


model = one_unit_model(leaky_relu)
print(model.layers[-1].get_config()["activation"])
model.save(folder / "leaky.keras")

reloaded = keras.models.load_model(
    folder / "leaky.keras", custom_objects={"leaky_relu": leaky_relu}
)
x = np.array([[-1.0], [1.0]])
print(show(model(x)))
print(show(reloaded(x)))
# --8<-- [end:builtin-name]
assert reloaded.layers[-1].activation is keras.activations.leaky_relu

# --8<-- [start:builtin-name-fix]
register = keras.saving.register_keras_serializable
register(package="keras_a_medida.activations")(leaky_relu)
model.save(folder / "leaky.keras")
reloaded = keras.models.load_model(folder / "leaky.keras")
print(show(reloaded(x)))
# --8<-- [end:builtin-name-fix]
assert reloaded.layers[-1].activation is leaky_relu
