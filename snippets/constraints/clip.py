"""A Constraint subclass that keeps every weight inside [low, high].

Shown on guide/constraints.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow
# ruff: noqa: E402 (each tab imports what it uses, as on the page)

# --8<-- [start:clip]
import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.constraints")
class Clip(keras.constraints.Constraint):
    """Keep every weight inside [low, high]."""

    def __init__(self, low=0.0, high=1.0):
        if not high > low:
            raise ValueError(
                f"high must be greater than low, got low={low}, high={high}"
            )
        self.low = float(low)
        self.high = float(high)

    def __call__(self, w):
        return ops.clip(w, self.low, self.high)

    def get_config(self):
        return {"low": self.low, "high": self.high}


clip = Clip(low=-0.5, high=0.5)
values = np.array([-2.0, 0.25, 0.75], "float32")
print(ops.convert_to_numpy(clip(values)).tolist())
# --8<-- [end:clip]
# conformance: Clip(-0.5, 0.5) ~ ref(lambda w: ops.clip(w, -0.5, 0.5))
assert ops.convert_to_numpy(clip(values)).tolist() == [-0.5, 0.25, 0.5]

# --8<-- [start:clip-tf]
import tensorflow as tf


@keras.saving.register_keras_serializable(package="keras_a_medida.constraints")
class ClipTF(keras.constraints.Constraint):
    """Keep every weight inside [low, high], with tf.* ops."""

    def __init__(self, low=0.0, high=1.0):
        if not high > low:
            raise ValueError(
                f"high must be greater than low, got low={low}, high={high}"
            )
        self.low = float(low)
        self.high = float(high)

    def __call__(self, w):
        return tf.clip_by_value(w, self.low, self.high)

    def get_config(self):
        return {"low": self.low, "high": self.high}


clip_tf = ClipTF(low=-0.5, high=0.5)
values = np.array([-2.0, 0.25, 0.75], "float32")
print(clip_tf(values).numpy().tolist())
# --8<-- [end:clip-tf]
# conformance: ClipTF(-0.5, 0.5) ~ ref(lambda w: ops.clip(w, -0.5, 0.5))
assert clip_tf(values).numpy().tolist() == [-0.5, 0.25, 0.5]

# --8<-- [start:validation]
try:
    Clip(low=1.0, high=0.0)
except ValueError as error:
    print(error)
# --8<-- [end:validation]
try:
    Clip(low=0.5, high=0.5)
except ValueError as error:
    assert "high" in str(error) and "low" in str(error)
else:
    raise AssertionError("an empty interval must be refused")


# --8<-- [start:no-config]
import tempfile
from pathlib import Path


class BrokenClipDraft(keras.constraints.Constraint):
    """Clip without get_config(): the base class returns {}."""

    def __init__(self, low=0.0, high=1.0):
        self.low = low
        self.high = high

    def __call__(self, w):
        return ops.clip(w, self.low, self.high)


draft = BrokenClipDraft(low=-0.5, high=0.5)
print(draft.get_config())
copy = BrokenClipDraft.from_config(draft.get_config())
print("from_config:", copy.low, copy.high)

folder = Path(tempfile.mkdtemp())
draft_model = keras.Sequential(
    [keras.Input(shape=(3,)), keras.layers.Dense(2, kernel_constraint=draft)]
)
draft_model.save(folder / "draft.keras")
draft_back = keras.models.load_model(
    folder / "draft.keras",
    custom_objects={"BrokenClipDraft": BrokenClipDraft},  # (1)!
)
reloaded_draft = draft_back.layers[0].kernel_constraint
print("reloaded:", reloaded_draft.low, reloaded_draft.high)
# --8<-- [end:no-config]
assert reloaded_draft.high == 1.0

# --8<-- [start:save]
config = Clip(low=-0.5, high=0.5).get_config()
print(Clip.from_config(config).get_config() == config)

keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(3,)),
        keras.layers.Dense(2, kernel_constraint=Clip(low=-0.5, high=0.5)),
    ]
)
model.save(folder / "clip.keras")
reloaded = keras.models.load_model(folder / "clip.keras")

print(reloaded.layers[0].kernel_constraint.get_config())
probe = np.array([[1.0, -2.0, 0.5]], "float32")
print("same outputs:", np.array_equal(model(probe), reloaded(probe)))
# --8<-- [end:save]
assert isinstance(reloaded.layers[0].kernel_constraint, Clip)
assert reloaded.layers[0].kernel_constraint.get_config() == config


# A closure keeps its limit out of the saved config: the file names only the
# inner function (the home page's table).
def make_clip(limit):
    def inner_clip(w):
        return ops.clip(w, -limit, limit)

    return inner_clip


closure_dense = keras.layers.Dense(2, kernel_constraint=make_clip(0.5))
saved_con = closure_dense.get_config()["kernel_constraint"]
assert saved_con["config"] == "inner_clip", saved_con
assert "0.5" not in str(saved_con)
