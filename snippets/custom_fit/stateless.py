"""The stateless pieces of a JAX train_step(), run where TensorFlow allows.

Shown on guide/customizing-fit.md. Run it as a script to check it.
The whole JAX train_step() is in jax_train_step.py, on customizing-fit-jax.md.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:stateless-call]
import keras
import numpy as np
import tensorflow as tf
from keras import ops

inputs = keras.Input(shape=(1,))
model = keras.Model(inputs, keras.layers.Dense(1)(inputs))
model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
x, y = np.array([[1.0], [2.0]]), np.array([3.0, 5.0])

trainable = [ops.zeros((1, 1)), ops.ones((1,))]  # kernel 0, bias 1
non_trainable = []  # a Dense layer has none
metrics_vars = [ops.copy(v) for v in model.metrics_variables]

with tf.GradientTape() as tape:  # (1)!
    tape.watch(trainable)
    y_pred, non_trainable = model.stateless_call(
        trainable, non_trainable, x, training=True
    )
    loss, (_, _, metrics_vars) = model.stateless_compute_loss(
        trainable, non_trainable, metrics_vars, x=x, y=y, y_pred=y_pred
    )
gradients = tape.gradient(loss, trainable)

print(ops.convert_to_numpy(y_pred)[:, 0].tolist(), float(loss))
print([ops.convert_to_numpy(g).ravel().tolist() for g in gradients])
print(model.layers[-1].bias.numpy().tolist())  # (2)!
# --8<-- [end:stateless-call]
assert ops.convert_to_numpy(y_pred)[:, 0].tolist() == [1.0, 1.0]
assert float(loss) == 10.0  # ((3 - 1)**2 + (5 - 1)**2) / 2
assert model.layers[-1].bias.numpy().tolist() == [0.0]

# --8<-- [start:stateless-apply]
model.optimizer.build(model.trainable_variables)
optimizer_vars = [ops.copy(v) for v in model.optimizer.variables]
try:
    model.optimizer.stateless_apply(optimizer_vars, gradients, trainable)
except ValueError as error:
    print(error)
# --8<-- [end:stateless-apply]
else:
    raise AssertionError("stateless_apply() ran on the TensorFlow backend")
