"""When Keras applies a weight constraint, and when it does not.

Shown on guide/constraints.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow
# ruff: noqa: E402 (each block imports what it uses, as on the page)

# --8<-- [start:every-step]
import keras
import numpy as np
from keras import ops

traces = 0  # a Python int
calls = keras.Variable(0, dtype="int32", trainable=False)


def counted_non_neg(weights):
    """NonNeg, counting its calls in two ways."""
    global traces
    traces += 1  # (1)!
    calls.assign_add(1)  # (2)!
    return ops.maximum(weights, 0.0)


x = np.array([[1, 2], [0, 1], [2, 0], [1, 1]], "float32")
y = np.array([[3], [2], [-2], [1]], "float32")  # best fit: w = [-1, 2]

model = keras.Sequential(
    [
        keras.Input(shape=(2,)),
        keras.layers.Dense(
            1,
            use_bias=False,
            kernel_initializer=keras.initializers.Constant(0.5),
            kernel_constraint=counted_non_neg,
        ),
    ]
)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
kernel = model.layers[0].kernel


def show_kernel(batch, logs):
    values = ops.convert_to_numpy(kernel).ravel()
    print(f"after step {batch + 1}:", [round(float(v), 3) for v in values])


model.fit(
    x,
    y,
    batch_size=1,
    shuffle=False,
    verbose=0,
    callbacks=[keras.callbacks.LambdaCallback(on_train_batch_end=show_kernel)],
)
print("Python counter:", traces)
print("Keras variable:", int(calls))
# --8<-- [end:every-step]
assert traces == 1 and int(calls) == int(model.optimizer.iterations) == 4
assert float(ops.min(kernel)) >= 0.0

# With run_eagerly=True the Python counter sees every step as well.
traces = 0
model.compile(
    optimizer=keras.optimizers.SGD(0.1), loss="mse", run_eagerly=True
)
model.fit(x, y, batch_size=1, verbose=0)
assert traces == 4

# --8<-- [start:not-at-init]
layer = keras.layers.Dense(
    2,
    use_bias=False,
    kernel_initializer=keras.initializers.Constant(-1.0),
    kernel_constraint=keras.constraints.NonNeg(),
)
layer.build((None, 1))
print(layer.kernel.numpy().tolist())
# --8<-- [end:not-at-init]
assert float(ops.max(layer.kernel)) == -1.0

# --8<-- [start:custom-loop]
import tensorflow as tf

optimizer = keras.optimizers.SGD(learning_rate=0.1)
inputs = np.ones((1, 1), "float32")
with tf.GradientTape() as tape:
    loss = ops.sum(layer(inputs))  # the gradient is 1 for both weights
variables = layer.trainable_variables
grads = tape.gradient(loss, variables)
optimizer.apply_gradients(zip(grads, variables, strict=True))  # (1)!
print(layer.kernel.numpy().tolist())
# --8<-- [end:custom-loop]
assert layer.kernel.numpy().tolist() == [[0.0, 0.0]]

# --8<-- [start:no-gradient]
import warnings

used, unused = (
    keras.layers.Dense(
        1,
        use_bias=False,
        kernel_initializer=keras.initializers.Constant(-1.0),
        kernel_constraint=keras.constraints.NonNeg(),
        name=name,
    )
    for name in ("used", "unused")
)
used.build((None, 1))
unused.build((None, 1))
variables = [used.kernel, unused.kernel]

with tf.GradientTape() as tape:
    loss = ops.sum(used(inputs))  # `unused` plays no part in the loss
grads = tape.gradient(loss, variables)
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    keras.optimizers.SGD(0.1).apply_gradients(
        zip(grads, variables, strict=True)
    )

warning = caught[0]
print(
    f"{warning.category.__name__}: {str(warning.message).split(' when ')[0]}"
)
print("used:", used.kernel.numpy().tolist())
print("unused:", unused.kernel.numpy().tolist())
# --8<-- [end:no-gradient]
assert grads[1] is None
assert unused.kernel.numpy().tolist() == [[-1.0]]

# --8<-- [start:frozen]
frozen = keras.layers.Dense(
    1,
    use_bias=False,
    kernel_initializer=keras.initializers.Constant(-1.0),
    kernel_constraint=keras.constraints.NonNeg(),
    trainable=False,
)
model = keras.Sequential(
    [keras.Input(shape=(2,)), frozen, keras.layers.Dense(1)]
)
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
model.fit(x, y, batch_size=4, verbose=0)  # one step for the whole model
print("steps:", int(model.optimizer.iterations))
print("frozen:", frozen.kernel.numpy().tolist())
# --8<-- [end:frozen]
assert frozen.kernel.numpy().tolist() == [[-1.0], [-1.0]]
