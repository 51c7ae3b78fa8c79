"""Keras 2 training habits: the old optimizer API, optimizers.legacy and
dynamic=True.

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
"""

# --8<-- [start:optimizer-old]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops


class MyMomentum(keras.optimizers.Optimizer):
    def __init__(self, learning_rate=0.01, momentum=0.9, name="my_momentum"):
        super().__init__(name)  # Keras 2: the name came first
        self._set_hyper("learning_rate", learning_rate)
        self._set_hyper("momentum", momentum)


try:
    MyMomentum()
except ValueError as error:
    message = str(error)
    print(f"{type(error).__name__}: {message.split(',')[0]}")
    print(message.rpartition(". ")[2])

old_methods = ("_set_hyper", "_create_slots", "_resource_apply_dense")
print([hasattr(keras.optimizers.Optimizer, name) for name in old_methods])

try:
    keras.optimizers.SGD(lr=0.01)
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:optimizer-old]


# --8<-- [start:optimizer-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida")
class MyMomentum(keras.optimizers.Optimizer):
    """Momentum SGD: v = momentum * v - lr * g, then w = w + v."""

    def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
        super().__init__(learning_rate=learning_rate, **kwargs)
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        self.momentum = momentum

    def build(self, variables):  # (1)!
        if self.built:
            return
        super().build(variables)
        self.velocities = self.add_optimizer_variables(variables, "velocity")

    def update_step(self, gradient, variable, learning_rate):  # (2)!
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.velocities[self._get_variable_index(variable)]
        self.assign(
            velocity, self.momentum * velocity - learning_rate * gradient
        )
        self.assign_add(variable, velocity)

    def get_config(self):
        config = super().get_config()
        config["momentum"] = self.momentum
        return config


optimizer = MyMomentum(learning_rate=0.1, momentum=0.9)
weight = keras.Variable(1.0)
for _ in range(2):  # a constant gradient of 1
    optimizer.apply_gradients([(ops.ones(()), weight)])
    print(round(float(weight.numpy()), 4))
# --8<-- [end:optimizer-fix]
assert abs(float(weight.numpy()) - 0.71) < 1e-6

# --8<-- [start:legacy-old]
try:
    tf.keras.optimizers.legacy.Adam(learning_rate=0.001)
except ImportError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")
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
@keras.saving.register_keras_serializable(package="keras_a_medida")
class PeakNormalize(keras.layers.Layer):
    """Divides a batch by its largest absolute value when above 1."""

    def call(self, inputs):
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
model.compile(
    optimizer=MyMomentum(learning_rate=0.1),
    loss="mse",
    run_eagerly=True,  # (2)!
)
history = model.fit(np.full((4, 2), 3.0), np.zeros((4, 2)), verbose=0)
print(model.run_eagerly, round(history.history["loss"][0], 4))
# --8<-- [end:dynamic-fix]
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

config = reloaded.optimizer.get_config()
print(type(reloaded.optimizer).__name__, config["momentum"])
print(config == model.optimizer.get_config())
print(MyMomentum.from_config(config).get_config() == config)
print(int(reloaded.optimizer.iterations), reloaded.run_eagerly)

inputs = np.array([[3.0, -1.0]])
print(np.allclose(reloaded(inputs), model(inputs)))
# --8<-- [end:training-round-trip]
assert reloaded.optimizer.velocities[0].shape == (2, 2)
assert np.allclose(
    reloaded.optimizer.velocities[0], model.optimizer.velocities[0]
)
