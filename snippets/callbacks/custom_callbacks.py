"""Custom callbacks: the hooks, the logs, stop_training, early stopping.

Shown on guide/callbacks.md. Run it as a script to check it.
"""

# --8<-- [start:order]
import warnings

import keras
import numpy as np


class HookOrder(keras.callbacks.Callback):
    """Records some of the hooks that fit() calls, in order."""

    def __init__(self):
        super().__init__()
        self.calls = []

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append(f"epoch_begin {epoch}")

    def on_train_batch_end(self, batch, logs=None):
        self.calls.append(f"train_batch_end {batch}")

    def on_test_end(self, logs=None):
        self.calls.append("test_end")

    def on_epoch_end(self, epoch, logs=None):
        self.calls.append(f"epoch_end {epoch}")


def new_model(learning_rate=0.05):
    keras.utils.set_random_seed(0)
    dense = keras.layers.Dense(1, kernel_initializer="zeros")
    model = keras.Sequential([keras.Input(shape=(1,)), dense])
    model.compile(
        optimizer=keras.optimizers.SGD(learning_rate),
        loss="mse",
        metrics=[huber_2],
    )
    return model


@keras.saving.register_keras_serializable(package="keras_a_medida.callbacks")
def huber_2(y_true, y_pred):
    """A function metric: the Huber value of each sample, threshold 2."""
    return keras.losses.huber(y_true, y_pred, delta=2.0)


x = np.linspace(0.0, 1.0, 8).reshape(-1, 1)
y = 3.0 * x[:, 0] + 1.0  # 1-D targets
x_val, y_val = x[::3] + 0.05, y[::3] + 0.15

order = HookOrder()
new_model().fit(
    x,
    y,
    batch_size=4,
    validation_data=(x_val, y_val),
    callbacks=[order],
    verbose=0,
)
print(" > ".join(order.calls))
# --8<-- [end:order]
# conformance[metric]: huber_2 ~
#     keras.metrics.MeanMetricWrapper(keras.losses.huber, delta=2.0)
assert order.calls.index("test_end") < order.calls.index("epoch_end 0")
assert len(order.calls) == 5


# evaluate() and predict() call hooks around the run and each batch, and no
# epoch hook: those are fit()'s (the home page's table).
class OtherRuns(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.calls = []

    def on_test_begin(self, logs=None):
        self.calls.append("test_begin")

    def on_test_batch_end(self, batch, logs=None):
        self.calls.append("test_batch")

    def on_predict_begin(self, logs=None):
        self.calls.append("predict_begin")

    def on_predict_batch_end(self, batch, logs=None):
        self.calls.append("predict_batch")

    def on_epoch_begin(self, epoch, logs=None):
        self.calls.append("epoch")


other = OtherRuns()
evaluated = new_model()
evaluated.evaluate(x, y, batch_size=4, callbacks=[other], verbose=0)
evaluated.predict(x, batch_size=4, callbacks=[other], verbose=0)
assert other.calls == [
    "test_begin",
    *["test_batch"] * 2,
    "predict_begin",
    *["predict_batch"] * 2,
], other.calls


# Every step reads each metric's result(): the logs of every batch hold it
# (the home page's table).
class BatchLogs(keras.callbacks.Callback):
    def __init__(self):
        super().__init__()
        self.keys = []

    def on_train_batch_end(self, batch, logs=None):
        self.keys.append(sorted(logs))


batch_logs = BatchLogs()
new_model().fit(x, y, batch_size=4, callbacks=[batch_logs], verbose=0)
assert batch_logs.keys == [["huber_2", "loss"]] * 2, batch_logs.keys


# --8<-- [start:logs]
class EpochSummary(keras.callbacks.Callback):
    """Keeps the epoch's logs and the optimizer's step count."""

    def __init__(self):
        super().__init__()
        self.rows = []

    def on_epoch_end(self, epoch, logs=None):
        steps = int(self.model.optimizer.iterations)  # (1)!
        rounded = {key: round(value, 4) for key, value in logs.items()}
        self.rows.append((epoch, steps, rounded))


summary = EpochSummary()
new_model().fit(
    x,
    y,
    batch_size=4,
    shuffle=False,
    epochs=2,
    validation_data=(x_val, y_val),
    callbacks=[summary],
    verbose=0,
)
for row in summary.rows:
    print(*row)
# --8<-- [end:logs]
assert [steps for _, steps, _ in summary.rows] == [2, 4]
assert sorted(summary.rows[0][2]) == [
    "huber_2",
    "loss",
    "val_huber_2",
    "val_loss",
]


# --8<-- [start:stop-training]
class StopBelow(keras.callbacks.Callback):
    """Stops fit() once a logged value falls below a threshold."""

    def __init__(self, monitor, threshold):
        super().__init__()
        if not isinstance(monitor, str) or not monitor:
            raise ValueError(f"monitor must be a log name, got {monitor!r}")
        self.monitor = monitor
        self.threshold = float(threshold)

    def on_epoch_end(self, epoch, logs=None):
        if self.monitor not in logs:
            raise KeyError(
                f"StopBelow: no {self.monitor!r} in the logs; "
                f"they hold {sorted(logs)}"
            )
        if logs[self.monitor] < self.threshold:
            self.model.stop_training = True  # (1)!


history = new_model(learning_rate=0.3).fit(
    x,
    y,
    batch_size=4,
    shuffle=False,
    epochs=20,
    validation_data=(x_val, y_val),
    callbacks=[StopBelow("val_huber_2", 0.05)],
    verbose=0,
)
print(
    len(history.epoch), [round(v, 3) for v in history.history["val_huber_2"]]
)

try:
    new_model().fit(
        x, y, epochs=1, callbacks=[StopBelow("val_huber", 0.05)], verbose=0
    )
except KeyError as error:
    print(error.args[0])
# --8<-- [end:stop-training]
assert history.history["val_huber_2"][-1] < 0.05
assert all(v >= 0.05 for v in history.history["val_huber_2"][:-1])
assert len(history.epoch) < 20


# --8<-- [start:early-stopping-auto]
early = keras.callbacks.EarlyStopping(monitor="val_huber_2", patience=1)
try:
    new_model().fit(
        x,
        y,
        epochs=3,
        validation_data=(x_val, y_val),
        callbacks=[early],
        verbose=0,
    )
except ValueError as error:
    print(str(error).split(". ")[0])
# --8<-- [end:early-stopping-auto]
assert early.monitor_op is None


# --8<-- [start:early-stopping]
early = keras.callbacks.EarlyStopping(
    monitor="val_huber_2", mode="min", patience=1, restore_best_weights=True
)
model = new_model(learning_rate=0.8)  # large: the fit overshoots
history = model.fit(
    x,
    y,
    epochs=10,
    validation_data=(x_val, y_val),
    callbacks=[early],
    verbose=0,
)
print([round(v, 3) for v in history.history["val_huber_2"]])
print(early.stopped_epoch, early.best_epoch)
restored = model.evaluate(x_val, y_val, verbose=0, return_dict=True)
print(round(restored["huber_2"], 3))
# --8<-- [end:early-stopping]
assert round(restored["huber_2"], 3) == round(
    min(history.history["val_huber_2"]), 3
)
assert early.stopped_epoch < 9


# --8<-- [start:monitor-typo]
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    history = new_model(learning_rate=1.1).fit(
        x,
        y,
        batch_size=4,
        epochs=4,
        validation_data=(x_val, y_val),
        callbacks=[
            keras.callbacks.EarlyStopping(monitor="val_huber", mode="min")
        ],
        verbose=0,
    )
print(len(history.epoch))
print(str(caught[0].message).split(". ")[0])
# --8<-- [end:monitor-typo]
assert len(history.epoch) == 4
typo_warnings = [w for w in caught if "val_huber`" in str(w.message)]
assert len(typo_warnings) == 4  # one per epoch
