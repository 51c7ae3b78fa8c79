"""Two Keras 2 habits inside layers: tf.Variable attributes and Python `if`.

Shown on guide/layers-and-models.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:tf-variable]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops


class BrokenTfScale(keras.layers.Layer):
    """Multiplies its inputs by a factor kept in a plain tf.Variable."""

    def build(self, input_shape):
        self.factor = tf.Variable(1.0)  # (1)!

    def call(self, inputs):
        return inputs * self.factor


def fit_once(layer):
    """One SGD step toward targets equal to 3 * inputs."""
    model = keras.Sequential([keras.Input(shape=(2,)), layer])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(np.ones((4, 2)), np.full((4, 2), 3.0), verbose=0)
    return model


layer = BrokenTfScale()
fit_once(layer)
print(layer.weights)
print(round(float(layer.factor.numpy()), 4))
# --8<-- [end:tf-variable]
assert layer.trainable_weights == []
assert float(layer.factor.numpy()) == 1.0


# --8<-- [start:tf-variable-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class Scale(keras.layers.Layer):
    """Multiplies its inputs by one trainable factor."""

    def build(self, input_shape):
        self.factor = self.add_weight(
            shape=(), initializer="ones", name="factor"
        )

    def call(self, inputs):
        return inputs * self.factor


layer = Scale()
fit_once(layer)
print([weight.name for weight in layer.weights])
print(round(float(layer.factor.numpy()), 4))  # 1 + 0.1 * 2 * (3 - 1)

probe = keras.layers.Layer()
probe.offset = keras.Variable(0.0, name="offset")  # (1)!
print([weight.name for weight in probe.weights])
# --8<-- [end:tf-variable-fix]
# conformance: Scale() ~ ref(lambda x: x)
assert abs(float(layer.factor.numpy()) - 1.4) < 1e-6


# --8<-- [start:python-if]
class BrokenPositiveSum(keras.layers.Layer):
    """Flips the sign of a batch whose sum is not positive."""

    def call(self, inputs):
        # One decision for the whole batch: a sample's output depends on the
        # other samples in the batch.
        if ops.sum(inputs) > 0:  # a Python bool of a tensor
            return inputs
        return -inputs


negative = np.array([[-1.0, -2.0]])
print(ops.convert_to_numpy(BrokenPositiveSum()(negative)).tolist())  # eager

try:
    keras.Sequential([keras.Input(shape=(2,)), BrokenPositiveSum()])
except tf.errors.OperatorNotAllowedInGraphError as error:
    message = str(error)
    start = message.index("Using a symbolic")
    end = message.index("not allowed") + len("not allowed")
    print(f"{type(error).__name__}: {message[start:end]}")
# --8<-- [end:python-if]


# --8<-- [start:python-if-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class PositiveSum(keras.layers.Layer):
    """Flips the sign of a batch whose sum is not positive."""

    def call(self, inputs):
        return ops.cond(  # one decision for the whole batch
            ops.sum(inputs) > 0,
            lambda: inputs,
            lambda: -inputs,
        )


model = keras.Sequential([keras.Input(shape=(2,)), PositiveSum()])
print(ops.convert_to_numpy(model(negative)).tolist())
# --8<-- [end:python-if-fix]
# conformance: PositiveSum() ~ ref(lambda x: x if x.sum() > 0 else -x)
assert ops.convert_to_numpy(model(-negative)).tolist() == [[1.0, 2.0]]


# --8<-- [start:python-if-fix-tf]
@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class PositiveSumTF(keras.layers.Layer):
    """Flips the sign of a batch whose sum is not positive."""

    def call(self, inputs):
        return tf.cond(  # one decision for the whole batch
            tf.reduce_sum(inputs) > 0,
            lambda: inputs,
            lambda: -inputs,
        )


model = keras.Sequential([keras.Input(shape=(2,)), PositiveSumTF()])
print(ops.convert_to_numpy(model(negative)).tolist())
# --8<-- [end:python-if-fix-tf]
# conformance: PositiveSumTF() ~ ref(lambda x: x if x.sum() > 0 else -x)
assert ops.convert_to_numpy(model(-negative)).tolist() == [[1.0, 2.0]]

# --8<-- [start:round-trip]
model = keras.Sequential([keras.Input(shape=(2,)), Scale(), PositiveSum()])
model.layers[0].factor.assign(1.4)
for layer in model.layers:
    clone = type(layer).from_config(layer.get_config())
    print(type(clone).__name__, clone.get_config() == layer.get_config())

folder = Path(tempfile.mkdtemp())
model.save(folder / "habits.keras")
reloaded = keras.models.load_model(folder / "habits.keras")
inputs = np.array([[-1.0, -2.0], [0.5, 0.25]])
print(np.round(np.asarray(reloaded(inputs), float), 3).tolist())
# --8<-- [end:round-trip]
assert np.allclose(reloaded(inputs), model(inputs))
assert [layer.get_config() for layer in reloaded.layers] == [
    layer.get_config() for layer in model.layers
]
