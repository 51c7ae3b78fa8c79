"""A streaming metric under tf.distribute.MirroredStrategy on two logical CPUs.

Shown on guide/metrics-distributed.md. Run it as a script to check it: it must
start in a new Python process, because logical devices can only be set up
before TensorFlow initializes its devices.
"""

# keras-a-medida: fresh-process
# keras-a-medida: needs-tensorflow

# --8<-- [start:devices]
import json
import os
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops

cpu = tf.config.list_physical_devices("CPU")[0]
tf.config.set_logical_device_configuration(  # (1)!
    cpu,
    [tf.config.LogicalDeviceConfiguration()] * 2,
)
print([device.name for device in tf.config.list_logical_devices("CPU")])

try:  # listing the devices initialized them: too late to change
    tf.config.set_logical_device_configuration(
        cpu, [tf.config.LogicalDeviceConfiguration()] * 3
    )
except RuntimeError as error:
    print("RuntimeError:", error)
# --8<-- [end:devices]
assert len(tf.config.list_logical_devices("CPU")) == 2


# --8<-- [start:metric]
@keras.saving.register_keras_serializable(package="keras_a_medida.distributed")
class StreamingMAE(keras.metrics.Metric):
    """Mean absolute error over every sample seen since the last reset."""

    state_aggregation = "sum"  # (1)!

    def __init__(self, name="streaming_mae", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(),
            initializer="zeros",
            aggregation=self.state_aggregation,
            name="total",
        )
        self.count = self.add_variable(
            shape=(),
            initializer="zeros",
            aggregation=self.state_aggregation,
            name="count",
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = ops.cast(y_pred, self.dtype)
        y_true = ops.reshape(ops.cast(y_true, self.dtype), ops.shape(y_pred))
        error = ops.abs(y_true - y_pred)
        self.total.assign_add(ops.sum(error))
        self.count.assign_add(ops.cast(ops.size(error), self.dtype))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)


# --8<-- [end:metric]


# --8<-- [start:metric-tf]
@keras.saving.register_keras_serializable(package="keras_a_medida.distributed")
class StreamingMAETF(keras.metrics.Metric):
    """Mean absolute error over every sample seen since the last reset."""

    state_aggregation = "sum"

    def __init__(self, name="streaming_mae", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(
            shape=(),
            initializer="zeros",
            aggregation=self.state_aggregation,
            name="total",
        )
        self.count = self.add_variable(
            shape=(),
            initializer="zeros",
            aggregation=self.state_aggregation,
            name="count",
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = tf.cast(y_pred, self.dtype)
        y_true = tf.reshape(tf.cast(y_true, self.dtype), tf.shape(y_pred))
        error = tf.abs(y_true - y_pred)
        self.total.assign_add(tf.reduce_sum(error))
        self.count.assign_add(tf.cast(tf.size(error), self.dtype))

    def result(self):
        return tf.math.divide_no_nan(self.total, self.count)


# --8<-- [end:metric-tf]
# conformance: StreamingMAE() ~
#     ref(lambda t, p, w: np.abs(t.reshape(p.shape) - p).mean())
# conformance: StreamingMAETF() ~
#     ref(lambda t, p, w: np.abs(t.reshape(p.shape) - p).mean())
for cls in (StreamingMAE, StreamingMAETF):
    check = cls()
    check.update_state([[1.0], [2.0]], [[2.0], [4.0]])
    assert float(check.result()) == 1.5

# --8<-- [start:single-device]
rng = np.random.default_rng(0)
x = rng.normal(size=(64, 3)).astype("float32")
y = x @ np.array([[1.0], [2.0], [-1.0]], dtype="float32")
y += rng.normal(size=(64, 1)).astype("float32")


def small_model(metric):
    """A Dense(1) model with the same starting weights every time."""
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
    model.compile(loss="mse", metrics=[metric])
    return model


single_metric = StreamingMAE()
single_model = small_model(single_metric)
single = single_model.evaluate(x, y, batch_size=16, verbose=0)[1]
print(round(single, 6), single_metric.count.numpy())
# --8<-- [end:single-device]
predictions = single_model.predict(x, verbose=0)
assert np.isclose(single, np.abs(predictions - y).mean())
assert single_metric.count.numpy() == 64

# --8<-- [start:mirrored]
strategy = tf.distribute.MirroredStrategy(["/cpu:0", "/cpu:1"])
print("replicas:", strategy.num_replicas_in_sync)

with strategy.scope():  # (1)!
    metric = StreamingMAE()
    model = small_model(metric)

mirrored = model.evaluate(x, y, batch_size=16, verbose=0)[1]  # (2)!
print(round(mirrored, 6), metric.count.numpy())
print("same as one device:", mirrored == single)
# --8<-- [end:mirrored]
assert all(
    map(np.array_equal, model.get_weights(), single_model.get_weights())
)
assert metric.count.numpy() == 64

# --8<-- [start:mirrored-fit]
one_device = small_model(StreamingMAE())
with strategy.scope():
    two_replicas = small_model(StreamingMAE())

for fitted in (one_device, two_replicas):  # one epoch each
    logs = fitted.fit(x, y, batch_size=16, shuffle=False, verbose=0).history
    print(round(logs["streaming_mae"][0], 4), round(logs["loss"][0], 4))

pairs = zip(one_device.get_weights(), two_replicas.get_weights(), strict=True)
print("same weights:", all(np.allclose(a, b) for a, b in pairs))
# --8<-- [end:mirrored-fit]
assert two_replicas.metrics[-1].metrics[0].count.numpy() == 64

# --8<-- [start:variables]
for variable in metric.variables:
    value = variable.value  # (1)!
    print(variable.name, type(value).__name__, value.aggregation.name)

print(metric.count.numpy(), round(float(metric.result()), 6))
try:
    float(metric.count)
except TypeError as error:
    print("TypeError:", error)
# --8<-- [end:variables]
assert all(
    v.value.aggregation == tf.VariableAggregation.SUM for v in metric.variables
)


# --8<-- [start:first-replica]
class BrokenFirstReplicaMAE(StreamingMAE):
    """The same metric, with state read from the first replica only."""

    state_aggregation = "only_first_replica"


with strategy.scope():
    wrong_metric = BrokenFirstReplicaMAE()
    wrong_model = small_model(wrong_metric)

wrong = wrong_model.evaluate(x, y, batch_size=16, verbose=0)[1]
print(round(wrong, 6), wrong_metric.count.numpy())
# --8<-- [end:first-replica]
first_halves = np.concatenate([np.arange(i, i + 8) for i in range(0, 64, 16)])
replica_0_mae = np.abs(predictions - y)[first_halves].mean()
assert np.isclose(wrong, replica_0_mae, rtol=1e-6)
assert wrong_metric.count.numpy() == 32

# --8<-- [start:keras2-spelling]
scratch = keras.metrics.Metric(name="scratch")
try:
    scratch.add_weight(  # Keras 2: name first, tf enums
        "total",
        initializer="zeros",
        aggregation=tf.VariableAggregation.SUM,
        synchronization=tf.VariableSynchronization.ON_READ,
    )
except TypeError as error:
    print("TypeError:", error)

try:
    scratch.add_variable(
        shape=(), initializer="zeros", aggregation=tf.VariableAggregation.SUM
    )
except ValueError as error:
    print("ValueError:", str(error).split(". ")[0])
# --8<-- [end:keras2-spelling]
assert not scratch.variables

# --8<-- [start:save]
config = metric.get_config()
print(config, StreamingMAE.from_config(config).get_config() == config)

path = Path(tempfile.mkdtemp()) / "mirrored.keras"
model.save(path)
with strategy.scope():
    reloaded = keras.models.load_model(path)

again = reloaded.evaluate(x, y, batch_size=16, verbose=0)[1]
print("same after reload:", again == single)
for variable in reloaded.metrics_variables:
    print(variable.path, type(variable.value).__name__)
# --8<-- [end:save]

# --8<-- [start:multi-worker]
os.environ["TF_CONFIG"] = json.dumps(
    {
        "cluster": {"worker": ["host0:12345", "host1:12345"]},
        "task": {"type": "worker", "index": 0},
    }
)
resolver = tf.distribute.cluster_resolver.TFConfigClusterResolver()
print(resolver.cluster_spec().as_dict())
print(resolver.task_type, resolver.task_id)
# --8<-- [end:multi-worker]
del os.environ["TF_CONFIG"]
