"""The versions every page of the site is tested with.

Shown on index.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:versions]
import keras
import tensorflow as tf

print("TensorFlow", tf.__version__)
print("Keras", keras.__version__)
print("tf.keras is Keras 3:", tf.keras.layers.Dense is keras.layers.Dense)
# --8<-- [end:versions]
assert keras.__version__.startswith("3.15")
