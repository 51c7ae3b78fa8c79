"""A subclassed keras.Model needs its own get_config().

Shown on guide/saving.md. Run it as a script to check it.
"""

# --8<-- [start:auto-config]
import tempfile
from pathlib import Path

import keras
import numpy as np


class BrokenTwoDense(keras.Model):
    """Two Dense layers; no get_config(), so Keras writes one for it."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = keras.layers.Dense(units, activation="relu")
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.hidden(inputs))


model = BrokenTwoDense(units=7)
config = model.get_config()
print(model.units, config["units"])  # (1)!
print(BrokenTwoDense.from_config(config).units)  # a copy, silently smaller
# --8<-- [end:auto-config]
assert config["units"] == 3

# --8<-- [start:auto-config-load]
folder = Path(tempfile.mkdtemp())
x = np.ones((2, 4), dtype="float32")
model(x)  # build the weights
model.save(folder / "auto.keras")

try:
    keras.models.load_model(
        folder / "auto.keras",
        custom_objects={"BrokenTwoDense": BrokenTwoDense},
    )
except ValueError as error:
    lines = str(error).splitlines()
    print(f"{type(error).__name__}: {lines[0].split('. ')[0]}")
    print(lines[2].partition("' ")[2])  # the line without the layer name
# --8<-- [end:auto-config-load]
assert "units" in model.get_config()


# --8<-- [start:model-get-config]
@keras.saving.register_keras_serializable(package="keras_a_medida.saving")
class TwoDense(keras.Model):
    """Two Dense layers, with the get_config() every model should have."""

    def __init__(self, units=3, **kwargs):
        if units < 1:
            raise ValueError(f"units must be >= 1, got {units}")
        super().__init__(**kwargs)
        self.units = int(units)
        self.hidden = keras.layers.Dense(self.units, activation="relu")
        self.head = keras.layers.Dense(1)

    def call(self, inputs):
        return self.head(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


model = TwoDense(units=7)
model(x)
print(model.get_config()["units"])

clone = TwoDense.from_config(model.get_config())
print(clone.get_config() == model.get_config())

model.save(folder / "fixed.keras")
reloaded = keras.models.load_model(folder / "fixed.keras")
print(reloaded.units, reloaded.get_config() == model.get_config())
print(np.allclose(reloaded(x), model(x)))
# --8<-- [end:model-get-config]
# conformance: TwoDense(4) ~
#     ref(lambda x, w: np.maximum(x @ w[0] + w[1], 0) @ w[2] + w[3])
assert float(np.abs(model(x)).sum()) > 0
