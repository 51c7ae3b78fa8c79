"""add_metric()'s replacement on TensorFlow: a metric updated in call().

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
TensorFlow only: on JAX, fit() fails when a layer updates a metric in
call() (keras-team/keras#20618, #21155, #21639); porting/metrics.py
shows what works on both backends.
"""

# keras-a-medida: needs-tensorflow

import tempfile
from pathlib import Path

import keras
import numpy as np
from keras import ops


# --8<-- [start:add-metric-fix]
@keras.saving.register_keras_serializable(package="keras_a_medida.porting")
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
# conformance: ActivityMonitor() ~ ref(lambda x: x)
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
