"""A Dense layer written from scratch: __init__, build, call and its config.

Shown on guide/layers-and-models.md. Run it as a script to check it.
"""

# --8<-- [start:layer]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class MyDense(keras.layers.Layer):
    """A fully connected layer: activation(inputs @ kernel + bias)."""

    def __init__(self, units, activation=None, **kwargs):
        super().__init__(**kwargs)  # (1)!
        if units < 1:
            raise ValueError(f"units must be >= 1, got {units}")
        self.units = units
        self.activation = keras.activations.get(activation)

    def build(self, input_shape):  # (2)!
        self.kernel = self.add_weight(
            shape=(input_shape[-1], self.units),
            initializer="glorot_uniform",
            name="kernel",
        )
        self.bias = self.add_weight(
            shape=(self.units,), initializer="zeros", name="bias"
        )

    def call(self, inputs):
        return self.activation(ops.matmul(inputs, self.kernel) + self.bias)


layer = MyDense(3, "relu")
print(layer.built, layer.weights)
outputs = layer(np.ones((2, 4)))
print(layer.built, [(w.name, tuple(w.shape)) for w in layer.weights])
print(tuple(outputs.shape))
# --8<-- [end:layer]
# conformance: MyDense(3, activation="relu") ~
#     keras.layers.Dense(3, activation="relu")
assert len(layer.trainable_weights) == 2
assert float(ops.min(outputs)) >= 0.0

# --8<-- [start:validation]
try:
    MyDense(0)
except ValueError as error:
    print(error)
# --8<-- [end:validation]

# --8<-- [start:add-weight]
probe = keras.layers.Layer()
try:
    probe.add_weight("kernel", (4, 3), "ones")  # Keras 2 order
except ValueError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:add-weight]
assert probe.weights == []

# --8<-- [start:auto-config]
config = MyDense(3, "relu", name="hidden").get_config()
print({key: config[key] for key in ("name", "units", "activation")})

clone = MyDense.from_config(config)
print(clone.name, clone.units, clone.activation.__name__)
# --8<-- [end:auto-config]
assert clone.get_config() == config

# --8<-- [start:auto-config-limit]
layer = MyDense(3, activation=keras.activations.relu)  # a function
try:
    layer.get_config()
except NotImplementedError as error:
    print(f"{type(error).__name__}: {' '.join(str(error).split()[:11])}")
# --8<-- [end:auto-config-limit]


# --8<-- [start:own-config]
@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class ConfiguredDense(MyDense):
    """MyDense with a get_config that accepts any activation."""

    def get_config(self):
        config = super().get_config()  # name, trainable, dtype
        config["units"] = self.units
        config["activation"] = keras.activations.serialize(self.activation)
        return config


layer = ConfiguredDense(3, activation=keras.activations.relu)
config = layer.get_config()
print(config["units"], config["activation"])
print(ConfiguredDense.from_config(config).get_config() == config)
# --8<-- [end:own-config]
# conformance: ConfiguredDense(3, activation="relu") ~
#     keras.layers.Dense(3, activation="relu")
assert ConfiguredDense.from_config(config).get_config() == config

# --8<-- [start:layer-save]
keras.utils.set_random_seed(0)
model = keras.Sequential([keras.Input(shape=(4,)), layer])
folder = Path(tempfile.mkdtemp())
model.save(folder / "dense.keras")
reloaded = keras.models.load_model(folder / "dense.keras")

inputs = np.linspace(-1.0, 1.0, 8).reshape(2, 4)
print(reloaded.layers[0].get_config() == model.layers[0].get_config())
print(np.allclose(reloaded(inputs), model(inputs)))
# --8<-- [end:layer-save]
assert isinstance(reloaded.layers[0], ConfiguredDense)
assert np.allclose(reloaded(inputs), model(inputs))
assert not np.allclose(model(inputs), 0.0)
