"""How a Loss reduces per-sample values, with and without sample_weight.

Shown on guide/losses.md. Run it as a script to check it.
"""

# --8<-- [start:reductions]
import keras
import numpy as np
from keras import ops

# Two samples, each with an absolute error of 1: per-sample losses [1, 1].
y_true = np.array([[0.0], [0.0]], dtype="float32")
y_pred = np.array([[1.0], [1.0]], dtype="float32")
sample_weight = np.array([1.0, 0.0], dtype="float32")  # ignore sample 2

results = {}
for reduction in [
    "sum_over_batch_size",  # the default
    "sum",
    "mean",
    "mean_with_sample_weight",
    None,  # or "none": one value per sample
]:
    loss = keras.losses.MeanAbsoluteError(reduction=reduction)
    value = loss(y_true, y_pred, sample_weight=sample_weight)
    results[reduction] = np.round(ops.convert_to_numpy(value), 3).tolist()
    print(reduction, results[reduction])
# --8<-- [end:reductions]
assert results == {
    "sum_over_batch_size": 0.5,
    "sum": 1.0,
    "mean": 0.5,
    "mean_with_sample_weight": 1.0,
    None: [1.0, 0.0],
}

# --8<-- [start:reduction-auto]
try:
    keras.losses.MeanAbsoluteError(reduction="auto")
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")
# --8<-- [end:reduction-auto]
assert not hasattr(keras.losses, "Reduction")
