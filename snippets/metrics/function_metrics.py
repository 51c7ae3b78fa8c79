"""A function in metrics=[...]: per-sample values or one scalar per batch.

Shown on guide/metrics.md. Run it as a script to check it.
"""

# --8<-- [start:per-sample-or-scalar]
import keras
import numpy as np
from keras import ops


def mae_per_sample(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), ops.shape(y_pred))
    return ops.mean(ops.abs(y_true - y_pred), axis=-1)  # shape (batch,)


def broken_mae_per_batch(y_true, y_pred):
    return ops.mean(ops.abs(y_true - y_pred))  # one scalar


x = np.zeros((5, 1))
y = np.array([[1.0], [1.0], [1.0], [1.0], [5.0]])  # true MAE: 9 / 5
model = keras.Sequential(
    [
        keras.Input(shape=(1,)),
        keras.layers.Dense(1, kernel_initializer="zeros"),
    ]
)  # predicts 0 for every sample
model.compile(loss="mae", metrics=[mae_per_sample, broken_mae_per_batch])
results = model.evaluate(x, y, batch_size=4, verbose=0, return_dict=True)
print(round(results["mae_per_sample"], 4))
print(round(results["broken_mae_per_batch"], 4))  # (1 + 5) / 2
# --8<-- [end:per-sample-or-scalar]
# conformance[metric]: mae_per_sample ~ keras.metrics.MeanAbsoluteError()
assert round(results["mae_per_sample"], 4) == 1.8
assert results["broken_mae_per_batch"] == 3.0
wrappers = model.metrics[1].metrics
assert [type(m).__name__ for m in wrappers] == ["MeanMetricWrapper"] * 2
