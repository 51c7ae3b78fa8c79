"""A learning-rate schedule subclass: per-step rate, config, save and reload.

Shown on guide/learning-rate-schedules.md. Run it as a script to check it.
"""

# --8<-- [start:schedule]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.schedules")
class LinearWarmup(keras.optimizers.schedules.LearningRateSchedule):
    """Rises linearly to `peak` over `warmup_steps` steps, then stays."""

    def __init__(self, peak, warmup_steps):
        if peak <= 0:
            raise ValueError(f"peak must be > 0, got {peak}")
        if int(warmup_steps) != warmup_steps or warmup_steps < 1:
            raise ValueError(
                f"warmup_steps must be a whole number >= 1, got {warmup_steps}"
            )
        self.peak = float(peak)
        self.warmup_steps = int(warmup_steps)

    def __call__(self, step):
        step = ops.cast(step, "float32")  # (1)!
        fraction = ops.minimum((step + 1.0) / self.warmup_steps, 1.0)
        return self.peak * fraction

    def get_config(self):  # (2)!
        return {"peak": self.peak, "warmup_steps": self.warmup_steps}


schedule = LinearWarmup(peak=0.1, warmup_steps=8)
print([round(float(schedule(step)), 4) for step in range(10)])
# --8<-- [end:schedule]
assert np.allclose([schedule(s) for s in range(10)], [
    0.0125, 0.025, 0.0375, 0.05, 0.0625, 0.075, 0.0875, 0.1, 0.1, 0.1,
])  # fmt: skip
# A step that is already an int64 tensor, as in a loop of your own: the cast
# is what makes this work ("step + 1.0" on a TF int64 tensor raises).
assert np.isclose(schedule(ops.convert_to_tensor(3, dtype="int64")), 0.05)
for bad in [
    {"peak": 0.0, "warmup_steps": 4},
    {"peak": 0.1, "warmup_steps": 0},
]:
    try:
        LinearWarmup(**bad)
    except ValueError:
        pass
    else:
        raise AssertionError(f"LinearWarmup accepted {bad}")


# --8<-- [start:per-step]
class RateLog(keras.callbacks.Callback):
    """Reads the optimizer's current learning rate before each batch."""

    def __init__(self):
        super().__init__()
        self.rates = []

    def on_train_batch_begin(self, batch, logs=None):
        self.rates.append(round(float(self.model.optimizer.learning_rate), 4))


def new_model():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=LinearWarmup(0.1, 8)),
        loss="mse",
    )
    return model


x = np.linspace(0.0, 1.0, 6).reshape(-1, 1)
y = 2.0 * x[:, 0] + 1.0
model = new_model()
rate_log = RateLog()
model.fit(x, y, batch_size=2, epochs=2, callbacks=[rate_log], verbose=0)
print(rate_log.rates)
print(int(model.optimizer.iterations))
# --8<-- [end:per-step]
assert rate_log.rates == [0.0125, 0.025, 0.0375, 0.05, 0.0625, 0.075]
assert int(model.optimizer.iterations) == 6

# --8<-- [start:save]
config = model.optimizer.get_config()["learning_rate"]
print(config["registered_name"], config["config"])

path = Path(tempfile.mkdtemp()) / "warmup.keras"
model.save(path)
reloaded = keras.models.load_model(path)
print(int(reloaded.optimizer.iterations))
print(round(float(reloaded.optimizer.learning_rate), 4))  # step 6: 7/8 of 0.1

more = [  # the same batches for both: no shuffling
    m.fit(x, y, batch_size=2, shuffle=False, verbose=0)
    for m in (model, reloaded)
]
print(more[0].history == more[1].history)
# --8<-- [end:save]
restored = reloaded.optimizer._learning_rate  # private: for this check only
assert type(restored) is LinearWarmup
assert restored.get_config() == schedule.get_config()
assert more[0].history == more[1].history
for a, b in zip(model.get_weights(), reloaded.get_weights(), strict=True):
    assert np.array_equal(a, b)


# --8<-- [start:integer-step]
class IntegerStepDecay(keras.optimizers.schedules.LearningRateSchedule):
    """0.1 / (1 + step), with the step used as it arrives."""

    def __call__(self, step):
        return 0.1 / (1 + step)


print(model.optimizer.iterations.dtype)
model.compile(optimizer=keras.optimizers.SGD(IntegerStepDecay()), loss="mse")
try:
    model.fit(x, y, batch_size=2, verbose=0)
except TypeError as error:
    print(error)
else:
    print(round(float(model.optimizer.learning_rate), 4))
# --8<-- [end:integer-step]
trained = int(model.optimizer.iterations)  # the integer step fails on TF only
assert trained == (0 if keras.backend.backend() == "tensorflow" else 3)
assert IntegerStepDecay()(3) == 0.025  # a Python int hides the problem


# --8<-- [start:no-config]
class ConfiglessWarmup(LinearWarmup):
    # as if get_config() had never been written:
    get_config = keras.optimizers.schedules.LearningRateSchedule.get_config


model.compile(
    optimizer=keras.optimizers.SGD(ConfiglessWarmup(0.1, 8)), loss="mse"
)
model.fit(x, y, batch_size=2, verbose=0)  # trains as before
try:
    model.save(Path(tempfile.mkdtemp()) / "configless.keras")
except NotImplementedError as error:
    print(error)
# --8<-- [end:no-config]
else:
    raise AssertionError("a schedule without get_config() should not save")
