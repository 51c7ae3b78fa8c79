"""Two traps in hand-written metrics: an aliased result and a zeroing reset.

Shown on guide/metrics.md. Run it as a script to check it.
"""

# --8<-- [start:aliased-result]
import keras
import numpy as np
from keras import ops


class SampleCount(keras.metrics.Metric):
    """Counts the samples seen since the last reset."""

    def __init__(self, name="samples", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.count = self.add_variable(
            shape=(), initializer="zeros", name="count"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        batch_size = ops.shape(y_true)[0]
        self.count.assign_add(ops.cast(batch_size, self.dtype))

    def result(self):
        return ops.copy(self.count)  # a new tensor


class BrokenSampleCount(SampleCount):
    def result(self):
        return self.count  # the variable itself


x, y = np.zeros((8, 1)), np.zeros((8, 1))
model = keras.Sequential([keras.Input(shape=(1,)), keras.layers.Dense(1)])
model.compile(
    loss="mse", metrics=[BrokenSampleCount("aliased"), SampleCount("safe")]
)
try:
    history = model.fit(
        x, y, batch_size=4, validation_data=(x[:3], y[:3]), verbose=0
    )
    for name in ["aliased", "safe", "val_aliased", "val_safe"]:
        print(name, history.history[name])
except ValueError as error:  # JAX refuses the variable itself as a result
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")
# --8<-- [end:aliased-result]
# conformance: SampleCount() ~ ref(lambda y_true, y_pred, weights: len(y_true))
if keras.backend.backend() == "tensorflow":
    assert history.history["aliased"] == [3.0]
    assert history.history["safe"] == [8.0]
else:
    assert "history" not in globals()  # fit() raised


# --8<-- [start:zeroing-reset]
class BrokenRunningMin(keras.metrics.Metric):
    """Smallest absolute error seen since the last reset."""

    def __init__(self, name="min_error", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.smallest = self.add_variable(
            shape=(),
            initializer=keras.initializers.Constant(float("inf")),
            name="smallest",
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), ops.shape(y_pred))
        errors = ops.abs(y_true - y_pred)
        self.smallest.assign(ops.minimum(self.smallest, ops.min(errors)))

    def result(self):
        return ops.copy(self.smallest)


def fit_three_epochs(metric, evaluate_first=False):
    """The model predicts 0 and never learns: the smallest error is 2."""
    model = keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(1, kernel_initializer="zeros", use_bias=False),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate=0.0),
        loss="mse",
        metrics=[metric],
    )
    x, y = np.zeros((4, 1)), np.array([[2.0], [3.0], [4.0], [5.0]])
    if evaluate_first:
        model.evaluate(x, y, verbose=0)
    history = model.fit(x, y, epochs=3, verbose=0)
    return history.history[metric.name]


running_min = BrokenRunningMin()
print(float(running_min.smallest))  # the initializer's value
print(fit_three_epochs(running_min))
print(fit_three_epochs(BrokenRunningMin(), evaluate_first=True))
# --8<-- [end:zeroing-reset]
assert float(running_min.result()) == 0.0


# --8<-- [start:own-reset]
class RunningMin(BrokenRunningMin):
    def reset_state(self):
        self.smallest.assign(float("inf"))


print(fit_three_epochs(RunningMin()))
# --8<-- [end:own-reset]
# conformance: RunningMin() ~
#     ref(lambda t, p, w: np.abs(t.reshape(p.shape) - p).min())
running_min = RunningMin()
running_min.update_state(np.array([[3.0]]), np.array([[1.0]]))
running_min.reset_state()
assert float(running_min.smallest) == float("inf")
