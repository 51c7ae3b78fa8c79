"""One L1 regularizer written three ways: function, closure and subclass.

Shown on guide/functions-or-subclasses.md. Run it as a script to check it.
"""

# --8<-- [start:function]
import tempfile
from pathlib import Path

import keras
from keras import ops


def l1_penalty(weights):
    """L1 penalty with a fixed factor: 0.01 * sum(|w|)."""
    return 0.01 * ops.sum(ops.abs(weights))


def small_model(regularizer):
    """One Dense layer whose six kernel weights all start at 1.0."""
    return keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(
                2,
                kernel_initializer="ones",
                kernel_regularizer=regularizer,
            ),
        ]
    )


model = small_model(l1_penalty)
print(round(float(model.losses[0]), 4))  # 0.01 * 6
# --8<-- [end:function]
assert len(model.losses) == 1

# --8<-- [start:function-save]
folder = Path(tempfile.mkdtemp())
model.save(folder / "function.keras")

try:
    keras.models.load_model(folder / "function.keras")
except TypeError as error:
    message = str(error).rpartition("Exception encountered: ")[2]
    print(f"{type(error).__name__}: {message.split(':')[0]}")

reloaded = keras.models.load_model(
    folder / "function.keras",
    custom_objects={"l1_penalty": l1_penalty},
)
print(round(float(reloaded.losses[0]), 4))
# --8<-- [end:function-save]
assert float(reloaded.losses[0]) == float(model.losses[0])


# --8<-- [start:closure]
def make_l1(factor):
    """Return an L1 penalty with the given factor (a closure)."""

    def penalty(weights):
        return factor * ops.sum(ops.abs(weights))

    return penalty


model = small_model(make_l1(0.05))
config = model.layers[0].get_config()["kernel_regularizer"]
print(config["config"])
# --8<-- [end:closure]
assert "0.05" not in str(config)

# --8<-- [start:closure-save]
model.save(folder / "closure.keras")
for factor in [0.05, 0.5]:  # the file cannot tell which one is right
    reloaded = keras.models.load_model(
        folder / "closure.keras",
        custom_objects={"penalty": make_l1(factor)},
    )
    print(factor, round(float(reloaded.losses[0]), 4))  # factor * 6
# --8<-- [end:closure-save]
assert round(float(reloaded.losses[0]), 4) == 3.0


# --8<-- [start:subclass]
@keras.saving.register_keras_serializable(package="keras_a_medida.choosing")
class L1Penalty(keras.regularizers.Regularizer):
    """L1 penalty: factor * sum(|w|)."""

    def __init__(self, factor=0.01):
        if factor < 0:
            raise ValueError(f"factor must be >= 0, got {factor}")
        self.factor = float(factor)

    def __call__(self, weights):
        return self.factor * ops.sum(ops.abs(weights))

    def get_config(self):
        return {"factor": self.factor}


model = small_model(L1Penalty(0.05))
config = model.layers[0].get_config()["kernel_regularizer"]
print(config["registered_name"], config["config"])
# --8<-- [end:subclass]
# conformance: L1Penalty(0.05) ~ keras.regularizers.L1(0.05)
assert L1Penalty.from_config(config["config"]).factor == 0.05

# --8<-- [start:subclass-save]
model.save(folder / "subclass.keras")
reloaded = keras.models.load_model(folder / "subclass.keras")

print(reloaded.layers[0].kernel_regularizer.factor)
print(round(float(reloaded.losses[0]), 4))  # 0.05 * 6
# --8<-- [end:subclass-save]
assert float(reloaded.losses[0]) == float(model.losses[0])


# --8<-- [start:no-config]
class BrokenNoConfigL1(keras.regularizers.Regularizer):
    """Wrong: the same penalty without get_config()."""

    def __init__(self, factor=0.01):
        self.factor = float(factor)

    def __call__(self, weights):
        return self.factor * ops.sum(ops.abs(weights))


model = small_model(BrokenNoConfigL1(0.05))
print(round(float(model.losses[0]), 4))  # training works
try:
    model.save(folder / "no_config.keras")
except NotImplementedError as error:
    message = str(error).rpartition("> ")[2]  # after the object's address
    print(f"{type(error).__name__}: {message}")
# --8<-- [end:no-config]
assert message == "does not implement get_config()"

# --8<-- [start:validation]
try:
    L1Penalty(-1.0)
except ValueError as error:
    print(error)
# --8<-- [end:validation]
