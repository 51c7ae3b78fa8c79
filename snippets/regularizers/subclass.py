"""A Regularizer subclass: why save fails without get_config, and the fix.

Shown on guide/regularizers.md. Run it as a script to check it.
"""

# --8<-- [start:no-config]
import re
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


class BrokenPullToward(keras.regularizers.Regularizer):
    """factor * sum((w - target) ** 2), without get_config()."""

    def __init__(self, factor=0.01, target=0.0):
        self.factor = factor
        self.target = target

    def __call__(self, weights):
        return self.factor * ops.sum(ops.square(weights - self.target))


def tiny_model(regularizer):
    """One Dense layer, 3 inputs and 2 units, with a kernel regularizer."""
    return keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(2, kernel_regularizer=regularizer),
        ]
    )


keras.utils.set_random_seed(0)
model = tiny_model(BrokenPullToward(0.1, target=1.0))
print("penalty:", round(float(model.losses[0]), 4))  # training works

folder = Path(tempfile.mkdtemp())
try:
    model.save(folder / "draft.keras")
except NotImplementedError as error:
    message = re.sub(r" object at 0x[0-9a-f]+", "", str(error))
    print(f"{type(error).__name__}: {message}")
# --8<-- [end:no-config]
assert "does not implement get_config()" in message


# --8<-- [start:fixed]
@keras.saving.register_keras_serializable(
    package="keras_a_medida.regularizers"
)
class PullToward(keras.regularizers.Regularizer):
    """factor * sum((w - target) ** 2): pulls weights toward target."""

    def __init__(self, factor=0.01, target=0.0):
        if factor < 0:
            raise ValueError(f"factor must be >= 0, got {factor}")
        self.factor = float(factor)
        self.target = float(target)

    def __call__(self, weights):
        return self.factor * ops.sum(ops.square(weights - self.target))

    def get_config(self):  # (1)!
        return {"factor": self.factor, "target": self.target}


config = PullToward(0.1, target=1.0).get_config()
print(config)
print(PullToward.from_config(config).get_config() == config)

try:
    PullToward(-0.1)
except ValueError as error:
    print(error)
# --8<-- [end:fixed]
# conformance: PullToward(0.1) ~ keras.regularizers.L2(0.1)
try:
    PullToward(-0.1)
except ValueError:
    pass
else:
    raise AssertionError("a negative factor must be refused")

# --8<-- [start:save]
keras.utils.set_random_seed(0)
model = tiny_model(PullToward(0.1, target=1.0))
model.save(folder / "fixed.keras")
reloaded = keras.models.load_model(folder / "fixed.keras")

print(reloaded.layers[0].kernel_regularizer.get_config())
print("penalty:", round(float(reloaded.losses[0]), 4))
probe = np.array([[1.0, -2.0, 0.5]], "float32")
print("same outputs:", np.array_equal(model(probe), reloaded(probe)))
# --8<-- [end:save]
assert isinstance(reloaded.layers[0].kernel_regularizer, PullToward)
assert float(reloaded.losses[0]) == float(model.losses[0])

# Constraints and initializers, by contrast, inherit a get_config() that
# returns {} without complaint.
assert keras.constraints.Constraint().get_config() == {}
assert keras.initializers.Initializer().get_config() == {}
