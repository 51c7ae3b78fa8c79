"""The Huber loss as a function, as a closure and as a Loss subclass.

Shown on guide/losses.md. Run it as a script to check it.
"""

# --8<-- [start:function]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops

# Four targets; the last one is an outlier. The "model" predicts 0.
y_true = np.array([[0.5], [1.5], [2.5], [10.0]], dtype="float32")
y_pred = np.zeros((4, 1), dtype="float32")


def same_rank(y_true, y_pred):
    """Cast y_true to y_pred's dtype; give (batch,) the shape (batch, 1)."""
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:
        y_true = ops.expand_dims(y_true, axis=-1)
    elif len(y_pred.shape) == len(y_true.shape) - 1:
        y_pred = ops.expand_dims(y_pred, axis=-1)
    return y_true, y_pred


def huber_fn(y_true, y_pred):
    """Huber loss with a fixed threshold of 1: one value per sample."""
    y_true, y_pred = same_rank(y_true, y_pred)  # (1)!
    error = y_true - y_pred
    is_small = ops.abs(error) < 1.0
    squared = ops.square(error) / 2
    linear = ops.abs(error) - 0.5
    return ops.mean(ops.where(is_small, squared, linear), axis=-1)  # (2)!


def show(values):
    """Print a tensor as a short list of rounded numbers."""
    print(np.round(ops.convert_to_numpy(values), 5).tolist())


show(huber_fn(y_true, y_pred))
show(keras.losses.huber(y_true, y_pred))  # the built-in, delta=1.0
# --8<-- [end:function]
# conformance[loss]: huber_fn ~ keras.losses.huber
# conformance[aligner]: same_rank ~
#     keras.src.losses.loss.squeeze_or_expand_to_same_rank
assert np.allclose(
    huber_fn(y_true, y_pred), keras.losses.huber(y_true, y_pred)
)


# --8<-- [start:function-compile]
def zero_model():
    """One Dense unit with zero weights: it predicts 0 for any input."""
    return keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(1, kernel_initializer="zeros"),
        ]
    )


model = zero_model()
model.compile(loss=huber_fn, optimizer="sgd")
x = np.ones((4, 1), dtype="float32")
value = model.evaluate(x, y_true, verbose=0)
print(round(value, 5))  # (1)!
# --8<-- [end:function-compile]
assert np.isclose(value, 3.15625)


# --8<-- [start:closure]
def create_huber(threshold=1.0):
    """Return a Huber loss function with the given threshold."""

    def huber_fn(y_true, y_pred):
        y_true, y_pred = same_rank(y_true, y_pred)
        error = y_true - y_pred
        is_small = ops.abs(error) < threshold
        squared = ops.square(error) / 2
        linear = threshold * ops.abs(error) - threshold**2 / 2
        return ops.mean(ops.where(is_small, squared, linear), axis=-1)

    return huber_fn


huber_2 = create_huber(2.0)
show(huber_2(y_true, y_pred))
show(keras.losses.huber(y_true, y_pred, delta=2.0))
# --8<-- [end:closure]
assert np.allclose(
    huber_2(y_true, y_pred), keras.losses.huber(y_true, y_pred, delta=2.0)
)

# --8<-- [start:closure-save]
folder = Path(tempfile.mkdtemp())
model = zero_model()
model.compile(loss=create_huber(2.0), optimizer="sgd")
model.save(folder / "closure.keras")
print(model.get_compile_config()["loss"]["config"])  # all that is saved

try:
    keras.models.load_model(folder / "closure.keras")
except TypeError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")

for threshold in (2.0, 1.0):
    reloaded = keras.models.load_model(
        folder / "closure.keras",
        custom_objects={"huber_fn": create_huber(threshold)},
    )
    loss = ops.mean(reloaded.loss(y_true, y_pred))
    print(threshold, round(float(loss), 5))
# --8<-- [end:closure-save]
assert "2.0" not in str(model.get_compile_config()["loss"])


# --8<-- [start:subclass]
@keras.saving.register_keras_serializable(package="keras_a_medida.losses")
class HuberLoss(keras.losses.Loss):
    """Huber loss whose threshold is saved with the model."""

    def __init__(self, threshold=1.0, **kwargs):
        if threshold <= 0:
            raise ValueError(f"threshold must be > 0, got {threshold}")
        super().__init__(**kwargs)  # (1)!
        self.threshold = float(threshold)

    def call(self, y_true, y_pred):  # (2)!
        y_true, y_pred = same_rank(y_true, y_pred)  # (3)!
        error = y_true - y_pred
        is_small = ops.abs(error) < self.threshold
        squared = ops.square(error) / 2
        linear = self.threshold * ops.abs(error) - self.threshold**2 / 2
        return ops.mean(ops.where(is_small, squared, linear), axis=-1)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


loss = HuberLoss(2.0)
print(round(float(loss(y_true, y_pred)), 5))
print(round(float(keras.losses.Huber(delta=2.0)(y_true, y_pred)), 5))
print(loss.get_config())
clone = HuberLoss.from_config(loss.get_config())
print(clone.get_config() == loss.get_config())
# --8<-- [end:subclass]
# conformance: HuberLoss(threshold=2.0) ~ keras.losses.Huber(delta=2.0)
assert float(clone(y_true, y_pred)) == float(loss(y_true, y_pred)) == 5.5625

# --8<-- [start:subclass-save]
model = zero_model()
model.compile(loss=HuberLoss(2.0), optimizer="sgd")
model.save(folder / "subclass.keras")

reloaded = keras.models.load_model(folder / "subclass.keras")  # (1)!
print(type(reloaded.loss).__name__, reloaded.loss.threshold)
print(reloaded.loss.get_config() == model.loss.get_config())
print(round(float(reloaded.loss(y_true, y_pred)), 5))
# --8<-- [end:subclass-save]
assert float(reloaded.loss(y_true, y_pred)) == float(
    model.loss(y_true, y_pred)
)

# --8<-- [start:validation]
try:
    HuberLoss(threshold=0.0)
except ValueError as error:
    print(error)
# --8<-- [end:validation]


# --8<-- [start:no-config]
class BrokenForgetfulHuber(keras.losses.Loss):
    """The same loss, but without get_config(): do not copy this one."""

    def __init__(self, threshold=1.0, **kwargs):
        super().__init__(**kwargs)
        self.threshold = float(threshold)

    def call(self, y_true, y_pred):
        error = y_true - y_pred
        is_small = ops.abs(error) < self.threshold
        squared = ops.square(error) / 2
        linear = self.threshold * ops.abs(error) - self.threshold**2 / 2
        return ops.mean(ops.where(is_small, squared, linear), axis=-1)


model = zero_model()
model.compile(loss=BrokenForgetfulHuber(2.0), optimizer="sgd")
model.save(folder / "forgetful.keras")
reloaded = keras.models.load_model(
    folder / "forgetful.keras",
    custom_objects={"BrokenForgetfulHuber": BrokenForgetfulHuber},  # (1)!
)

print(model.loss.get_config())  # no threshold in it
print(model.loss.threshold, "->", reloaded.loss.threshold)
print(round(float(model.loss(y_true, y_pred)), 5), "->", end=" ")
print(round(float(reloaded.loss(y_true, y_pred)), 5))
# --8<-- [end:no-config]
assert reloaded.loss.threshold == 1.0

# --8<-- [start:builtin-huber]
builtin = keras.losses.Huber(delta=2.0)
print(builtin.get_config())  # no delta in it

model = zero_model()
model.compile(loss=builtin, optimizer="sgd")
model.save(folder / "builtin.keras")
reloaded = keras.models.load_model(folder / "builtin.keras")
print(round(float(builtin(y_true, y_pred)), 5), "->", end=" ")
print(round(float(reloaded.loss(y_true, y_pred)), 5))
# --8<-- [end:builtin-huber]
assert "delta" not in builtin.get_config(), "fixed in this Keras: edit page"

# --8<-- [start:subclass-reduction]
targets = np.array([[0.5], [1.5], [2.5], [10.0]], dtype="float32")
zeros = np.zeros((4, 1), dtype="float32")
weights = np.array([1.0, 1.0, 1.0, 0.0], dtype="float32")  # drop the outlier
for reduction in ["sum_over_batch_size", "sum", "mean_with_sample_weight"]:
    loss = HuberLoss(2.0, reduction=reduction)
    value = loss(targets, zeros, sample_weight=weights)
    print(reduction, round(float(value), 5))
# --8<-- [end:subclass-reduction]
assert np.isclose(float(value), (0.125 + 1.125 + 3.0) / 3)


# --8<-- [start:rank]
class BrokenHuberLoss(HuberLoss):
    """HuberLoss without the same_rank() line: do not copy this one."""

    def call(self, y_true, y_pred):
        error = y_true - y_pred  # (4,) - (4, 1) broadcasts to (4, 4)
        is_small = ops.abs(error) < self.threshold
        squared = ops.square(error) / 2
        linear = self.threshold * ops.abs(error) - self.threshold**2 / 2
        return ops.mean(ops.where(is_small, squared, linear), axis=-1)


flat = targets[:, 0]  # shape (4,): how 1-D label arrays usually arrive
guesses = np.array([[0.0], [1.0], [2.0], [3.0]], dtype="float32")
print(flat.shape, guesses.shape, ops.shape(flat - guesses))
for loss in [HuberLoss(2.0), BrokenHuberLoss(2.0), keras.losses.Huber(2.0)]:
    print(type(loss).__name__, round(float(loss(flat, guesses)), 5))
# --8<-- [end:rank]
assert float(HuberLoss(2.0)(flat, guesses)) == float(
    keras.losses.Huber(2.0)(flat, guesses)
)
assert float(BrokenHuberLoss(2.0)(flat, guesses)) != float(
    HuberLoss(2.0)(flat, guesses)
)
