"""What the built-in L1 and L2 regularizers compute, checked by hand.

Shown on guide/regularizers.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow
# ruff: noqa: E402 (each tab imports what it uses, as on the page)

# --8<-- [start:builtin]
import keras
import numpy as np

weights = np.array([[1.0, -2.0], [0.5, 3.0]], dtype="float32")

l1 = keras.regularizers.L1(0.01)
l2 = keras.regularizers.L2(0.01)
print("L1:", round(float(l1(weights)), 4))
print("L2:", round(float(l2(weights)), 4))
# --8<-- [end:builtin]
assert np.isclose(float(l1(weights)), 0.01 * 6.5)
assert np.isclose(float(l2(weights)), 0.01 * 14.25)

# --8<-- [start:by-hand]
from keras import ops

print("L1:", round(float(0.01 * ops.sum(ops.abs(weights))), 4))
print("L2:", round(float(0.01 * ops.sum(ops.square(weights))), 4))
# --8<-- [end:by-hand]
assert np.isclose(float(l2(weights)), float(0.01 * ops.sum(weights**2)))

# --8<-- [start:by-hand-tf]
import tensorflow as tf

print("L1:", round(float(tf.reduce_sum(tf.abs(0.01 * weights))), 4))
print("L2:", round(float(0.01 * tf.reduce_sum(tf.square(weights))), 4))
print("0.01 * tf.nn.l2_loss:", round(float(0.01 * tf.nn.l2_loss(weights)), 4))
# --8<-- [end:by-hand-tf]
assert np.isclose(float(l2(weights)), float(0.02 * tf.nn.l2_loss(weights)))

# --8<-- [start:config]
print(l1.get_config())
print(l2.get_config())
# --8<-- [end:config]
assert l1.get_config()["l1"] != 0.01
assert np.float32(l1.get_config()["l1"]) == np.float32(0.01)
assert l2.get_config() == {"l2": 0.01}
