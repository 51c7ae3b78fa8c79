"""An activation with a hyperparameter, written as a layer.

Shown on guide/activations.md. Run it as a script to check it.
"""

# --8<-- [start:layer]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.activations")
class ScaledSoftplus(keras.layers.Layer):
    """softplus(beta * z) / beta: the larger beta, the closer to ReLU."""

    def __init__(self, beta=1.0, **kwargs):
        super().__init__(**kwargs)
        if beta <= 0:
            raise ValueError(f"beta must be > 0, got {beta}")
        self.beta = float(beta)

    def call(self, inputs):
        return ops.softplus(self.beta * inputs) / self.beta

    def get_config(self):
        return {**super().get_config(), "beta": self.beta}


model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(1, kernel_initializer="ones"),
        ScaledSoftplus(beta=4.0),
    ]
)
x = np.array([[-1.0], [0.0], [1.0]])
print(np.round(np.asarray(model(x), "float64"), 3).ravel().tolist())
# --8<-- [end:layer]
# conformance: ScaledSoftplus(beta=4.0) ~
#     ref(lambda x: np.logaddexp(0.0, 4.0 * x) / 4.0, input_shape=(1,))
assert model.layers[-1].beta == 4.0

# --8<-- [start:layer-validation]
try:
    ScaledSoftplus(beta=0)
except ValueError as error:
    print(error)
# --8<-- [end:layer-validation]

# --8<-- [start:layer-save]
layer = model.layers[-1]
copy = ScaledSoftplus.from_config(layer.get_config())
print(copy.beta, copy.get_config() == layer.get_config())

folder = Path(tempfile.mkdtemp())
model.save(folder / "scaled_softplus.keras")
reloaded = keras.models.load_model(folder / "scaled_softplus.keras")
print(reloaded.layers[-1].get_config() == layer.get_config())
print(np.array_equal(reloaded(x), model(x)))
# --8<-- [end:layer-save]
assert reloaded.layers[-1].beta == 4.0

# A function activation adds no weights; a layer may train its own, such as
# PReLU's alpha (the home page's table).
with_function = keras.layers.Dense(2, activation=keras.activations.softplus)
with_function.build((None, 3))
assert len(with_function.trainable_weights) == 2  # the kernel and the bias
prelu = keras.layers.PReLU()
prelu.build((None, 2))
assert [w.name for w in prelu.trainable_weights] == ["alpha"]
