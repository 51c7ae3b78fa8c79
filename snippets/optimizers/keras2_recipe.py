"""What happens to a Keras 2 optimizer recipe under Keras 3.

Shown on guide/optimizers.md. Run it as a script to check it.
"""

# --8<-- [start:keras2-constructor]
import traceback

import keras
import numpy as np


class BrokenKeras2Momentum(keras.optimizers.Optimizer):
    """The constructor of an OptimizerV2 (tf.keras <= 2.10) optimizer."""

    def __init__(self, learning_rate=0.01, momentum=0.9, name="k2", **kw):
        super().__init__(name, **kw)
        self._set_hyper("learning_rate", learning_rate)
        self._set_hyper("momentum", momentum)


try:
    BrokenKeras2Momentum(learning_rate=0.05)
except ValueError as error:
    print("ValueError:", str(error).split(",")[0])
    print(str(error).rpartition("Received instead: ")[2])
# --8<-- [end:keras2-constructor]


# --8<-- [start:keras2-set-hyper]
class BrokenKeras2Momentum(keras.optimizers.Optimizer):
    """The same constructor, with the learning rate passed by keyword."""

    def __init__(self, learning_rate=0.01, momentum=0.9, name="k2", **kw):
        super().__init__(learning_rate=learning_rate, name=name, **kw)
        self._set_hyper("momentum", momentum)


try:
    BrokenKeras2Momentum(learning_rate=0.05)
except AttributeError as error:
    print("AttributeError:", error)

keras2_methods = [
    "_set_hyper",
    "_get_hyper",
    "_create_slots",
    "add_slot",
    "get_slot",
    "_resource_apply_dense",
]
print([m for m in keras2_methods if hasattr(keras.optimizers.Optimizer, m)])
# --8<-- [end:keras2-set-hyper]


# --8<-- [start:keras2-apply]
class BrokenKeras2Momentum(keras.optimizers.Optimizer):
    """Keras 3 constructor, Keras 2 slots and update rule."""

    def __init__(self, learning_rate=0.01, momentum=0.9, name="k2", **kw):
        super().__init__(learning_rate=learning_rate, name=name, **kw)
        self.momentum = momentum

    def _create_slots(self, var_list):
        for var in var_list:
            self.add_slot(var, "momentum")

    def _resource_apply_dense(self, grad, var, apply_state=None):
        m = self.get_slot(var, "momentum")
        m.assign(self.momentum * m - self.learning_rate * grad)
        var.assign_add(m)


optimizer = BrokenKeras2Momentum(learning_rate=0.05)
model = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(1)])
model.compile(optimizer=optimizer, loss="mse")
try:
    model.fit(np.ones((4, 3)), np.ones((4, 1)), verbose=0)
except NotImplementedError as error:
    raised_in = traceback.extract_tb(error.__traceback__)[-1].name
    print(f"{type(error).__name__}: (no message) raised in {raised_in}")
print([variable.name for variable in optimizer.variables])
# --8<-- [end:keras2-apply]
assert raised_in == "update_step"
assert len(optimizer.variables) == 2
