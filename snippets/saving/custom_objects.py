"""Loading a custom layer: custom_objects, registration and its traps.

Shown on guide/saving.md. Run it as a script to check it.
"""

# --8<-- [start:unregistered]
import json
import tempfile
import zipfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


class Scale(keras.layers.Layer):
    """Multiply the inputs by a fixed factor."""

    def __init__(self, factor=2.0, **kwargs):
        if factor <= 0:
            raise ValueError(f"factor must be > 0, got {factor}")
        super().__init__(**kwargs)
        self.factor = float(factor)

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


folder = Path(tempfile.mkdtemp())
model = keras.Sequential([keras.Input(shape=(2,)), Scale(2.0)])
model.save(folder / "plain.keras")

with zipfile.ZipFile(folder / "plain.keras") as archive:
    saved = json.loads(archive.read("config.json"))["config"]["layers"][1]
print(Scale.__module__)  # (1)!
print(saved["module"], saved["class_name"], saved["registered_name"])
# --8<-- [end:unregistered]
# conformance: Scale(2.0) ~ ref(lambda x: 2.0 * x)
assert Scale.__module__ == "__main__" and saved["module"] is None
assert saved["config"]["factor"] == 2.0

# --8<-- [start:load-error]
try:
    keras.models.load_model(folder / "plain.keras")
except TypeError as error:
    outer, _, inner = str(error).partition("Exception encountered: ")
    print(f"{type(error).__name__}: {outer.split('. ')[0]}")  # (1)!
    print(inner.split(". ")[0])  # (2)!
# --8<-- [end:load-error]

# Not shown: a class imported from a real package records that package as
# its module, and loading still fails: Keras imports only its own modules.
import importlib
import sys

package_folder = Path(tempfile.mkdtemp())
(package_folder / "pkgx.py").write_text(
    "import keras\n\n\nclass Scale(keras.layers.Layer):\n    pass\n"
)
sys.path.insert(0, str(package_folder))
try:
    pkgx = importlib.import_module("pkgx")
    packaged = keras.Sequential([keras.Input(shape=(2,)), pkgx.Scale()])
    packaged.save(package_folder / "packaged.keras")
    with zipfile.ZipFile(package_folder / "packaged.keras") as archive:
        config = json.loads(archive.read("config.json"))
    assert config["config"]["layers"][1]["module"] == "pkgx"
    try:
        keras.models.load_model(package_folder / "packaged.keras")
    except TypeError as error:
        assert "Could not locate class 'Scale'" in str(error)
    else:
        raise AssertionError("a module outside Keras should not be imported")
finally:
    sys.path.remove(str(package_folder))
    sys.modules.pop("pkgx", None)

# --8<-- [start:custom-objects]
x = np.ones((1, 2), dtype="float32")
reloaded = keras.models.load_model(
    folder / "plain.keras", custom_objects={"Scale": Scale}
)
print(ops.convert_to_numpy(reloaded(x)).tolist())
# --8<-- [end:custom-objects]
assert np.allclose(reloaded(x), model(x))


# --8<-- [start:registered]
@keras.saving.register_keras_serializable(package="keras_a_medida.saving")
class Scale(keras.layers.Layer):
    """Multiply the inputs by a fixed factor (registered this time)."""

    def __init__(self, factor=2.0, **kwargs):
        if factor <= 0:
            raise ValueError(f"factor must be > 0, got {factor}")
        super().__init__(**kwargs)
        self.factor = float(factor)

    def call(self, inputs):
        return inputs * self.factor

    def get_config(self):
        return {**super().get_config(), "factor": self.factor}


layer = Scale(2.0)
print(keras.saving.serialize_keras_object(layer)["registered_name"])
clone = Scale.from_config(layer.get_config())
print(clone.get_config() == layer.get_config())

model = keras.Sequential([keras.Input(shape=(2,)), layer])
model.save(folder / "registered.keras")
reloaded = keras.models.load_model(folder / "registered.keras")  # (1)!
print(reloaded.layers[0].get_config() == layer.get_config())
print(ops.convert_to_numpy(reloaded(x)).tolist())
# --8<-- [end:registered]
# conformance: Scale(2.0) ~ ref(lambda x: 2.0 * x)
assert np.allclose(reloaded(x), model(x))


# --8<-- [start:registry-wins]
class Triple(Scale):
    """A different layer, offered under the registered name."""

    def call(self, inputs):
        return inputs * 3.0


reloaded = keras.models.load_model(
    folder / "registered.keras",
    custom_objects={"keras_a_medida.saving>Scale": Triple},  # ignored
)
print(type(reloaded.layers[0]).__name__)
print(ops.convert_to_numpy(reloaded(x)).tolist())
# --8<-- [end:registry-wins]
# conformance: Triple() ~ ref(lambda x: 3.0 * x)
assert type(reloaded.layers[0]) is Scale


# --8<-- [start:register-twice]
@keras.saving.register_keras_serializable(
    package="keras_a_medida.saving", name="Scale"
)
class BrokenImpostor(Scale):  # (1)!
    """Another class registered under the same key, by mistake."""

    def call(self, inputs):
        return inputs * self.factor * 100


reloaded = keras.models.load_model(folder / "registered.keras")
print(type(reloaded.layers[0]).__name__)
print(ops.convert_to_numpy(reloaded(x)).tolist())

register = keras.saving.register_keras_serializable(
    package="keras_a_medida.saving"
)
register(Scale)  # (2)!
reloaded = keras.models.load_model(folder / "registered.keras")
print(type(reloaded.layers[0]).__name__)
print(ops.convert_to_numpy(reloaded(x)).tolist())
# --8<-- [end:register-twice]
assert (
    keras.saving.get_registered_object("keras_a_medida.saving>Scale") is Scale
)
assert np.allclose(reloaded(x), model(x))
