"""Precision over two batches: averaging batch values versus keeping counts.

Shown on guide/metrics.md. Run it as a script to check it.
"""

# --8<-- [start:batch-average]
import keras
import numpy as np
from keras import ops

batches = [  # (y_true, y_pred) for two batches of 8 samples
    ([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1]),  # TP 4, FP 1
    ([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0]),  # TP 0, FP 3
]
batches = [
    (np.array(t, "float32"), np.array(p, "float32")) for t, p in batches
]


def broken_batch_precision(y_true, y_pred):
    predicted = ops.cast(y_pred > 0.5, "float32")
    true_positives = ops.sum(y_true * predicted)
    return ops.divide_no_nan(true_positives, ops.sum(predicted))


averaged = keras.metrics.MeanMetricWrapper(broken_batch_precision)  # (1)!
for y_true, y_pred in batches:
    print(round(float(broken_batch_precision(y_true, y_pred)), 4))
    averaged.update_state(y_true, y_pred)
print("mean of batch precisions:", round(float(averaged.result()), 4))
# --8<-- [end:batch-average]
assert round(float(averaged.result()), 4) == 0.4

# --8<-- [start:streaming]
precision = keras.metrics.Precision()
for y_true, y_pred in batches:
    precision.update_state(y_true, y_pred)

print("precision:", round(float(precision.result()), 4))  # 4 / (4 + 4)
for variable in precision.variables:
    print(variable.name, np.asarray(variable).tolist())
# --8<-- [end:streaming]
assert float(precision.result()) == 0.5

# --8<-- [start:reset]
precision.reset_state()
print([np.asarray(v).tolist() for v in precision.variables])

(y_true_1, y_pred_1), (y_true_2, y_pred_2) = batches
print(round(float(precision(y_true_1, y_pred_1)), 4))
print(round(float(precision(y_true_2, y_pred_2)), 4))  # (1)!
print(hasattr(precision, "reset_states"))  # the Keras 2 name is gone
# --8<-- [end:reset]
assert float(precision.result()) == 0.5
