"""A Keras 2 train_step() in Keras 3: compiled_loss and compiled_metrics.

Shown on guide/customizing-fit.md. Run it as a script to check it.
"""

# keras-a-medida: needs-tensorflow

# --8<-- [start:keras2-step]
import warnings

import keras
import numpy as np
import tensorflow as tf


class BrokenKeras2Model(keras.Model):
    def train_step(self, data):  # as Keras 2 tutorials wrote it
        x, y = data
        with tf.GradientTape() as tape:
            y_pred = self(x, training=True)
            loss = self.compiled_loss(
                y, y_pred, regularization_losses=self.losses
            )
        gradients = tape.gradient(loss, self.trainable_variables)
        self.optimizer.apply_gradients(
            zip(gradients, self.trainable_variables, strict=True)
        )
        self.compiled_metrics.update_state(y, y_pred)
        return {m.name: m.result() for m in self.metrics}


inputs = keras.Input(shape=(1,))
dense = keras.layers.Dense(1, kernel_initializer="ones")
model = BrokenKeras2Model(inputs, dense(inputs))  # predicts x: 1, 2, 3, 4
model.compile(optimizer=keras.optimizers.SGD(0.0), loss="mse", metrics=["mae"])
x = np.array([[1.0], [2.0], [3.0], [4.0]])
y = 2 * x + 1  # 3, 5, 7, 9

with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    history = model.fit(x, y, epochs=2, batch_size=2, verbose=0)
print(history.history)
print(model.evaluate(x, y, verbose=0, return_dict=True))
for text in sorted({str(w.message).split(". ")[0] for w in caught}):
    print(text)
# --8<-- [end:keras2-step]
assert history.history["loss"] == [2.5, 2.5]  # the mean of the predictions
assert float(np.mean(model.predict(x, verbose=0))) == 2.5
assert model.evaluate(x, y, verbose=0, return_dict=True)["loss"] == 13.5
assert len(caught) >= 2

# The weights still train as with Keras's own train_step: only the logs lie.
trained = {}
for model_class in [keras.Model, BrokenKeras2Model]:
    keras.utils.set_random_seed(0)
    inputs = keras.Input(shape=(1,))
    trained_model = model_class(inputs, keras.layers.Dense(1)(inputs))
    trained_model.compile(optimizer=keras.optimizers.SGD(0.01), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        trained_model.fit(x, y, epochs=2, batch_size=2, verbose=0)
    trained[model_class] = trained_model.get_weights()
for a, b in zip(trained[keras.Model], trained[BrokenKeras2Model], strict=True):
    assert np.array_equal(a, b)
