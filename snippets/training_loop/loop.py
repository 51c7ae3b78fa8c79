"""A training loop from scratch, with a Huber loss and a streaming metric.

Shown on guide/training-loop.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:recipes]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops


def align_ranks(y_true, y_pred):
    """Make the ranks agree as Keras's losses do: (n,) against (n, 1)."""
    true_rank, pred_rank = len(y_true.shape), len(y_pred.shape)
    if pred_rank == true_rank + 1 and y_pred.shape[-1] == 1:
        if true_rank == 1:
            y_true = ops.expand_dims(y_true, axis=-1)
        else:
            y_pred = ops.squeeze(y_pred, axis=-1)
    elif true_rank == pred_rank + 1 and y_true.shape[-1] == 1:
        if pred_rank == 1:
            y_pred = ops.expand_dims(y_pred, axis=-1)
        else:
            y_true = ops.squeeze(y_true, axis=-1)
    return y_true, y_pred


def huber(y_true, y_pred, threshold):
    """Huber value of each sample: squared near 0, linear past threshold."""
    y_true, y_pred = align_ranks(y_true, y_pred)  # (1)!
    error = ops.abs(y_pred - y_true)
    squared = 0.5 * ops.square(error)
    linear = threshold * error - 0.5 * threshold**2
    return ops.mean(ops.where(error <= threshold, squared, linear), axis=-1)


@keras.saving.register_keras_serializable(package="keras_a_medida.loop")
class HuberLoss(keras.losses.Loss):
    def __init__(self, threshold=1.0, name="huber_loss", **kwargs):
        if threshold <= 0:
            raise ValueError(f"threshold must be > 0, got {threshold}")
        super().__init__(name=name, **kwargs)
        self.threshold = float(threshold)

    def call(self, y_true, y_pred):  # (2)!
        return huber(y_true, y_pred, self.threshold)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


@keras.saving.register_keras_serializable(package="keras_a_medida.loop")
class HuberMetric(keras.metrics.Metric):
    def __init__(self, threshold=1.0, name="huber", dtype=None):
        if threshold <= 0:
            raise ValueError(f"threshold must be > 0, got {threshold}")
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)
        self.total = self.add_variable(
            shape=(), initializer="zeros", name="total"
        )
        self.count = self.add_variable(
            shape=(), initializer="zeros", name="count"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, self.dtype)  # (3)!
        y_pred = ops.cast(y_pred, self.dtype)
        values = huber(y_true, y_pred, self.threshold)
        if sample_weight is None:
            sample_weight = ops.ones_like(values)
        weights = ops.reshape(ops.cast(sample_weight, self.dtype), (-1,))
        self.total.assign_add(ops.sum(values * weights))
        self.count.assign_add(ops.sum(weights))

    def result(self):
        return ops.divide_no_nan(self.total, self.count)

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


# --8<-- [end:recipes]
# conformance: HuberMetric(2.0) ~
#     keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)
# conformance: HuberLoss(threshold=2.0) ~ keras.losses.Huber(delta=2.0)
# conformance[loss]: keras.src.losses.losses.LossFunctionWrapper(
#     huber, threshold=2.0
#     ) ~ keras.losses.Huber(delta=2.0)
# conformance[aligner]: align_ranks ~ ref(
#     keras.src.losses.loss.squeeze_or_expand_to_same_rank, casts=False
#     )

y4 = np.array([0.5, 1.5, 2.5, 10.0])  # 1-D targets
zeros = np.zeros((4, 1))  # what a model with one output returns
assert np.isclose(
    float(HuberLoss(2.0)(y4, zeros)), float(keras.losses.Huber(2.0)(y4, zeros))
)
check_metric = HuberMetric(2.0)
check_metric.update_state(y4, zeros, sample_weight=[1.0, 1.0, 1.0, 0.0])
assert np.isclose(float(check_metric.result()), (0.125 + 1.125 + 3.0) / 3)
for a, b in [((4,), (4, 1)), ((4, 1), (4,)), ((4, 3, 1), (4, 3))]:
    got = align_ranks(ops.zeros(a), ops.zeros(b))
    want = keras.src.losses.loss.squeeze_or_expand_to_same_rank(
        ops.zeros(a), ops.zeros(b)
    )
    assert [g.shape for g in got] == [w.shape for w in want], (a, b)


# --8<-- [start:step]
def new_model():
    keras.utils.set_random_seed(0)
    return keras.Sequential(
        [
            keras.Input(shape=(1,)),
            keras.layers.Dense(
                1, kernel_regularizer=keras.regularizers.L2(0.01)
            ),
        ]
    )


model = new_model()
optimizer = keras.optimizers.SGD(learning_rate=0.05)
loss_fn = HuberLoss(threshold=2.0)
huber_metric = HuberMetric(threshold=2.0)
loss_mean = keras.metrics.Mean(name="loss")


@tf.function  # (1)!
def train_step(x, y, sample_weight):
    with tf.GradientTape() as tape:
        y_pred = model(x, training=True)
        loss = loss_fn(y, y_pred, sample_weight=sample_weight)
        loss = loss + ops.sum(model.losses)  # (2)!
    gradients = tape.gradient(loss, model.trainable_variables)
    optimizer.apply(gradients, model.trainable_variables)
    loss_mean.update_state(loss, sample_weight=ops.shape(x)[0])  # (3)!
    huber_metric.update_state(y, y_pred, sample_weight=sample_weight)


# --8<-- [end:step]

# --8<-- [start:epochs]
x = np.array([[0.0], [1.0], [2.0], [3.0], [4.0], [5.0]])
y = np.array([1.0, 3.0, 5.0, 7.0, 9.0, 30.0])  # 1-D, with an outlier
weights = np.array([1.0, 1.0, 1.0, 1.0, 1.0, 0.5])
dataset = tf.data.Dataset.from_tensor_slices((x, y, weights)).batch(4)

history = {"loss": [], "huber": []}
for _ in range(2):  # two epochs
    for metric in [loss_mean, huber_metric]:
        metric.reset_state()  # (1)!
    for x_batch, y_batch, w_batch in dataset:
        train_step(x_batch, y_batch, w_batch)  # update_state() inside
    for metric in [loss_mean, huber_metric]:
        history[metric.name].append(round(float(metric.result()), 4))
print(history)
# --8<-- [end:epochs]

# --8<-- [start:same-as-fit]
fitted = new_model()
fitted.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=HuberLoss(threshold=2.0),
    weighted_metrics=[HuberMetric(threshold=2.0)],  # (1)!
)
fit_history = fitted.fit(
    x,
    y,
    sample_weight=weights,
    batch_size=4,
    epochs=2,
    shuffle=False,
    verbose=0,
)
print({k: [round(v, 4) for v in vs] for k, vs in fit_history.history.items()})
pairs = zip(model.get_weights(), fitted.get_weights(), strict=True)
print(all(np.allclose(a, b) for a, b in pairs))
# --8<-- [end:same-as-fit]
for key, values in history.items():
    assert np.allclose(values, fit_history.history[key], atol=1e-4), key
for a, b in zip(model.get_weights(), fitted.get_weights(), strict=True):
    assert np.allclose(a, b)

# --8<-- [start:no-reset]
model.set_weights(new_model().get_weights())  # back to the start
huber_metric.reset_state()
no_reset = []
for _ in range(2):  # two epochs
    for x_batch, y_batch, w_batch in dataset:
        train_step(x_batch, y_batch, w_batch)
    no_reset.append(round(float(huber_metric.result()), 4))
print(no_reset)
print(float(huber_metric.count))
# --8<-- [end:no-reset]
assert no_reset[0] == history["huber"][0]
assert np.isclose(no_reset[1], sum(history["huber"]) / 2, atol=1e-4)
assert float(huber_metric.count) == 2 * weights.sum()


# --8<-- [start:stale-trace]
first_model, model = model, new_model()  # a new model, under the same name
start = [w.copy() for w in model.get_weights()]
first_start = [w.copy() for w in first_model.get_weights()]
train_step(x_batch, y_batch, w_batch)
print("new model moved:", not np.array_equal(model.get_weights()[0], start[0]))
print(
    "old model moved:",
    not np.array_equal(first_model.get_weights()[0], first_start[0]),
)

old_optimizer = optimizer
optimizer = keras.optimizers.SGD(learning_rate=0.05)  # (1)!
train_step = tf.function(train_step.python_function)  # (2)!
train_step(x_batch, y_batch, w_batch)
print("new model moved:", not np.array_equal(model.get_weights()[0], start[0]))
# --8<-- [end:stale-trace]
assert not np.array_equal(model.get_weights()[0], start[0])
try:
    zeros_like = [ops.zeros_like(v) for v in model.trainable_variables]
    old_optimizer.apply(zeros_like, model.trainable_variables)
except ValueError as error:
    assert "recreate a new optimizer instance" in str(error)
else:
    raise AssertionError("an optimizer accepted another model's variables")


# --8<-- [start:mixed-precision]
def new_half_model():
    keras.config.set_dtype_policy("mixed_float16")
    try:
        keras.utils.set_random_seed(0)
        return keras.Sequential(
            [keras.Input(shape=(1,)), keras.layers.Dense(1)]
        )
    finally:
        keras.config.set_dtype_policy("float32")  # for the rest of the page


half_model = new_half_model()
half_optimizer = keras.optimizers.LossScaleOptimizer(  # (1)!
    keras.optimizers.SGD(learning_rate=0.05)
)
half_metric = HuberMetric(threshold=2.0)

for x_batch, y_batch, w_batch in dataset:
    with tf.GradientTape() as tape:
        y_pred = half_model(x_batch, training=True)
        loss = loss_fn(y_batch, y_pred, sample_weight=w_batch)
        scaled_loss = half_optimizer.scale_loss(loss)
    gradients = tape.gradient(scaled_loss, half_model.trainable_variables)
    half_optimizer.apply(gradients, half_model.trainable_variables)
    half_metric.update_state(y_batch, y_pred, sample_weight=w_batch)
print(ops.dtype(y_pred), ops.dtype(loss), ops.dtype(half_metric.result()))
print(round(float(half_metric.result()), 2))
# --8<-- [end:mixed-precision]
assert ops.dtype(y_pred) == "float16"
assert np.isfinite(float(half_metric.result()))
half_fit = new_half_model()
half_fit.compile(
    optimizer=keras.optimizers.SGD(learning_rate=0.05),
    loss=HuberLoss(threshold=2.0),
    weighted_metrics=[HuberMetric(threshold=2.0)],
)
half_history = half_fit.fit(
    x, y, sample_weight=weights, batch_size=4, shuffle=False, verbose=0
)
assert type(half_fit.optimizer).__name__ == "LossScaleOptimizer"
assert np.isclose(half_history.history["huber"][0], half_metric.result())
for a, b in zip(half_fit.get_weights(), half_model.get_weights(), strict=True):
    assert np.allclose(a, b)

# --8<-- [start:save]
path = Path(tempfile.mkdtemp()) / "loop.keras"
fitted.save(path)
reloaded = keras.models.load_model(path)

before = fitted.evaluate(x, y, sample_weight=weights, verbose=0)
after = reloaded.evaluate(x, y, sample_weight=weights, verbose=0)
print(np.allclose(before, after))
reloaded_metric = reloaded.metrics[-1].metrics[0]  # built by evaluate()
print(reloaded.loss.threshold, reloaded_metric.threshold)
# --8<-- [end:save]
assert type(reloaded.loss) is HuberLoss
assert type(reloaded_metric) is HuberMetric
assert np.allclose(before, after)
clone = HuberMetric.from_config(huber_metric.get_config())
assert clone.get_config() == huber_metric.get_config()
