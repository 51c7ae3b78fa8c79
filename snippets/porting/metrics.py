"""Keras 2 metric habits: reset_states(), overriding it, Layer.add_metric().

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
"""

# --8<-- [start:reset-states-old]
import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops

precision = keras.metrics.Precision()
precision.update_state([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1])
print(round(float(precision.result()), 4))
try:
    precision.reset_states()
except AttributeError as error:
    print(f"{type(error).__name__}: {error}")
# --8<-- [end:reset-states-old]

# --8<-- [start:reset-states-fix]
precision.reset_state()
print(float(precision.result()))
# --8<-- [end:reset-states-fix]
assert float(precision.true_positives[0]) == 0.0


# --8<-- [start:reset-states-override-old]
class BrokenMinError(keras.metrics.Metric):
    """Smallest absolute error since the last reset, as Keras 2 wrote it."""

    def __init__(self, name="min_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.smallest = self.add_weight(
            name="smallest", initializer=keras.initializers.Constant(100.0)
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), ops.shape(y_pred))
        errors = ops.abs(y_true - y_pred)
        self.smallest.assign(ops.minimum(self.smallest, ops.min(errors)))

    def result(self):
        return ops.copy(self.smallest)

    def reset_states(self):  # the Keras 2 name: Keras 3 never calls it
        self.smallest.assign(100.0)


x, y = np.zeros((4, 1)), np.array([[5.0], [6.0], [7.0], [8.0]])


def fit_three_epochs(metric):
    """The model predicts 0 and never learns: the smallest error is 5."""
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
    history = model.fit(x, y, epochs=3, verbose=0)
    return model, history.history[metric.name]


model, history = fit_three_epochs(BrokenMinError())
print(history)
# --8<-- [end:reset-states-override-old]
# TensorFlow's fit() resets metrics after the first epoch only, JAX's
# before it too.
on_tensorflow = keras.backend.backend() == "tensorflow"
assert history == ([5.0, 0.0, 0.0] if on_tensorflow else [0.0, 0.0, 0.0])


# --8<-- [start:reset-states-override-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
class MinError(keras.metrics.Metric):
    """Smallest absolute error since the last reset."""

    def __init__(self, name="min_error", **kwargs):
        super().__init__(name=name, **kwargs)
        self.smallest = self.add_weight(
            name="smallest", initializer=keras.initializers.Constant(100.0)
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), ops.shape(y_pred))
        errors = ops.abs(y_true - y_pred)
        self.smallest.assign(ops.minimum(self.smallest, ops.min(errors)))

    def result(self):
        return ops.copy(self.smallest)

    def reset_state(self):  # the Keras 3 name, without the final "s"
        self.smallest.assign(100.0)


metric = MinError()
model, history = fit_three_epochs(metric)
print(history)
# --8<-- [end:reset-states-override-fix]
# conformance: MinError() ~
#     ref(lambda t, p, w: min(100.0, np.abs(t.reshape(p.shape) - p).min()))
assert history == [5.0, 5.0, 5.0]

# --8<-- [start:reset-states-override-round-trip]
folder = Path(tempfile.mkdtemp())
model.save(folder / "min_error.keras")
reloaded = keras.models.load_model(folder / "min_error.keras")

config = metric.get_config()
print(MinError.from_config(config).get_config() == config)
results = reloaded.evaluate(x, y, verbose=0, return_dict=True)
print(results["min_error"])
# --8<-- [end:reset-states-override-round-trip]
assert results["min_error"] == 5.0


# --8<-- [start:add-metric-old]
class BrokenActivityMonitor(keras.layers.Layer):
    def call(self, inputs):
        self.add_metric(ops.mean(ops.abs(inputs)), name="mean_activity")
        return inputs


try:
    BrokenActivityMonitor()(np.array([[1.0, -3.0]]))
except NotImplementedError as error:
    message = str(error)
    start = message.index("Layer `add_metric()`")
    end = message.index(".", start) + 1
    print(f"{type(error).__name__}: {message[start:end]}")
# --8<-- [end:add-metric-old]


# --8<-- [start:add-metric-any-backend]
@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
class ActivityModel(keras.Model):
    """A dense layer; compute_loss() tracks its mean absolute output."""

    def __init__(self, units=2, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.dense = keras.layers.Dense(units, kernel_initializer="ones")
        self.activity = keras.metrics.Mean(name="mean_activity")

    def call(self, inputs):
        return self.dense(inputs)

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        self.activity.update_state(ops.mean(ops.abs(y_pred)))  # (1)!
        return super().compute_loss(
            x, y, y_pred, sample_weight, training=training
        )

    def get_config(self):
        return {**super().get_config(), "units": self.units}


model = ActivityModel()
model.compile(optimizer="sgd", loss="mse")
history = model.fit(np.ones((4, 2)), np.zeros((4, 2)), verbose=0)
print({name: round(values[0], 4) for name, values in history.history.items()})
# --8<-- [end:add-metric-any-backend]
# conformance: ActivityModel() ~ ref(lambda x, w: x @ w[0] + w[1])
assert history.history["mean_activity"] == [2.0]
config = model.get_config()
assert ActivityModel.from_config(config).get_config() == config
