"""Keras 2's Reduction.AUTO, spelled with tf.keras, fails in Keras 3.

Shown on guide/losses.md (the "tf" tab). Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:reduction-auto-tf]
import tensorflow as tf

try:
    tf.keras.losses.MeanAbsoluteError(
        reduction=tf.keras.losses.Reduction.AUTO  # (1)!
    )
except ValueError as error:
    print(f"{type(error).__name__}: {str(error).split('. ')[0]}")
# --8<-- [end:reduction-auto-tf]
assert tf.keras.losses.Reduction.AUTO == "auto"
