"""A train_step() and test_step() for the JAX backend, checked against fit().

Shown on guide/customizing-fit-jax.md, whose blocks run on JAX. Run it as a
script with KERAS_BACKEND=jax to check it (stateless_apply() refuses to run
on TensorFlow: guide/customizing-fit.md shows it). Written from
keras/src/backend/jax/trainer.py.
"""

# keras-a-medida: needs-jax

import keras

if keras.backend.backend() != "jax":
    raise SystemExit(
        f"{__file__}: this module targets the JAX backend; run it with "
        f"KERAS_BACKEND=jax (this process uses {keras.backend.backend()!r})"
    )

# --8<-- [start:jax-step]
import jax
import keras
import numpy as np
from keras import ops


@keras.saving.register_keras_serializable(package="keras_a_medida.fit")
class JaxStepModel(keras.Model):
    """fit() and evaluate() pass the state in and take the new state back."""

    def loss_and_updates(
        self,
        trainable,
        non_trainable,
        metrics_vars,
        optimizer_vars,
        x,
        y,
        sample_weight,
        training,
    ):
        y_pred, non_trainable = self.stateless_call(  # (1)!
            trainable, non_trainable, x, training=training
        )
        loss, (_, non_trainable, metrics_vars) = self.stateless_compute_loss(
            trainable,
            non_trainable,
            metrics_vars,
            x=x,
            y=y,
            y_pred=y_pred,
            sample_weight=sample_weight,
            training=training,
        )
        scaled_loss = loss
        if training:  # mixed_float16: scale with the optimizer's scale
            mapping = list(
                zip(self.optimizer.variables, optimizer_vars, strict=True)
            )
            with keras.StatelessScope(state_mapping=mapping):
                scaled_loss = self.optimizer.scale_loss(loss)
        return scaled_loss, (loss, y_pred, non_trainable, metrics_vars)

    def train_step(self, state, data):  # (2)!
        trainable, non_trainable, optimizer_vars, metrics_vars = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        grad_fn = jax.value_and_grad(self.loss_and_updates, has_aux=True)
        (_, aux), gradients = grad_fn(
            trainable,
            non_trainable,
            metrics_vars,
            optimizer_vars,
            x,
            y,
            sample_weight,
            True,
        )
        loss, y_pred, non_trainable, metrics_vars = aux
        trainable, optimizer_vars = self.optimizer.stateless_apply(  # (3)!
            optimizer_vars, gradients, trainable
        )
        logs, metrics_vars = self.log_batch(
            metrics_vars, loss, x, y, y_pred, sample_weight
        )
        return logs, (trainable, non_trainable, optimizer_vars, metrics_vars)

    def test_step(self, state, data):
        trainable, non_trainable, metrics_vars = state
        x, y, sample_weight = keras.utils.unpack_x_y_sample_weight(data)
        _, aux = self.loss_and_updates(
            trainable,
            non_trainable,
            metrics_vars,
            None,
            x,
            y,
            sample_weight,
            False,
        )
        loss, y_pred, non_trainable, metrics_vars = aux
        logs, metrics_vars = self.log_batch(
            metrics_vars, loss, x, y, y_pred, sample_weight
        )
        return logs, (trainable, non_trainable, metrics_vars)

    def log_batch(self, metrics_vars, loss, x, y, y_pred, sample_weight):
        mapping = list(zip(self.metrics_variables, metrics_vars, strict=True))
        with keras.StatelessScope(state_mapping=mapping) as scope:  # (4)!
            for metric in self.metrics:
                if metric.name == "loss":
                    metric.update_state(loss, sample_weight=ops.shape(x)[0])
            logs = self.compute_metrics(x, y, y_pred, sample_weight)
        new_vars = []
        for variable, old_value in zip(
            self.metrics_variables, metrics_vars, strict=True
        ):
            value = scope.get_current_value(variable)
            new_vars.append(old_value if value is None else value)
        return logs, new_vars


# --8<-- [end:jax-step]
# conformance: JaxStepModel ~ pending(JAX only; the conformance test runs TF)


# --8<-- [start:jax-same-as-builtin]
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
for model_class in [keras.Model, JaxStepModel]:
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
print(histories["Model"] == histories["JaxStepModel"])
print(sorted(histories["JaxStepModel"]))
# --8<-- [end:jax-same-as-builtin]
assert histories["Model"] == histories["JaxStepModel"]
assert histories["JaxStepModel"]["loss"][0] > 0
trained = []
for model_class in [keras.Model, JaxStepModel]:  # seeded, then shuffled alike
    trained.append(compiled(model_class))
    trained[-1].fit(
        x, y, sample_weight=weights, epochs=2, batch_size=2, verbose=0
    )
builtin, custom = trained
for a, b in zip(builtin.get_weights(), custom.get_weights(), strict=True):
    assert np.array_equal(a, b)
assert builtin.evaluate(x, y, verbose=0) == custom.evaluate(x, y, verbose=0)
