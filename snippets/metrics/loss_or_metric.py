"""A loss needs useful gradients; a metric needs to be readable.

Shown on guide/metrics.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:gradients]
import keras
import numpy as np
import tensorflow as tf
from keras import ops

y_true = np.array([[1.0], [0.0], [1.0], [0.0]])
y_pred = tf.Variable([[0.6], [0.4], [0.4], [0.3]])

with tf.GradientTape(persistent=True) as tape:
    loss = ops.mean(keras.losses.binary_crossentropy(y_true, y_pred))
    accuracy = ops.mean(keras.metrics.binary_accuracy(y_true, y_pred))

print("loss:", round(float(loss), 4), "accuracy:", float(accuracy))
gradient = np.asarray(tape.gradient(loss, y_pred), dtype="float64")
print(np.round(gradient, 3).ravel().tolist())
print(tape.gradient(accuracy, y_pred))  # (1)!
# --8<-- [end:gradients]
assert tape.gradient(accuracy, y_pred) is None
assert float(accuracy) == 0.75
