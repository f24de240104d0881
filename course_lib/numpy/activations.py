r"""`keras.activations` in NumPy: the element-wise non-linearities of a layer.

`keras.layers.Dense(units, activation="relu")` looks its activation up with
`keras.activations.get`: a name (`"relu"`), `None` (meaning `"linear"`) or
any callable. `serialize` goes the other way, from the function to its
name, which is what a layer's `get_config()` stores.

Implemented here: `relu` (with Keras 3's `negative_slope`, `max_value` and
`threshold`), `sigmoid`, `softplus`, `softmax`, `exponential`, `tanh`,
`elu`, `selu` and `linear`. `sigmoid`, `softplus` and `softmax` come from the
numerically stable `course_lib.numpy.nn`.

Keras 2 -> 3: `relu(x, alpha=...)` became `relu(x, negative_slope=...)`.

Unlike Keras on TensorFlow, which raises for integer input to `sigmoid`,
`softplus`, `softmax`, `exponential`, `tanh`, `elu` and `selu`, these
functions compute in float32 for integer input (as `course_lib.numpy.nn` does).
"""

import numpy as np

from .._common import KERAS_ONLY_ACTIVATIONS, keras_cast
from . import nn
from ._convert import as_float_array, convert_to_array

#: SELU's constants (Klambauer et al., 2017): they make zero mean / unit variance a fixed point.
SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def relu(x, negative_slope=0.0, max_value=None, threshold=0.0):
    r"""Rectified linear unit, with Keras's three optional tweaks.

    With the defaults, $\mathrm{relu}(x) = \max(x, 0)$. In general, with
    threshold $\theta$, slope $\alpha$ and ceiling $M$, Keras computes

    $$f(x) = \operatorname{clip}\big([x > \theta]\, x,\ 0,\ M\big) - \alpha\,\max(\theta - x, 0)$$

    ($[x>\theta]\,x$ is $x$ above the threshold and 0 below; without
    `max_value` there is no clipping). So below the threshold the output is
    $-\alpha(\theta - x)$, a line of slope $\alpha$ through $(\theta, 0)$.
    With `negative_slope` alone this is the leaky ReLU $\max(x, \alpha x)$.

    Note a Keras quirk that is kept here: with a *negative* threshold and a
    `max_value`, the values between $\theta$ and 0 are clipped up to 0
    (without `max_value` they pass through unchanged).

    Integer input stays integer (as in Keras) unless `negative_slope` is set.
    """
    x = as_float_array(x, "x") if negative_slope != 0.0 else convert_to_array(x, name="x")
    if negative_slope != 0.0:
        if max_value is None and threshold == 0:
            # TF's LeakyRelu op takes the slope as a float32 attribute, even for float64 input.
            return np.where(x > 0, x, keras_cast(negative_slope, x.dtype) * x)
        negative_part = np.maximum(threshold - x, 0) if threshold != 0 else np.maximum(-x, 0)
    if threshold != 0:
        x = np.where(x > np.asarray(threshold).astype(x.dtype), x, 0).astype(x.dtype, copy=False)
    else:
        x = np.maximum(x, 0)
    if max_value is not None:
        x = np.clip(x, 0, np.asarray(max_value).astype(x.dtype))
    if negative_slope != 0.0:
        x = x - negative_slope * negative_part
    return x


def sigmoid(x):
    r"""$\sigma(x) = 1/(1+e^{-x})$, in the overflow-free form of `nn.sigmoid`."""
    return nn.sigmoid(x)


def softplus(x):
    r"""$\log(1+e^{x}) = \max(x,0) + \log(1+e^{-|x|})$ (see `nn.softplus`); a smooth ReLU."""
    return nn.softplus(x)


def softmax(x, axis=-1):
    r"""$e^{x_i}/\sum_j e^{x_j}$ along `axis`: a probability vector (see `nn.softmax`)."""
    return nn.softmax(x, axis=axis)


def exponential(x):
    r"""$e^{x}$ (overflows to `inf` without a warning, as TensorFlow does)."""
    x = as_float_array(x, "x")
    with np.errstate(over="ignore"):
        return np.exp(x)


def tanh(x):
    r"""$\tanh x = \operatorname{sign}(x)\,\frac{1 - e^{-2|x|}}{1 + e^{-2|x|}}$.

    The numerator is computed as $-\operatorname{expm1}(-2|x|)$, which keeps
    full relative precision for tiny $|x|$ (where $1 - e^{-2|x|}$ would cancel),
    and no exponent is ever positive, so nothing overflows.
    """
    x = as_float_array(x, "x")
    small = np.exp(-2 * np.abs(x))
    return np.sign(x) * (-np.expm1(-2 * np.abs(x)) / (1 + small))


def elu(x, alpha=1.0):
    r"""Exponential linear unit: $x$ for $x > 0$, $\alpha(e^{x} - 1)$ otherwise.

    $e^{x} - 1$ is computed with `expm1`, exact to the last bit near 0;
    TensorFlow's `Elu` op (used by Keras) computes `exp(x) - 1`, so Keras
    gives `elu(-1e-8) == 0` in float32 where this gives `-1e-8`.
    """
    x = as_float_array(x, "x")
    return np.where(x > 0, x, alpha * np.expm1(np.minimum(x, 0))).astype(x.dtype, copy=False)


def selu(x):
    r"""Scaled ELU: $\lambda\,x$ for $x>0$, $\lambda\alpha(e^{x}-1)$ otherwise, with SELU's $\lambda, \alpha$."""
    x = as_float_array(x, "x")
    negative = SELU_ALPHA * np.expm1(np.minimum(x, 0))
    return (SELU_SCALE * np.where(x > 0, x, negative)).astype(x.dtype, copy=False)


def linear(x):
    """The identity: returns `x` itself, unchanged (what `activation=None` means)."""
    return x


_ACTIVATIONS = {
    fn.__name__: fn for fn in (relu, sigmoid, softplus, softmax, exponential, tanh, elu, selu, linear)
}



def get(identifier):
    """The activation function for `identifier`, like `keras.activations.get`.

    - `None` -> `linear`;
    - a name (`"relu"`, case-sensitive) -> this module's function;
    - a dict as stored by Keras (`{"class_name": "function", "config": "relu", ...}`) -> its function;
    - any other callable -> itself.
    """
    if identifier is None:
        return linear
    name = None
    if isinstance(identifier, dict):
        name = identifier.get("config")
    elif isinstance(identifier, str):
        name = identifier
    elif callable(identifier):
        return identifier
    if isinstance(name, str) and name in _ACTIVATIONS:
        return _ACTIVATIONS[name]
    if name in KERAS_ONLY_ACTIVATIONS:
        raise ValueError(
            f"Could not interpret activation function identifier: {identifier!r} "
            f"(Keras has it, but course_lib implements only {sorted(_ACTIVATIONS)})."
        )
    raise ValueError(f"Could not interpret activation function identifier: {identifier!r}")


def serialize(activation):
    """The name of one of this module's activations (`serialize(relu) == "relu"`).

    Keras also serializes arbitrary functions (as a dict naming their module);
    here anything but this module's functions raises a ValueError.
    """
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
