"""A parent's build() and the saving hooks: build_config, compile_config.

Shown on guide/nested-layers.md. Run it as a script to check it.
"""

# --8<-- [start:parent-build]
import json
import tempfile
import zipfile
from pathlib import Path

import keras
import numpy as np


class BrokenGated(keras.layers.Layer):
    """gate * dense(inputs): one weight of its own, one sublayer."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units)

    def build(self, input_shape):  # (1)!
        self.gate = self.add_weight(
            shape=(self.units,), initializer="ones", name="gate"
        )

    def call(self, inputs):
        return self.gate * self.dense(inputs)


class BrokenStack(keras.Model):
    """A model whose build() builds its block, so summary() works early."""

    def __init__(self, units=3, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.block = BrokenGated(units)

    def build(self, input_shape):
        self.block.build(input_shape)

    def call(self, inputs):
        return self.block(inputs)

    def get_config(self):
        return {**super().get_config(), "units": self.units}


keras.utils.set_random_seed(0)
x = np.linspace(-1.0, 1.0, 8).reshape(2, 4)
model = BrokenStack()
model(x)  # the first call builds the Dense layer inside `call`
folder = Path(tempfile.mkdtemp())
model.save(folder / "stack.keras")
try:
    keras.models.load_model(
        folder / "stack.keras", custom_objects={"BrokenStack": BrokenStack}
    )
except ValueError as error:
    message = str(error)
    print(f"{type(error).__name__}: {message.split('. ')[0]}")  # (2)!
    print(message.splitlines()[2].partition("' ")[2])  # (3)!
# --8<-- [end:parent-build]
assert "could not be loaded" in message


# --8<-- [start:parent-build-silent]
class BrokenChecked(keras.layers.Layer):
    """2 * dense(inputs); build() only checks the input shape."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def build(self, input_shape):
        if input_shape[-1] is None:
            raise ValueError("the last axis must have a known size")

    def call(self, inputs):
        return 2.0 * self.dense(inputs)


class BrokenCheckedStack(BrokenStack):
    """Holds a BrokenChecked block: no weight outside the Dense layer."""

    def __init__(self, units=3, **kwargs):
        super().__init__(units, **kwargs)
        self.block = BrokenChecked(units)


model = BrokenCheckedStack()
model(x)
model.save(folder / "checked.keras")
reloaded = keras.models.load_model(
    folder / "checked.keras",
    custom_objects={"BrokenCheckedStack": BrokenCheckedStack},
)
print(reloaded.block.dense.built)
print(np.allclose(reloaded(x), model(x)))  # (1)!
# --8<-- [end:parent-build-silent]
assert not np.allclose(reloaded(x), model(x))


# --8<-- [start:build-children]
class Gated(BrokenGated):
    """BrokenGated with a build() that creates ALL of its state."""

    def build(self, input_shape):
        super().build(input_shape)
        self.dense.build(input_shape)  # (1)!


class Stack(BrokenStack):
    """The same model, now holding the fixed Gated."""

    def __init__(self, units=3, **kwargs):
        super().__init__(units, **kwargs)
        self.block = Gated(units)


model = Stack()
model(x)
model.save(folder / "stack.keras")
reloaded = keras.models.load_model(
    folder / "stack.keras", custom_objects={"Stack": Stack}
)
print([w.name for w in reloaded.weights])
print(np.allclose(reloaded(x), model(x)))
# --8<-- [end:build-children]
# conformance: Stack() ~ ref(
#     lambda x, w: w[0] * (x @ w[1] + w[2]), input_shape=(4,)
#     )
# conformance: Gated(3) ~ ref(
#     lambda x, w: w[0] * (x @ w[1] + w[2]), input_shape=(4,)
#     )
assert len(reloaded.weights) == 3


# --8<-- [start:list-shape]
class BrokenWiden(keras.layers.Layer):
    """Append `extra` learned columns to the inputs."""

    def __init__(self, extra, **kwargs):
        super().__init__(**kwargs)
        self.extra = extra

    def build(self, input_shape):
        print(type(input_shape).__name__, input_shape)
        shape = input_shape[1:-1] + (self.extra,)  # (1)!
        self.columns = self.add_weight(shape=shape, name="columns")

    def call(self, inputs):
        batch = keras.ops.shape(inputs)[0]
        columns = keras.ops.broadcast_to(self.columns, (batch, self.extra))
        return keras.ops.concatenate([inputs, columns], axis=-1)


model = keras.Sequential([keras.Input((4,)), BrokenWiden(2)])
model.save(folder / "widen.keras")
try:
    keras.models.load_model(
        folder / "widen.keras", custom_objects={"BrokenWiden": BrokenWiden}
    )
except TypeError as error:
    message = str(error)
    print(f"{type(error).__name__}: {message.split('. ')[0]}")
    print(message.rpartition("Exception encountered: ")[2])
# --8<-- [end:list-shape]
assert "concatenate list" in message


# --8<-- [start:list-shape-fix]
class Widen(BrokenWiden):
    """The same layer; build() accepts a tuple or a list."""

    def build(self, input_shape):
        super().build(tuple(input_shape))


model = keras.Sequential([keras.Input((4,)), Widen(2)])
model.save(folder / "widen.keras")
reloaded = keras.models.load_model(
    folder / "widen.keras", custom_objects={"Widen": Widen}
)
print(reloaded.output_shape)
# --8<-- [end:list-shape-fix]
# conformance: Widen(2) ~ ref(
#     lambda x, w: np.concatenate([x, np.broadcast_to(w[0], (len(x), 2))], -1),
#     input_shape=(4,),
#     )

# --8<-- [start:hooks]
model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
model.compile(optimizer="adam", loss="mse")
model.save(folder / "dense.keras")
with zipfile.ZipFile(folder / "dense.keras") as archive:
    saved = json.loads(archive.read("config.json"))
print(saved["build_config"])
print(sorted(saved["compile_config"]))
# --8<-- [end:hooks]

# --8<-- [start:weights-only]
try:
    model.save_weights(folder / "dense.h5")
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")
model.save_weights(folder / "dense.weights.h5")
twin = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
twin.load_weights(folder / "dense.weights.h5")
print(np.allclose(twin(x), model(x)))
# --8<-- [end:weights-only]
