"""The Huber loss function written with tf.* ops, as Keras 2 code often is.

Shown on guide/losses.md (the "tf" tab). Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:function-tf]
import keras
import numpy as np
import tensorflow as tf

y_true = np.array([[0.5], [1.5], [2.5], [10.0]], dtype="float32")
y_pred = np.zeros((4, 1), dtype="float32")


def huber_fn(y_true, y_pred):
    """Huber loss with a fixed threshold of 1, written with tf.* ops."""
    y_pred = tf.convert_to_tensor(y_pred)
    y_true = tf.cast(y_true, y_pred.dtype)
    if len(y_true.shape) == len(y_pred.shape) - 1:  # (batch,) vs (batch, 1)
        y_true = tf.expand_dims(y_true, axis=-1)
    elif len(y_pred.shape) == len(y_true.shape) - 1:
        y_pred = tf.expand_dims(y_pred, axis=-1)
    error = y_true - y_pred
    is_small = tf.abs(error) < 1.0
    squared = tf.square(error) / 2
    linear = tf.abs(error) - 0.5
    return tf.reduce_mean(tf.where(is_small, squared, linear), axis=-1)


print(np.round(huber_fn(y_true, y_pred).numpy(), 5).tolist())
print(np.round(keras.losses.huber(y_true, y_pred).numpy(), 5).tolist())
# --8<-- [end:function-tf]
# conformance[loss]: huber_fn ~ keras.losses.huber
assert np.allclose(
    huber_fn(y_true, y_pred), keras.losses.huber(y_true, y_pred)
)
