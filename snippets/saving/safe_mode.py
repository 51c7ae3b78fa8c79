"""safe_mode=True (the default) refuses to rebuild Python lambdas.

Shown on guide/saving.md. Run it as a script to check it.
"""

# --8<-- [start:lambda]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops

folder = Path(tempfile.mkdtemp())
model = keras.Sequential(
    [keras.Input(shape=(2,)), keras.layers.Lambda(lambda t: t * 2.0)]
)
model.save(folder / "lambda.keras")
print(model.layers[0].get_config()["function"]["class_name"])  # (1)!

try:
    keras.models.load_model(folder / "lambda.keras")
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")
# --8<-- [end:lambda]

# --8<-- [start:unsafe]
# Only for a file you made yourself: this runs the code stored in it.
reloaded = keras.models.load_model(folder / "lambda.keras", safe_mode=False)
print(ops.convert_to_numpy(reloaded(np.ones((1, 2)))).tolist())
# --8<-- [end:unsafe]
assert np.allclose(reloaded(np.ones((1, 2))), model(np.ones((1, 2))))
try:  # safe_mode=False applied to that one call only
    keras.models.load_model(folder / "lambda.keras")
except ValueError:
    pass
else:
    raise AssertionError("safe mode should still be on")


# --8<-- [start:named-function]
@keras.saving.register_keras_serializable(package="keras_a_medida.saving")
def double(t):
    return t * 2.0


model = keras.Sequential(
    [keras.Input(shape=(2,)), keras.layers.Lambda(double)]
)
model.save(folder / "named.keras")
reloaded = keras.models.load_model(folder / "named.keras")  # safe mode on
print(ops.convert_to_numpy(reloaded(np.ones((1, 2)))).tolist())
# --8<-- [end:named-function]
# conformance[activation]: double ~ ref(lambda x: 2.0 * x)
assert reloaded.layers[0].function is double
