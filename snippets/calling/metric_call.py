"""A metric's __call__() updates its state and returns the running result.

Shown on guide/call-methods.md. Run it as a script to check it.
"""

# --8<-- [start:mean]
import keras

mean = keras.metrics.Mean()
print(float(mean(1.0)))  # update_state(1.0), then result()
print(float(mean(3.0)))  # the mean of 1.0 and 3.0, not 3.0
print(mean.update_state(5.0))  # updates, returns nothing
print(float(mean.result()))
mean.reset_state()
print(float(mean.result()))
print(isinstance(mean, keras.layers.Layer))
# --8<-- [end:mean]
assert float(mean.result()) == 0.0

# --8<-- [start:precision]
batches = [
    ([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1]),  # TP 4, FP 1
    ([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0]),  # TP 0, FP 3
]
precision = keras.metrics.Precision()
for y_true, y_pred in batches:
    running = float(precision(y_true, y_pred))
    batch_only = float(keras.metrics.Precision()(y_true, y_pred))
    print(f"running: {running:.2f}   this batch alone: {batch_only:.2f}")
# --8<-- [end:precision]
assert round(running, 4) == 0.5 and batch_only == 0.0
