r"""`keras.activations` rebuilt from TensorFlow ops (`tf.where`, `tf.maximum`, `tf.exp`, ...).

The same functions, formulas and lookup rules as `course_lib.numpy.activations`
(read its docstrings for the math); `sigmoid`, `softplus` and `softmax` come
from the stable `course_lib.tf.nn`. Every function here is differentiable
with `tf.GradientTape` and works inside `tf.function`, so it can be a layer's
activation in `fit`: `keras.layers.Dense(3, activation=activations.relu)`.

The functions are registered with Keras (package "course_lib"), so a layer's
`get_config()` names them `"course_lib>relu"` and `from_config` finds them again.
Integer input to anything but `relu` and `linear` is computed in float32
(Keras on TensorFlow raises instead).
"""

from .._common import KERAS_ONLY_ACTIVATIONS
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from . import nn
from ._convert import as_float_tensor, convert_to_tensor

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def _register(fn):
    return keras.saving.register_keras_serializable(package="course_lib")(fn)


@_register
def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    r"""$\operatorname{clip}([x>\theta]\,x, 0, M) - \alpha\max(\theta - x, 0)$; plain $\max(x, 0)$ by default.

    See `course_lib.numpy.activations.relu` for the cases (and the kept Keras
    quirk with a negative threshold and a `max_value`).
    """
    x = as_float_tensor(x, "x") if negative_slope != 0.0 else convert_to_tensor(x, name="x")
    zero = tf.zeros_like(x)
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            # Like TF's LeakyRelu op, whose slope is a float32 attribute even for float64 input.
            return tf.where(x > 0, x, tf.cast(negative_slope, x.dtype) * x)
        shifted = tf.cast(threshold, x.dtype) - x if threshold != 0 else -x
        negative_part = tf.maximum(shifted, zero)
    if threshold != 0:
        x = tf.where(x > tf.cast(threshold, x.dtype), x, zero)
    else:
        x = tf.maximum(x, zero)
    if max_value is not None:
        x = tf.clip_by_value(x, zero, tf.cast(max_value, x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


@_register
def sigmoid(x):
    r"""$\sigma(x) = 1/(1+e^{-x})$ via `nn.sigmoid` (no positive exponent)."""
    return nn.sigmoid(x)


@_register
def softplus(x):
    r"""$\log(1+e^{x}) = \max(x,0) + \log(1+e^{-|x|})$ via `nn.softplus`."""
    return nn.softplus(x)


@_register
def softmax(x, axis=-1):
    r"""$e^{x_i}/\sum_j e^{x_j}$ along `axis`, via `nn.softmax`."""
    return nn.softmax(x, axis=axis)


@_register
def exponential(x):
    r"""$e^{x}$."""
    return tf.exp(as_float_tensor(x, "x"))


@_register
def tanh(x):
    r"""$\operatorname{sign}(x)\,(-\operatorname{expm1}(-2|x|))/(1+e^{-2|x|})$: accurate near 0, no overflow."""
    x = as_float_tensor(x, "x")
    negative_double_abs = -2 * tf.abs(x)
    return tf.sign(x) * (-tf.math.expm1(negative_double_abs) / (1 + tf.exp(negative_double_abs)))


@_register
def elu(x, alpha=1.0):
    r"""$x$ for $x>0$, $\alpha(e^{x}-1)$ otherwise, with `expm1` (TF's `Elu` op uses `exp(x) - 1`)."""
    x = as_float_tensor(x, "x")
    return tf.where(x > 0, x, alpha * tf.math.expm1(tf.minimum(x, tf.zeros_like(x))))


@_register
def selu(x):
    r"""$\lambda x$ for $x>0$, $\lambda\alpha(e^{x}-1)$ otherwise (SELU's constants)."""
    x = as_float_tensor(x, "x")
    negative = SELU_ALPHA * tf.math.expm1(tf.minimum(x, tf.zeros_like(x)))
    return SELU_SCALE * tf.where(x > 0, x, negative)


@_register
def linear(x):
    """The identity: returns `x` itself."""
    return x


_ACTIVATIONS = {
    fn.__name__: fn for fn in (relu, sigmoid, softplus, softmax, exponential, tanh, elu, selu, linear)
}



def get(identifier):
    """`None` -> `linear`; a name or Keras config dict -> this module's function; a callable -> itself."""
    if identifier is None:
        return linear
    name = None
    if isinstance(identifier, dict):
        name = identifier.get("config")
    elif isinstance(identifier, str):
        name = identifier
    elif callable(identifier):
        return identifier
    if isinstance(name, str) and name.startswith("course_lib>"):
        name = name[len("course_lib>") :]
    if isinstance(name, str) and name in _ACTIVATIONS:
        return _ACTIVATIONS[name]
    if name in KERAS_ONLY_ACTIVATIONS:
        raise ValueError(
            f"Could not interpret activation function identifier: {identifier!r} "
            f"(Keras has it, but course_lib implements only {sorted(_ACTIVATIONS)})."
        )
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation):
    """The plain name of one of this module's activations (`serialize(relu) == "relu"`)."""
    name = getattr(activation, "__name__", None)
    if name in _ACTIVATIONS and _ACTIVATIONS[name] is activation:
        return name
    raise ValueError(
        f"Unknown activation function '{activation}' cannot be serialized: "
        f"course_lib can serialize only its own activations {sorted(_ACTIVATIONS)}."
    )


def deserialize(config, custom_objects=None):
    """The function for a name or a Keras config dict (the inverse of `serialize`).

    `custom_objects` maps names to your own activation functions, as in Keras.
    """
    if custom_objects and isinstance(config, str) and config in custom_objects:
        return custom_objects[config]
    return get(config)
