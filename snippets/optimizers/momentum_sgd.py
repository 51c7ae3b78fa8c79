"""A momentum SGD optimizer written with the Keras 3 optimizer API.

Shown on guide/optimizers.md. Run it as a script to check it.
"""

# --8<-- [start:optimizer]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.optimizers")
class MomentumSGD(keras.optimizers.Optimizer):
    """velocity = momentum * velocity - lr * gradient; w += velocity."""

    def __init__(
        self,
        learning_rate=0.01,
        momentum=0.9,
        name="momentum_sgd",
        **kwargs,  # (1)!
    ):
        if not 0.0 <= momentum < 1.0:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        super().__init__(learning_rate=learning_rate, name=name, **kwargs)
        self.momentum = float(momentum)

    def build(self, variables):
        if self.built:
            return
        super().build(variables)  # (2)!
        self.momentums = [
            self.add_variable_from_reference(variable, "momentum")
            for variable in variables
        ]

    def update_step(self, gradient, variable, learning_rate):
        learning_rate = ops.cast(learning_rate, variable.dtype)
        gradient = ops.cast(gradient, variable.dtype)
        velocity = self.momentums[self._get_variable_index(variable)]  # (3)!
        self.assign(
            velocity,
            ops.subtract(
                ops.multiply(velocity, self.momentum),
                ops.multiply(gradient, learning_rate),
            ),
        )
        self.assign_add(variable, velocity)  # (4)!

    def get_config(self):
        config = super().get_config()
        config["momentum"] = self.momentum
        return config


# --8<-- [end:optimizer]
# conformance: MomentumSGD(0.05, momentum=0.9) ~
#     keras.optimizers.SGD(0.05, momentum=0.9)
assert MomentumSGD().momentum == 0.9

# --8<-- [start:compare-sgd]
rng = np.random.default_rng(0)
x = rng.normal(size=(8, 3)).astype("float32")
y = x @ np.array([[1.0], [2.0], [-1.0]], dtype="float32")


def small_model(optimizer):
    """The same Dense(1) model, with the same starting weights, each time."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [keras.Input(shape=(3,)), keras.layers.Dense(1, name="dense")],
        name="net",
    )
    model.compile(optimizer=optimizer, loss="mse")
    return model


ours = small_model(MomentumSGD(learning_rate=0.1, momentum=0.9))
builtin = small_model(keras.optimizers.SGD(learning_rate=0.1, momentum=0.9))
for model in (ours, builtin):
    history = model.fit(x, y, batch_size=4, epochs=3, shuffle=False, verbose=0)
    print(np.round(history.history["loss"], 4).tolist())

same = list(map(np.array_equal, ours.get_weights(), builtin.get_weights()))
print("same weights:", same)
# --8<-- [end:compare-sgd]
assert all(same)
assert int(ours.optimizer.iterations) == 6

# --8<-- [start:slots]
for variable in ours.optimizer.variables:
    print(variable.path, tuple(variable.shape))


def values(variables):
    """The current values of Keras variables, as NumPy arrays."""
    return [ops.convert_to_numpy(v) for v in variables]


same = list(
    map(
        np.array_equal,
        values(ours.optimizer.variables),
        values(builtin.optimizer.variables),
    )
)
print("same as SGD's:", same)
# --8<-- [end:slots]
assert all(same) and len(same) == 4
# SGD builds its slots with add_optimizer_variables(): the same names.
names = [variable.name for variable in ours.optimizer.variables]
assert names == [variable.name for variable in builtin.optimizer.variables]

# --8<-- [start:config]
optimizer = MomentumSGD(learning_rate=0.1, momentum=0.8, clipnorm=1.0)
config = optimizer.get_config()
clone = MomentumSGD.from_config(config)

print(clone.momentum, clone.clipnorm, round(float(clone.learning_rate), 4))
print(clone.get_config() == config)
# --8<-- [end:config]
assert clone.get_config() == config

# --8<-- [start:save]
path = Path(tempfile.mkdtemp()) / "momentum.keras"
ours.save(path)
reloaded = keras.models.load_model(path)

print(type(reloaded.optimizer).__name__, reloaded.optimizer.momentum)
print("iterations:", int(reloaded.optimizer.iterations))
restored = list(
    map(
        np.array_equal,
        values(ours.optimizer.variables),
        values(reloaded.optimizer.variables),
    )
)
print("restored:", restored)

for model in (ours, reloaded):
    model.fit(x, y, batch_size=4, epochs=1, shuffle=False, verbose=0)
same = list(map(np.array_equal, ours.get_weights(), reloaded.get_weights()))
print("same weights after one more epoch:", same)
# --8<-- [end:save]
assert all(restored) and all(same)
assert int(reloaded.optimizer.iterations) == 8

# --8<-- [start:validation]
try:
    MomentumSGD(momentum=1.0)
except ValueError as error:
    print(error)
# --8<-- [end:validation]

# --8<-- [start:apply-gradients]
weight = keras.Variable([1.0, -2.0], name="weight")
twin_weight = keras.Variable([1.0, -2.0], name="weight")
optimizer = MomentumSGD(learning_rate=0.1, momentum=0.9)
sgd = keras.optimizers.SGD(learning_rate=0.1, momentum=0.9)
gradient = np.array([0.5, -1.0], dtype="float32")

print("built before:", optimizer.built)
for _ in range(3):
    optimizer.apply_gradients([(gradient, weight)])  # (1)!
    sgd.apply([gradient], [twin_weight])  # (2)!
    print(
        int(optimizer.iterations),
        np.round(weight.numpy().astype(float), 4).tolist(),
    )
print("built after:", optimizer.built, len(optimizer.momentums))
print(np.array_equal(weight.numpy(), twin_weight.numpy()))
# --8<-- [end:apply-gradients]
assert np.array_equal(weight.numpy(), twin_weight.numpy())
