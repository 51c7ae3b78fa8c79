"""A layer that holds another layer: get_config, from_config and build.

Shown on guide/nested-layers.md. Run it as a script to check it.
"""

# --8<-- [start:holder]
import tempfile
from pathlib import Path

import keras
import numpy as np


class BrokenResidual(keras.layers.Layer):
    """inputs + inner(inputs), for any inner layer with matching output."""

    def __init__(self, inner, **kwargs):
        super().__init__(**kwargs)
        self.inner = inner

    def call(self, inputs):
        return inputs + self.inner(inputs)

    def get_config(self):
        inner = keras.saving.serialize_keras_object(self.inner)  # (1)!
        return {**super().get_config(), "inner": inner}


keras.utils.set_random_seed(0)
x = np.linspace(-1.0, 1.0, 8).reshape(2, 4)
model = keras.Sequential(
    [keras.Input((4,)), BrokenResidual(keras.layers.Dense(4))]
)
config = model.layers[0].get_config()
print(config["inner"]["class_name"], config["inner"]["config"]["units"])
# --8<-- [end:holder]
assert isinstance(config["inner"], dict)

# --8<-- [start:load-error]
folder = Path(tempfile.mkdtemp())
model.save(folder / "residual.keras")
try:
    keras.models.load_model(
        folder / "residual.keras",
        custom_objects={"BrokenResidual": BrokenResidual},
    )
except TypeError as error:
    message = str(error)
    print(f"{type(error).__name__}: {message.split('. ')[0]}")
    cause = message.rpartition("Error encountered:\n\n")[2]
    print(cause.split("\x1b")[0])  # (1)!
# --8<-- [end:load-error]
assert "is not callable" in message


# --8<-- [start:from-config]
@keras.saving.register_keras_serializable(package="keras_a_medida.nested")
class Residual(BrokenResidual):
    """The same layer, with the from_config that undoes get_config."""

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        inner = keras.saving.deserialize_keras_object(config.pop("inner"))
        return cls(inner, **config)


model = keras.Sequential([keras.Input((4,)), Residual(keras.layers.Dense(4))])
model.save(folder / "residual.keras")
reloaded = keras.models.load_model(folder / "residual.keras")
print(type(reloaded.layers[0].inner).__name__)
print(np.allclose(reloaded(x), model(x)))
# --8<-- [end:from-config]
# conformance: Residual(keras.layers.Dense(3)) ~ ref(
#     lambda x, w: x + x @ w[0] + w[1]
#     )
assert not np.allclose(model(x), x)

# Not shown: a build() that builds a sublayer passed in fails at load time,
# because the deserialized sublayer is already built (the page's warning).


class BrokenBuildsInner(Residual):
    def build(self, input_shape):
        self.inner.build(input_shape)


model = keras.Sequential(
    [keras.Input((4,)), BrokenBuildsInner(keras.layers.Dense(4))]
)
model.save(folder / "builds.keras")
try:
    keras.models.load_model(
        folder / "builds.keras",
        custom_objects={"BrokenBuildsInner": BrokenBuildsInner},
    )
except ValueError as error:
    assert "You cannot add new elements of state" in str(error)
else:
    raise AssertionError("building a built sublayer again should fail")
