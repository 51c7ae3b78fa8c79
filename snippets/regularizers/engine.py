"""What Keras does with a regularizer's penalty during training.

Shown on guide/regularizers.md. Run it as a script to check it.
"""

# --8<-- [start:added-to-loss]
import keras
import numpy as np
from keras import ops

x = np.array([[1, 2, 3], [0, 1, -1], [2, 0, 1], [1, 1, 1]], "float32")
y = np.array([[1], [0], [2], [1]], "float32")


def make_model(regularizer):
    """One Dense unit whose three kernel weights start at 0.5."""
    model = keras.Sequential(
        [
            keras.Input(shape=(3,)),
            keras.layers.Dense(
                1,
                kernel_initializer=keras.initializers.Constant(0.5),
                kernel_regularizer=regularizer,
            ),
        ]
    )
    model.compile(
        optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mse"]
    )
    return model


model = make_model(keras.regularizers.L1(0.1))
scores = model.evaluate(x, y, verbose=0, return_dict=True)
penalty = model.losses[0]  # 0.1 * (0.5 + 0.5 + 0.5)

print("loss:", round(scores["loss"], 4))
print("mse: ", round(scores["mse"], 4))
print("penalty:", round(float(penalty), 4))
# --8<-- [end:added-to-loss]
data_loss = keras.losses.MeanSquaredError()(y, model(x))
assert np.isclose(scores["mse"], float(data_loss))
assert np.isclose(scores["loss"], float(data_loss) + float(penalty))
assert np.isclose(float(penalty), 0.15)

# --8<-- [start:every-read]
model.layers[0].kernel.assign(np.ones((3, 1)))  # no forward pass
print("penalty:", round(float(model.losses[0]), 4))  # 0.1 * 3
# --8<-- [end:every-read]
assert np.isclose(float(model.losses[0]), 0.3)

# --8<-- [start:every-step]
calls = keras.Variable(0, dtype="int32", trainable=False)  # (1)!
l1 = keras.regularizers.L1(0.1)


def counted_l1(weights):
    """L1(0.1) that counts how often Keras asks for it."""
    calls.assign_add(1)
    return l1(weights)


model = make_model(counted_l1)
model.fit(x, y, batch_size=1, epochs=1, verbose=0)  # 4 batches
print("steps:", int(model.optimizer.iterations))
print("penalty computed:", int(calls))
# --8<-- [end:every-step]
# On JAX the train step is a pure function of the model's own variables: the
# assignment to `calls`, which the model does not own, is lost.
on_tensorflow = keras.backend.backend() == "tensorflow"
assert int(model.optimizer.iterations) == 4
assert int(calls) == (4 if on_tensorflow else 0)

# --8<-- [start:trainable-only]
model = make_model(keras.regularizers.L1(0.1))
print("trainable:", len(model.losses), "penalty")
model.layers[0].trainable = False
print("frozen:", len(model.losses), "penalties")
print("loss:", round(model.evaluate(x, y, verbose=0)[0], 4))
# --8<-- [end:trainable-only]
assert model.losses == []
assert np.isclose(model.evaluate(x, y, verbose=0)[0], float(data_loss))


# --8<-- [start:non-trainable-weight]
class Offset(keras.layers.Layer):
    """Adds a non-trainable weight that carries a regularizer."""

    def build(self, input_shape):
        self.offset = self.add_weight(
            shape=(1,),
            initializer="ones",
            regularizer=keras.regularizers.L1(1.0),  # never called
            trainable=False,
        )

    def call(self, inputs):
        return inputs + self.offset


offset = Offset()
offset(np.ones((1, 1), "float32"))
print("regularizer set:", offset.offset.regularizer is not None)
print("penalties:", len(offset.losses))
# --8<-- [end:non-trainable-weight]
# conformance: Offset() ~ ref(lambda x: x + 1.0)
assert offset.losses == []  # the regularizer is silently ignored

# --8<-- [start:activity]
dense = keras.layers.Dense(
    2,
    kernel_initializer="ones",
    activity_regularizer=keras.regularizers.L2(0.01),
)
for batch_size in (4, 2):
    outputs = dense(np.ones((batch_size, 3), "float32"))  # all 3.0
    full = 0.01 * ops.sum(ops.square(outputs))
    print(
        f"batch of {batch_size}:",
        f"L2 of the outputs {round(float(full), 4)},",
        f"in losses {round(float(dense.losses[0]), 4)}",
    )
# --8<-- [end:activity]
assert len(dense.losses) == 1  # replaced at each call, not accumulated
assert np.isclose(float(dense.losses[0]), float(full) / 2)
