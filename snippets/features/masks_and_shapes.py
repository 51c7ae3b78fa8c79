"""Masks and output shapes in a custom layer.

Shown on guide/layer-features.md. Run it as a script to check it.
"""

# --8<-- [start:mask-dropped]
import warnings

import keras
import numpy as np


class BrokenDouble(keras.layers.Layer):
    """2 * inputs; element-wise, so a mask could pass through unchanged."""

    def call(self, inputs):
        return inputs * 2.0


tokens = np.array([[3, 1, 0, 0]])  # 0 is padding
embed = keras.layers.Embedding(5, 2, mask_zero=True)
print(keras.ops.convert_to_numpy(embed.compute_mask(tokens)).tolist())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    doubled = BrokenDouble()(embed(tokens))
print(getattr(doubled, "_keras_mask", None))
warning = caught[-1]
print(f"{warning.category.__name__}: {str(warning.message).split('. ')[1]}")
# --8<-- [end:mask-dropped]


# --8<-- [start:supports-masking]
class Double(BrokenDouble):
    """The same layer, declaring that the mask passes through."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True  # (1)!


mask = Double()(embed(tokens))._keras_mask
print(keras.ops.convert_to_numpy(mask).tolist())
# --8<-- [end:supports-masking]
# conformance: Double() ~ ref(lambda x: 2.0 * x)
assert keras.ops.convert_to_numpy(mask).tolist() == [
    [True, True, False, False]
]


# --8<-- [start:compute-mask]
class DropFirst(keras.layers.Layer):
    """Drop the first time step; the mask must lose it too."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True

    def call(self, inputs, mask=None):
        return inputs[:, 1:]

    def compute_mask(self, inputs, mask=None):
        return None if mask is None else mask[:, 1:]


out = DropFirst()(embed(tokens))
print(tuple(out.shape), keras.ops.convert_to_numpy(out._keras_mask).tolist())
# --8<-- [end:compute-mask]
# conformance: DropFirst() ~ ref(lambda x: x[:, 1:], input_shape=(3, 2))


# --8<-- [start:unbuilt-state]
class BrokenProject(keras.layers.Layer):
    """A Dense sublayer, scaled by one over the batch size."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        batch = int(inputs.shape[0])  # None while Keras traces call()
        return self.dense(inputs) / batch


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    layer = BrokenProject(3)
    try:
        keras.Sequential([keras.Input((4,)), layer])
    except Exception as error:  # a TypeError on TensorFlow
        cause = str(error).split("\x1b[1m")[1].split("\x1b[0m")[0]
        head, _, original = cause.partition(" Error encountered:\n\n")
        print(f"{type(error).__name__}: {head.split(' of ')[0]}")  # (1)!
        print(original.splitlines()[0])
warning = next(w for w in caught if "unbuilt state" in str(w.message))
text = str(warning.message).partition("' ")[2]  # without the layer name
print(f"{warning.category.__name__}: {text.split('. ')[0]}")
print(layer.built, layer.dense.built)
# --8<-- [end:unbuilt-state]


# --8<-- [start:output-shape]
class Project(BrokenProject):
    """BrokenProject with a build() and an output shape Keras can read."""

    def build(self, input_shape):
        self.dense.build(input_shape)

    def compute_output_shape(self, input_shape):
        return self.dense.compute_output_shape(input_shape)

    def call(self, inputs):
        batch = keras.ops.shape(inputs)[0]  # (1)!
        return self.dense(inputs) / keras.ops.cast(batch, self.compute_dtype)


model = keras.Sequential([keras.Input((4,)), Project(3)])
print(model.output_shape, len(model.weights))
print(tuple(model(np.ones((2, 4))).shape))
# --8<-- [end:output-shape]
# conformance: Project(3) ~ ref(
#     lambda x, w: (x @ w[0] + w[1]) / len(x), input_shape=(4,)
#     )
assert len(model.weights) == 2

# Not shown: with BrokenProject's call(), a compiled fit() whose last batch
# is smaller fails on TensorFlow, which traces that batch with an unknown size.


class BrokenIntProject(Project):
    call = BrokenProject.call


for layer_class in [BrokenIntProject, Project]:
    fitted = keras.Sequential([keras.Input((4,)), layer_class(3)])
    fitted.compile(optimizer="sgd", loss="mse")
    try:
        fitted.fit(np.ones((5, 4)), np.ones((5, 3)), batch_size=2, verbose=0)
        failed = False
    except TypeError:
        failed = True
    tensorflow = keras.backend.backend() == "tensorflow"
    assert failed == (tensorflow and layer_class is BrokenIntProject)
