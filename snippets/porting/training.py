"""Keras 2 training habits: optimizers.legacy, lr= and dynamic=True.

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
The Keras 2 optimizer subclass API is on guide/optimizers.md.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:legacy-old]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops

try:
    tf.keras.optimizers.legacy.Adam(learning_rate=0.001)
except ImportError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")

try:
    keras.optimizers.Adam(lr=0.001)
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:legacy-old]

# --8<-- [start:legacy-fix]
optimizer = keras.optimizers.Adam(learning_rate=0.001)
print(type(optimizer).__name__, round(float(optimizer.learning_rate), 4))
# --8<-- [end:legacy-fix]

# --8<-- [start:dynamic-old]
try:
    keras.layers.Dense(1, dynamic=True)
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:dynamic-old]


# --8<-- [start:dynamic-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
class PeakNormalize(keras.layers.Layer):
    """Divides a batch by its largest absolute value when above 1."""

    def call(self, inputs):
        # One peak for the whole batch: each sample's output depends on
        # the other samples in the batch.
        peak = ops.max(ops.abs(inputs))
        if peak > 1.0:  # a Python `if`: runs only eagerly
            return inputs / peak
        return inputs

    def compute_output_shape(self, input_shape):  # (1)!
        return input_shape


keras.utils.set_random_seed(0)
model = keras.Sequential(
    [keras.Input(shape=(2,)), keras.layers.Dense(2), PeakNormalize()]
)
model.compile(optimizer="sgd", loss="mse", run_eagerly=True)  # (2)!
history = model.fit(np.full((4, 2), 3.0), np.zeros((4, 2)), verbose=0)
print(model.run_eagerly, round(history.history["loss"][0], 4))
# --8<-- [end:dynamic-fix]
# conformance: PeakNormalize() ~
#     ref(lambda x: x / max(1.0, np.abs(x).max()), eager=True)
graph_model = keras.Sequential([keras.Input(shape=(2,)), PeakNormalize()])
graph_model.compile(optimizer="sgd", loss="mse")  # run_eagerly=False
try:
    graph_model.fit(np.full((4, 2), 3.0), np.zeros((4, 2)), verbose=0)
except tf.errors.OperatorNotAllowedInGraphError:
    pass
else:
    raise AssertionError("PeakNormalize should fail in graph mode")

# --8<-- [start:training-round-trip]
folder = Path(tempfile.mkdtemp())
model.save(folder / "eager.keras")
reloaded = keras.models.load_model(folder / "eager.keras")

layer, original = reloaded.layers[-1], model.layers[-1]
print(type(layer).__name__, layer.get_config() == original.get_config())
config = layer.get_config()
print(PeakNormalize.from_config(config).get_config() == config)
print(reloaded.run_eagerly)

inputs = np.array([[3.0, -1.0]])
print(np.allclose(reloaded(inputs), model(inputs)))
# --8<-- [end:training-round-trip]
assert isinstance(layer, PeakNormalize)
