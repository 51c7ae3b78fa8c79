"""Keras 2 saving habits: a SavedModel folder or save_format="tf"; export().

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:saving-old]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

model = keras.Sequential([keras.Input(shape=(2,)), keras.layers.Dense(1)])
folder = Path(tempfile.mkdtemp())

try:
    model.save(folder / "my_model")  # Keras 2: a SavedModel folder
except ValueError as error:
    message = str(error)
    start = message.index("Use `model.export")
    print(f"{type(error).__name__}: {message.split('.')[0]}")
    print(message[start : message.index("SavedModel") + len("SavedModel")])

try:
    model.save(folder / "my_model", save_format="tf")
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('.')[0]}")
# --8<-- [end:saving-old]
assert not (folder / "my_model").exists()

# --8<-- [start:saving-fix]
model.save(folder / "my_model.keras")
reloaded = keras.models.load_model(folder / "my_model.keras")
model.export(folder / "my_model", verbose=False)  # a SavedModel folder
serving = tf.saved_model.load(folder / "my_model")

inputs = np.array([[1.0, 2.0]], dtype="float32")
print(sorted(path.name for path in folder.iterdir()))
print(np.allclose(reloaded(inputs), model(inputs)))
print(np.allclose(serving.serve(inputs), model(inputs)))
# --8<-- [end:saving-fix]
assert reloaded.layers[0].get_config() == model.layers[0].get_config()
assert (folder / "my_model" / "saved_model.pb").is_file()
