"""A keras.Model subclass: why it needs its own get_config, then a full one.

Shown on guide/layers-and-models.md. Run it as a script to check it.
"""

# --8<-- [start:model-auto-config]
import tempfile
from pathlib import Path

import keras
import numpy as np


class BrokenForgetful(keras.Model):
    """A model that relies on the automatic config."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs)


class BrokenNoDefault(BrokenForgetful):
    """The same model, with no default for `units`."""

    def __init__(self, units, **kwargs):
        super().__init__(units=units, **kwargs)


model = BrokenForgetful(units=7)
print(model.units, model.get_config()["units"])  # (1)!
try:
    BrokenNoDefault(units=7).get_config()
except NotImplementedError as error:
    print(f"{type(error).__name__}: {' '.join(str(error).split()[:11])}")
# --8<-- [end:model-auto-config]
folder = Path(tempfile.mkdtemp())
model(np.ones((1, 2)))
model.save(folder / "forgetful.keras")
try:
    keras.models.load_model(
        folder / "forgetful.keras",
        custom_objects={"BrokenForgetful": BrokenForgetful},
    )
except ValueError as error:
    assert "expected 2 variables, but received 0 variables" in str(error)
else:
    raise AssertionError("BrokenForgetful should not load")


# --8<-- [start:model]
@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class TwoLayerNet(keras.Model):
    """A small multilayer perceptron: Dense(hidden, relu) -> Dense(1)."""

    def __init__(self, hidden_units, dropout=0.0, **kwargs):
        super().__init__(**kwargs)
        if hidden_units < 1:
            raise ValueError(f"hidden_units must be >= 1, got {hidden_units}")
        self.hidden_units = hidden_units
        self.dropout = dropout
        self.hidden = keras.layers.Dense(hidden_units, activation="relu")
        self.drop = keras.layers.Dropout(dropout)
        self.out = keras.layers.Dense(1)

    def call(self, inputs, training=False):
        x = self.hidden(inputs)
        return self.out(self.drop(x, training=training))

    def get_config(self):
        config = super().get_config()  # name, trainable, dtype
        config.update(
            {"hidden_units": self.hidden_units, "dropout": self.dropout}
        )
        return config


keras.utils.set_random_seed(0)
model = TwoLayerNet(hidden_units=5, dropout=0.25, name="net")
inputs = np.linspace(-1.0, 1.0, 6).reshape(3, 2)
outputs = model(inputs)
config = model.get_config()
print({key: config[key] for key in ("name", "hidden_units", "dropout")})
print(TwoLayerNet.from_config(config).get_config() == config)
# --8<-- [end:model]
# conformance: TwoLayerNet(4) ~
#     ref(lambda x, w: np.maximum(x @ w[0] + w[1], 0) @ w[2] + w[3])
assert len(model.weights) == 4

# --8<-- [start:model-save]
folder = Path(tempfile.mkdtemp())
model.save(folder / "net.keras")
reloaded = keras.models.load_model(folder / "net.keras")

print(type(reloaded).__name__, reloaded.get_config() == config)
print(np.allclose(reloaded(inputs), outputs))
# --8<-- [end:model-save]
assert isinstance(reloaded, TwoLayerNet)
assert reloaded.hidden_units == 5 and reloaded.dropout == 0.25
assert np.allclose(reloaded(inputs), model(inputs))
