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
