"""Masks and output shapes in a custom layer.

Shown on guide/layer-features.md. Run it as a script to check it.
"""

# --8<-- [start:mask-dropped]
import warnings

import keras
import numpy as np


class Double(keras.layers.Layer):
    """2 * inputs; element-wise, so a mask could pass through unchanged."""

    def call(self, inputs):
        return inputs * 2.0


tokens = np.array([[3, 1, 0, 0]])  # 0 is padding
embed = keras.layers.Embedding(5, 2, mask_zero=True)
print(keras.ops.convert_to_numpy(embed.compute_mask(tokens)).tolist())
with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    doubled = Double()(embed(tokens))
print(getattr(doubled, "_keras_mask", None))
warning = caught[-1]
print(f"{warning.category.__name__}: {str(warning.message).split('. ')[1]}")
# --8<-- [end:mask-dropped]
# conformance: Double ~ pending(issue 16: twin not yet declared)


# --8<-- [start:supports-masking]
class Double(Double):
    """The same layer, declaring that the mask passes through."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.supports_masking = True  # (1)!


mask = Double()(embed(tokens))._keras_mask
print(keras.ops.convert_to_numpy(mask).tolist())
# --8<-- [end:supports-masking]
# conformance: Double ~ pending(issue 16: twin not yet declared)
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
# conformance: DropFirst ~ pending(issue 16: twin not yet declared)


# --8<-- [start:unbuilt-state]
class Project(keras.layers.Layer):
    """A Dense sublayer, scaled by one over the batch size."""

    def __init__(self, units, **kwargs):
        super().__init__(**kwargs)
        self.dense = keras.layers.Dense(units)

    def call(self, inputs):
        batch = int(inputs.shape[0])  # None while Keras traces call()
        return self.dense(inputs) / batch


with warnings.catch_warnings(record=True) as caught:
    warnings.simplefilter("always")
    layer = Project(3)
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
# conformance: Project ~ pending(issue 16: twin not yet declared)


# --8<-- [start:output-shape]
class Project(Project):
    """Project with a build() and an output shape Keras can read."""

    def build(self, input_shape):
        self.dense.build(input_shape)

    def compute_output_shape(self, input_shape):
        return self.dense.compute_output_shape(input_shape)


model = keras.Sequential([keras.Input((4,)), Project(3)])
print(model.output_shape, len(model.weights))
print(tuple(model(np.ones((2, 4))).shape))
# --8<-- [end:output-shape]
# conformance: Project ~ pending(issue 16: twin not yet declared)
assert len(model.weights) == 2
