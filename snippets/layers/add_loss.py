"""A layer that adds a term to the loss with add_loss(), in a model and saved.

Shown on guide/layers-and-models.md. Run it as a script to check it.
"""

# --8<-- [start:add-loss]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.layers")
class ActivityL2(keras.layers.Layer):
    """Passes its inputs on; adds rate * mean(sum(inputs ** 2)) to the loss."""

    def __init__(self, rate=0.01, **kwargs):
        super().__init__(**kwargs)
        if rate < 0:
            raise ValueError(f"rate must be >= 0, got {rate}")
        self.rate = float(rate)

    def call(self, inputs):
        squares = ops.sum(ops.square(inputs), axis=-1)  # one per sample
        self.add_loss(self.rate * ops.mean(squares))  # (1)!
        return inputs

    def get_config(self):
        return {**super().get_config(), "rate": self.rate}


x = np.array([[1.0, 2.0], [3.0, 0.0]])  # squared sums 5 and 9
layer = ActivityL2(rate=0.5)
layer(x)
print(len(layer.losses), float(layer.losses[0]))  # 0.5 * (5 + 9) / 2
layer(x)
print(len(layer.losses))  # (2)!

builtin = keras.layers.ActivityRegularization(l2=0.5)
builtin(x)
print(float(builtin.losses[0]))
# --8<-- [end:add-loss]
assert float(layer.losses[0]) == float(builtin.losses[0]) == 3.5
# conformance: ActivityL2(0.5) ~ keras.layers.ActivityRegularization(l2=0.5)

# --8<-- [start:add-loss-fit]
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(2, kernel_initializer="identity", use_bias=False),
        ActivityL2(rate=0.5),
    ]
)  # predicts its inputs, so the mse against zeros is mean(x ** 2)
model.compile(optimizer="sgd", loss="mse")
targets = np.zeros((2, 2))
print(model.evaluate(x, targets, verbose=0))  # 3.5 + 3.5
model(x)  # a direct call fills model.losses with numbers
print(len(model.losses), float(model.losses[0]))
# --8<-- [end:add-loss-fit]
assert model.evaluate(x, targets, verbose=0) == 7.0

# --8<-- [start:add-loss-save]
path = Path(tempfile.mkdtemp()) / "activity.keras"
model.save(path)
reloaded = keras.models.load_model(path)
print(type(reloaded.layers[-1]).__name__, reloaded.layers[-1].rate)
print(reloaded.evaluate(x, targets, verbose=0))

try:
    ActivityL2(rate=-1.0)
except ValueError as error:
    print(error)
# --8<-- [end:add-loss-save]
assert reloaded.evaluate(x, targets, verbose=0) == 7.0
