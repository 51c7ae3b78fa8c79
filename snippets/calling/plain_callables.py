"""Regularizers, initializers and constraints are plain callables.

Shown on guide/call-methods.md. Run it as a script to check it.
"""

# --8<-- [start:direct-calls]
import keras
import numpy as np
from keras import ops

w = np.array([[-1.0, 2.0], [3.0, -4.0]], dtype="float32")

penalty = keras.regularizers.L1(0.1)
print("L1(0.1)(w):", round(float(penalty(w)), 4))

initializer = keras.initializers.Constant(0.5)
print("Constant(0.5):", ops.convert_to_numpy(initializer((2, 2))).tolist())

constraint = keras.constraints.NonNeg()
print("NonNeg()(w):", ops.convert_to_numpy(constraint(w)).tolist())
# --8<-- [end:direct-calls]
assert round(float(penalty(w)), 4) == 1.0


# --8<-- [start:call-is-ignored]
class BrokenL1(keras.regularizers.Regularizer):
    def call(self, x):  # never called: should be __call__
        return 0.1 * ops.sum(ops.abs(x))


class BrokenNonNeg(keras.constraints.Constraint):
    def call(self, w):  # never called: should be __call__
        return ops.maximum(w, 0.0)


class BrokenConstant(keras.initializers.Initializer):
    def call(self, shape, dtype=None):  # never called: should be __call__
        return ops.full(shape, 0.5, dtype=dtype)


print("BrokenL1()(w):", float(BrokenL1()(w)))
print("BrokenNonNeg()(w):", ops.convert_to_numpy(BrokenNonNeg()(w)).tolist())
try:
    BrokenConstant()((2, 2))
except NotImplementedError as error:
    print(f"{type(error).__name__}: {error}")

dense = keras.layers.Dense(2, kernel_regularizer=BrokenL1())
dense.build((None, 2))
print("dense.losses:", [float(loss) for loss in dense.losses])
# --8<-- [end:call-is-ignored]
assert float(dense.losses[0]) == 0.0
