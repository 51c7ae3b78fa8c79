"""What a .keras file holds, and the file names Keras 3 refuses.

Shown on guide/saving.md. Run it as a script to check it.
"""

# --8<-- [start:format]
import json
import tempfile
import zipfile
from pathlib import Path

import keras

folder = Path(tempfile.mkdtemp())
model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
model.save(folder / "dense.keras")

with zipfile.ZipFile(folder / "dense.keras") as archive:
    print(archive.namelist())
    config = json.loads(archive.read("config.json"))
    metadata = json.loads(archive.read("metadata.json"))

layers = config["config"]["layers"]
print(config["class_name"], [layer["class_name"] for layer in layers])
print(metadata["keras_version"], sorted(metadata))
# --8<-- [end:format]
assert sorted(archive.namelist()) == [
    "config.json",
    "metadata.json",
    "model.weights.h5",
]

# --8<-- [start:extension]
try:
    model.save(folder / "my_model")  # a SavedModel folder in Keras 2
except ValueError as error:
    first, *others = str(error).split(". ")[:3]  # the 4th names the path
    print(f"{type(error).__name__}: {first}")
    print(*others, sep="\n")
# --8<-- [end:extension]
assert not (folder / "my_model").exists()
