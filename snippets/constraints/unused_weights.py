"""fit() and a constrained weight the loss does not use, on any backend.

Shown on guide/constraints.md. Run it as a script to check it.
"""

# --8<-- [start:fit-unused]
import warnings

import keras
import numpy as np


class TwoHeads(keras.Model):
    """Two constrained layers; call() uses only the first."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.used, self.unused = (
            keras.layers.Dense(
                1,
                use_bias=False,
                kernel_initializer=keras.initializers.Constant(-1.0),
                kernel_constraint=keras.constraints.NonNeg(),
            )
            for _ in range(2)
        )

    def build(self, input_shape):
        self.used.build(input_shape)
        self.unused.build(input_shape)

    def call(self, inputs):
        return self.used(inputs)


model = TwoHeads()
model.build((None, 1))
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mae")
with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # TensorFlow warns: no gradient
    model.fit(np.ones((1, 1)), np.zeros((1, 1)), epochs=1, verbose=0)
print("used:", keras.ops.convert_to_numpy(model.used.kernel).tolist())
print("unused:", keras.ops.convert_to_numpy(model.unused.kernel).tolist())
# --8<-- [end:fit-unused]
# conformance: TwoHeads() ~ ref(lambda x, w: x @ w[0], input_shape=(1,))
unused = float(keras.ops.convert_to_numpy(model.unused.kernel)[0, 0])
assert unused == (-1.0 if keras.backend.backend() == "tensorflow" else 0.0)
