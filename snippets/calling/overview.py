"""Which method each kind of Keras component implements.

Shown on guide/call-methods.md. Run it as a script to check it.
"""

# --8<-- [start:who-implements-what]
import keras

METHODS = ("call", "__call__", "update_state", "result")


def implemented(cls, base):
    """Methods among METHODS that `cls` defines below `base`."""
    below_base = cls.__mro__[: cls.__mro__.index(base)]
    return [
        name
        for name in METHODS
        if any(name in vars(klass) for klass in below_base)
    ]


examples = [
    (keras.layers.Dense, keras.layers.Layer),
    (keras.layers.ReLU, keras.layers.Layer),
    (keras.Sequential, keras.Model),
    (keras.losses.MeanSquaredError, keras.losses.Loss),
    (keras.regularizers.L2, keras.regularizers.Regularizer),
    (keras.initializers.GlorotUniform, keras.initializers.Initializer),
    (keras.constraints.NonNeg, keras.constraints.Constraint),
    (keras.metrics.Mean, keras.metrics.Metric),
]
for cls, base in examples:
    methods = ", ".join(implemented(cls, base))
    print(f"{base.__name__:12} {cls.__name__:17} {methods}")

bases = {base for _, base in examples}
print(
    "call() exists on:",
    sorted(b.__name__ for b in bases if hasattr(b, "call")),
)
# --8<-- [end:who-implements-what]
assert [implemented(c, b) for c, b in examples[:4]] == [["call"]] * 4
assert [implemented(c, b) for c, b in examples[4:7]] == [["__call__"]] * 3
assert implemented(*examples[7]) == ["update_state", "result"]
assert {b.__call__.__qualname__ for b in bases} == {
    "Layer.__call__",
    "Loss.__call__",
    "Metric.__call__",
    "Regularizer.__call__",
    "Initializer.__call__",
    "Constraint.__call__",
}
