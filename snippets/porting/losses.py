"""Keras 2 loss habits: reduction="auto" and keras.backend math.

Shown on guide/porting-from-keras-2.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:reduction-old]
import keras
import numpy as np
import tensorflow as tf
from keras import ops

print(repr(tf.keras.losses.Reduction.AUTO))
try:
    keras.losses.MeanSquaredError(reduction=tf.keras.losses.Reduction.AUTO)
except ValueError as error:
    message = str(error)
    print(f"{type(error).__name__}: {message.split('.')[0]}")
    print(message.rpartition(" ")[2])
# --8<-- [end:reduction-old]

# --8<-- [start:reduction-fix]
y_true = np.array([[0.0], [1.0]])
y_pred = np.array([[1.0], [3.0]])  # squared errors: 1 and 4

for reduction in ("sum_over_batch_size", "sum", None):
    loss = keras.losses.MeanSquaredError(reduction=reduction)
    value = ops.convert_to_numpy(loss(y_true, y_pred))
    print(reduction, np.round(value, 3).tolist())
# --8<-- [end:reduction-fix]
assert keras.losses.MeanSquaredError().reduction == "sum_over_batch_size"


# --8<-- [start:backend-old]
def broken_mse_keras2(y_true, y_pred):
    return K.mean(K.square(y_pred - y_true), axis=-1)


K = keras.backend  # Keras 2: from keras import backend as K
try:
    broken_mse_keras2(y_true, y_pred)
except AttributeError as error:
    print(f"{type(error).__name__}: {error}")

from tensorflow.keras import backend as K  # deprecated, TensorFlow only

print(
    np.round(
        ops.convert_to_numpy(broken_mse_keras2(y_true, y_pred)), 3
    ).tolist()
)
# --8<-- [end:backend-old]
assert not hasattr(keras.backend, "square")


# --8<-- [start:backend-fix]
def mse(y_true, y_pred):
    y_pred = ops.convert_to_tensor(y_pred)
    y_true = ops.reshape(ops.cast(y_true, y_pred.dtype), ops.shape(y_pred))
    return ops.mean(ops.square(y_pred - y_true), axis=-1)


print(np.round(ops.convert_to_numpy(mse(y_true, y_pred)), 3).tolist())
# --8<-- [end:backend-fix]
# conformance[loss]: mse ~ keras.losses.mean_squared_error
assert np.allclose(mse(y_true, y_pred), [1.0, 4.0])


# --8<-- [start:backend-fix-tf]
def mse(y_true, y_pred):
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.reshape(tf.cast(y_true, y_pred.dtype), tf.shape(y_pred))
    return tf.reduce_mean(tf.square(y_pred - y_true), axis=-1)


print(np.round(ops.convert_to_numpy(mse(y_true, y_pred)), 3).tolist())
# --8<-- [end:backend-fix-tf]
# conformance[loss]: mse ~ keras.losses.mean_squared_error
assert np.allclose(mse(y_true, y_pred), [1.0, 4.0])
