"""Why the stable softplus recipe is slower than the built-in, and the fix.

Shown on guide/benchmarks.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:why]
import keras
import numpy as np
import tensorflow as tf
from keras import ops


def stable_softplus(z):
    """guide/activations.md: max(z, 0) + log(1 + e^-|z|)."""
    return (z + ops.abs(z)) / 2 + ops.log1p(ops.exp(-ops.abs(z)))


def kernels(activation):
    """The math ops TensorFlow runs for one forward and backward pass."""

    @tf.function
    def step(z):
        with tf.GradientTape() as tape:
            tape.watch(z)
            y = activation(z)
        return tape.gradient(y, z)

    spec = tf.TensorSpec((None, 256), "float32")
    graph = step.get_concrete_function(spec).graph
    skip = {"Placeholder", "Identity", "Const", "NoOp", "Shape", "Fill"}
    return [op.type for op in graph.get_operations() if op.type not in skip]


print("stable_softplus:", len(kernels(stable_softplus)), "ops")
print("ops.softplus:", kernels(ops.softplus))
# --8<-- [end:why]
assert len(kernels(stable_softplus)) > 3 * len(kernels(ops.softplus))


# --8<-- [start:faster]
def softplus_fused(z):
    """Your own activation, built on the fused op."""
    return ops.softplus(z)  # (1)!


print("softplus_fused:", kernels(softplus_fused))
grid = np.linspace(-100.0, 100.0, 2001, dtype="float32")
print(np.allclose(softplus_fused(grid), stable_softplus(grid), rtol=1e-6))
layer = keras.layers.Dense(4, activation=softplus_fused)
print(layer(np.ones((2, 3))).shape)
# --8<-- [end:faster]
assert kernels(softplus_fused) == kernels(ops.softplus)
