"""A Keras 3 train_step() and test_step(), checked against fit().

Shown on guide/customizing-fit.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:keras3-step]
import tempfile
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.fit")
class StepModel(keras.Model):
    """A Functional model whose fit() and evaluate() run these steps."""

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(  # (1)!
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight
            )
            scaled_loss = self.optimizer.scale_loss(loss)  # (2)!
        weights = self.trainable_variables
        gradients = tape.gradient(scaled_loss, weights)
        self.optimizer.apply(gradients, weights)  # (3)!
        return self.log_batch(loss, x, y, y_pred, sample_weight)

    def test_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        y_pred = self(x, training=False)
        loss = self.compute_loss(
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=False,
        )
        return self.log_batch(loss, x, y, y_pred, sample_weight)

    def log_batch(self, loss, x, y, y_pred, sample_weight):
        for metric in self.metrics:
            if metric.name == "loss":  # (4)!
                metric.update_state(loss, sample_weight=ops.shape(x)[0])
        return self.compute_metrics(x, y, y_pred, sample_weight)  # (5)!


# --8<-- [end:keras3-step]
# conformance[fit]: StepModel ~ keras.Model


# --8<-- [start:same-as-builtin]
def compiled(model_class):
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(1,))
    outputs = keras.layers.Dense(1)(inputs)
    model = model_class(inputs, outputs)
    model.compile(
        optimizer=keras.optimizers.SGD(0.01), loss="mse", metrics=["mae"]
    )
    return model


x = np.array([[1.0], [2.0], [3.0], [4.0], [5.0]])
y = 2 * x[:, 0] + 1  # 1-D targets, shape (5,)
weights = np.array([1.0, 1.0, 0.0, 1.0, 2.0])
histories = {}
for model_class in [keras.Model, StepModel]:
    model = compiled(model_class)
    history = model.fit(
        x,
        y,
        sample_weight=weights,
        validation_data=(x, y),
        epochs=2,
        batch_size=2,
        verbose=0,
    )
    histories[model_class.__name__] = history.history
    print(model_class.__name__, [round(v, 4) for v in history.history["loss"]])
print(histories["Model"] == histories["StepModel"])
print(sorted(histories["StepModel"]))
# --8<-- [end:same-as-builtin]
assert histories["Model"] == histories["StepModel"]
builtin, custom = compiled(keras.Model), compiled(StepModel)
for each in (builtin, custom):
    each.fit(x, y, sample_weight=weights, epochs=2, batch_size=2, verbose=0)
for a, b in zip(builtin.get_weights(), custom.get_weights(), strict=True):
    assert np.array_equal(a, b)
assert builtin.evaluate(x, y, verbose=0) == custom.evaluate(x, y, verbose=0)


# --8<-- [start:no-tracker]
class BrokenSilentLossModel(keras.Model):
    """The Keras 3 step without the loss tracker; evaluate() is Keras's."""

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(
                x=x, y=y, y_pred=y_pred, sample_weight=sample_weight
            )
        weights = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, weights), weights)
        return self.compute_metrics(x, y, y_pred, sample_weight)


model = compiled(BrokenSilentLossModel)
history = model.fit(x, y, epochs=2, batch_size=2, verbose=0)
print(history.history["loss"])
print(round(model.evaluate(x, y, verbose=0, return_dict=True)["loss"], 4))
# --8<-- [end:no-tracker]
assert history.history["loss"] == [0.0, 0.0]
assert history.history["mae"][0] > 0
assert model.evaluate(x, y, verbose=0)[0] > 0


# --8<-- [start:compute-loss-only]
class PenalizedModel(keras.Model):
    """Adds a penalty on the size of the predictions to the compiled loss."""

    def compute_loss(
        self, x=None, y=None, y_pred=None, sample_weight=None, training=True
    ):
        loss = super().compute_loss(
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=training,
        )
        penalty = ops.mean(ops.square(ops.cast(y_pred, loss.dtype)))  # (1)!
        return loss + 0.1 * penalty


model = compiled(PenalizedModel)
history = model.fit(x, y, epochs=2, batch_size=5, verbose=0)
print([round(v, 4) for v in history.history["loss"]])

y_pred = model.predict(x, verbose=0)
by_hand = np.mean((y_pred[:, 0] - y) ** 2) + 0.1 * np.mean(y_pred**2)
print(round(model.evaluate(x, y, verbose=0)[0], 4), round(float(by_hand), 4))
# --8<-- [end:compute-loss-only]
# The twin's penalty is an activity regularizer, which Keras divides by the
# batch size. It returns float32: under mixed_float16 a float16 penalty
# cannot be added to the float32 loss on TensorFlow (a Pack error, with
# keras.regularizers.L2 too).
# conformance[fit]: PenalizedModel ~ ref(
#     keras.Model,
#     dense={
#         "activity_regularizer": lambda p: 0.1
#         * ops.sum(ops.square(ops.cast(p, "float32")))
#     },
#     )
assert history.history["loss"][0] > history.history["loss"][1] > 0
assert np.isclose(model.evaluate(x, y, verbose=0)[0], by_hand, rtol=1e-5)
unpenalized = compiled(keras.Model)
plain = unpenalized.fit(x, y, epochs=2, batch_size=5, verbose=0)
assert plain.history["loss"][0] < history.history["loss"][0]


# --8<-- [start:mixed-precision]
class BrokenUnscaledModel(StepModel):
    """The same step, without optimizer.scale_loss()."""

    def train_step(self, data):
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compute_loss(x=x, y=y, y_pred=y_pred)
        weights = self.trainable_variables
        self.optimizer.apply(tape.gradient(loss, weights), weights)
        return self.log_batch(loss, x, y, y_pred, sample_weight)


def kernel_after_one_step(model_class):
    keras.config.set_dtype_policy("mixed_float16")
    try:
        inputs = keras.Input(shape=(1,))
        dense = keras.layers.Dense(1, kernel_initializer="zeros")
        model = model_class(inputs, dense(inputs))
    finally:
        keras.config.set_dtype_policy("float32")  # (1)!
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    small_x = np.array([[0.1], [0.2], [0.3], [0.4]])
    model.fit(small_x, np.full((4,), 0.5), epochs=1, verbose=0)
    return type(model.optimizer).__name__, float(dense.kernel[0, 0])


for model_class in [keras.Model, StepModel, BrokenUnscaledModel]:
    optimizer_name, kernel = kernel_after_one_step(model_class)
    print(model_class.__name__, optimizer_name, f"{kernel:.3g}")
# --8<-- [end:mixed-precision]
assert keras.config.dtype_policy().name == "float32"
scaled = {c: kernel_after_one_step(c) for c in [keras.Model, StepModel]}
assert scaled[keras.Model] == scaled[StepModel]
assert np.isclose(scaled[StepModel][1], 0.025)  # 0.1 * mean(2 * 0.5 * x)
_, unscaled = kernel_after_one_step(BrokenUnscaledModel)
assert np.isclose(unscaled * 2**15, 0.025)  # divided by the loss scale

# --8<-- [start:save]
model = compiled(StepModel)
model.fit(x, y, epochs=1, batch_size=2, verbose=0)
path = Path(tempfile.mkdtemp()) / "step_model.keras"
model.save(path)
reloaded = keras.models.load_model(path)

print(type(reloaded).__name__)
more = [
    m.fit(x, y, epochs=1, batch_size=2, verbose=0) for m in (model, reloaded)
]
print(more[0].history == more[1].history)
# --8<-- [end:save]
assert type(reloaded) is StepModel
assert more[0].history == more[1].history
assert more[0].history["loss"][0] > 0
