"""Keras 2 metric habits: reset_states() and Layer.add_metric().

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


# --8<-- [start:add-metric-old]
class ActivityMonitor(keras.layers.Layer):
    def call(self, inputs):
        self.add_metric(ops.mean(ops.abs(inputs)), name="mean_activity")
        return inputs


try:
    ActivityMonitor()(np.array([[1.0, -3.0]]))
except NotImplementedError as error:
    message = str(error)
    start = message.index("Layer `add_metric()`")
    print(type(error).__name__)
    print(message[start : message.index(".", start) + 1])
# --8<-- [end:add-metric-old]


# --8<-- [start:add-metric-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida")
class ActivityMonitor(keras.layers.Layer):
    """Passes its inputs through and tracks their mean absolute value."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.tracker = keras.metrics.Mean(name="mean_activity")  # (1)!

    def call(self, inputs):
        self.tracker.update_state(ops.mean(ops.abs(inputs)))
        return inputs


keras.utils.set_random_seed(0)
model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(2, kernel_initializer="ones"),
        ActivityMonitor(),
    ]
)
model.compile(optimizer="sgd", loss="mse")
history = model.fit(np.ones((4, 2)), np.zeros((4, 2)), verbose=0)
print({name: round(values[0], 4) for name, values in history.history.items()})
# --8<-- [end:add-metric-fix]
assert "mean_activity" in history.history

# --8<-- [start:add-metric-round-trip]
folder = Path(tempfile.mkdtemp())
model.save(folder / "monitor.keras")
reloaded = keras.models.load_model(folder / "monitor.keras")

inputs = np.array([[1.0, -3.0]])
original, monitor = model.layers[-1], reloaded.layers[-1]
print(type(monitor).__name__, monitor.get_config() == original.get_config())
print(np.allclose(reloaded(inputs), model(inputs)))
# --8<-- [end:add-metric-round-trip]
monitor = model.layers[-1]
assert type(monitor).from_config(monitor.get_config()).get_config() == (
    monitor.get_config()
)
assert reloaded.layers[-1].get_config() == monitor.get_config()
