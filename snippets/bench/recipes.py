"""Two benchmarked recipes that no other page shows as a block of their own.

Shown on guide/benchmarks.md; bench/run.py takes both from these sections.
Run it as a script to check that each one matches its built-in twin.
"""

# --8<-- [start:non-neg]
import keras
import numpy as np
from keras import ops


def non_neg(weights):
    """Project every weight onto w >= 0, as keras.constraints.NonNeg does."""
    return ops.maximum(weights, 0.0)


w = np.array([-1.5, 0.0, 2.0], "float32")
print(ops.convert_to_numpy(non_neg(w)).tolist())
print(ops.convert_to_numpy(keras.constraints.NonNeg()(w)).tolist())
# --8<-- [end:non-neg]
assert np.array_equal(non_neg(w), keras.constraints.NonNeg()(w))


# --8<-- [start:precision]
class StreamingPrecision(keras.metrics.Metric):
    """Precision from true and false positive counts kept across batches."""

    def __init__(self, threshold=0.5, name="precision", dtype=None):
        if not 0 < threshold < 1:
            raise ValueError(f"threshold must be in (0, 1), got {threshold}")
        super().__init__(name=name, dtype=dtype)
        self.threshold = float(threshold)
        self.true_positives = self.add_variable(
            shape=(), initializer="zeros", name="true_positives"
        )
        self.false_positives = self.add_variable(
            shape=(), initializer="zeros", name="false_positives"
        )

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_true = ops.cast(y_true, self.dtype)
        predicted = ops.cast(
            ops.convert_to_tensor(y_pred) > self.threshold, self.dtype
        )
        if sample_weight is not None:
            weight = ops.cast(sample_weight, self.dtype)
            predicted = predicted * ops.reshape(weight, ops.shape(predicted))
        self.true_positives.assign_add(ops.sum(predicted * y_true))
        self.false_positives.assign_add(ops.sum(predicted * (1 - y_true)))

    def result(self):
        return ops.divide_no_nan(
            self.true_positives, self.true_positives + self.false_positives
        )

    def get_config(self):
        return {**super().get_config(), "threshold": self.threshold}


batches = [  # the two batches of guide/metrics.md: TP 4, FP 1, then TP 0, FP 3
    ([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1]),
    ([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0]),
]
ours, builtin = StreamingPrecision(), keras.metrics.Precision()
for y_true, y_pred in batches:
    for metric in (ours, builtin):
        metric.update_state(np.float32(y_true), np.float32(y_pred))
print(float(ours.result()), float(builtin.result()))
# --8<-- [end:precision]
assert float(ours.result()) == float(builtin.result()) == 0.5
weights = np.float32([1, 1, 1, 1, 0, 0, 0, 0])  # weighted: FP 3, TP 0
for metric in (ours, builtin):
    metric.reset_state()
    metric.update_state(np.float32(y_true), np.float32(y_pred), weights)
assert float(ours.result()) == float(builtin.result()) == 0.0
