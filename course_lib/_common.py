"""Pieces shared by both reference trees that need nothing but NumPy.

Constants and argument checks live here once, so that `course_lib.numpy`
and `course_lib.tf` reject bad input with the very same message.
"""

import numbers
import re

import numpy as np

#: Keras's fuzz factor (`keras.backend.epsilon()`), used to clip probabilities.
EPSILON = 1e-7

#: Every value Keras 3 accepts for a loss's `reduction` argument.
REDUCTIONS = ("sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None)


def standardize_reduction(reduction):
    """Return `reduction` unchanged if Keras 3 accepts it, else raise.

    Keras 2's `"auto"` (and `Reduction.AUTO`) is gone in Keras 3; the default
    is now `"sum_over_batch_size"`.
    """
    if reduction not in REDUCTIONS:
        hint = ""
        if reduction == "auto":
            hint = ' ("auto" was removed in Keras 3: use "sum_over_batch_size")'
        raise ValueError(
            f"Invalid value for argument `reduction`: {reduction!r}{hint}. "
            f"Expected one of {list(REDUCTIONS)}."
        )
    return reduction


def check_axis(axis, ndim, name="axis"):
    """Return `axis` as a non-negative index into an array of rank `ndim`."""
    if isinstance(axis, bool) or not isinstance(axis, numbers.Integral):
        raise ValueError(f"`{name}` must be an int. Received: {name}={axis!r} of type {type(axis).__name__}")
    if not -ndim <= axis < ndim:
        raise ValueError(f"`{name}`={axis} is out of range for an input of rank {ndim}.")
    return int(axis) % ndim


def check_same_shape(a_shape, b_shape, a_name="y_true", b_name="y_pred"):
    """Raise a ValueError naming both shapes unless they are equal."""
    a_shape, b_shape = tuple(a_shape), tuple(b_shape)
    if len(a_shape) != len(b_shape):
        raise ValueError(
            f"`{a_name}` and `{b_name}` must have the same rank. "
            f"Received: {a_name}.shape={a_shape}, {b_name}.shape={b_shape}"
        )
    if a_shape != b_shape:
        raise ValueError(
            f"`{a_name}` and `{b_name}` must have the same shape. "
            f"Received: {a_name}.shape={a_shape}, {b_name}.shape={b_shape}"
        )


def check_label_smoothing(label_smoothing):
    """`label_smoothing` must be a number in [0, 1]."""
    if isinstance(label_smoothing, bool) or not isinstance(label_smoothing, numbers.Real):
        raise TypeError(f"`label_smoothing` must be a float in [0, 1]. Received: {label_smoothing!r}")
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"`label_smoothing` must be in [0, 1]. Received: {label_smoothing}")
    return float(label_smoothing)


def check_numeric_dtype(dtype, name):
    """Raise a TypeError unless `dtype` is a bool, integer or floating dtype."""
    dtype = np.dtype(dtype)
    if dtype.kind not in "biuf":
        raise TypeError(
            f"`{name}` must hold numbers, but its dtype is {dtype} "
            f"({'text' if dtype.kind in 'US' else 'not numeric'})."
        )


def check_labels_in_range(labels, num_classes, name="y_true", ignore_class=None):
    """Raise a ValueError naming the first integer label outside [0, num_classes)."""
    labels = np.asarray(labels)
    valid = labels if ignore_class is None else labels[labels != ignore_class]
    bad = valid[(valid < 0) | (valid >= num_classes)]
    if bad.size:
        raise ValueError(
            f"`{name}` holds the label {bad.flat[0].item()!r}, outside the valid range [0, {num_classes}) "
            f"for {num_classes} classes."
        )


def check_integral(values, name):
    """Raise a ValueError unless every value is a whole number."""
    values = np.asarray(values)
    if values.dtype.kind == "f":
        if not np.all(np.isfinite(values)):
            raise ValueError(f"`{name}` must hold integer class ids, but it contains inf or NaN.")
        if np.any(values != np.round(values)):
            bad = values[values != np.round(values)].flat[0]
            raise ValueError(f"`{name}` must hold integer class ids. Received the value {bad.item()!r}.")


_name_counts = {}


def to_snake_case(name):
    """`"HuberLoss"` -> `"huber_loss"`, the way Keras names unnamed objects."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def auto_name(prefix):
    """A fresh name like Keras's: `"loss"`, then `"loss_1"`, `"loss_2"`, ..."""
    prefix = to_snake_case(prefix)
    count = _name_counts.get(prefix, 0)
    _name_counts[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


# --------------------------------------------------------------------------
# Optimizers, initializers, regularizers (shared by both trees)
# --------------------------------------------------------------------------

import math  # noqa: E402  (kept with the helpers that use them)
import random  # noqa: E402

#: Standard deviation of a standard normal truncated to [-2, 2]. Keras divides
#: the wanted standard deviation by it before drawing a truncated normal, so
#: that the *truncated* values end up with the wanted spread.
TRUNCATED_NORMAL_STDDEV = 0.87962566103423978

#: Activation names `keras.activations.get` knows but course_lib does not implement.
KERAS_ONLY_ACTIVATIONS = (
    "celu", "gelu", "glu", "hard_shrink", "hard_sigmoid", "hard_silu", "hard_swish", "hard_tanh",
    "leaky_relu", "log_sigmoid", "log_softmax", "mish", "relu6", "silu", "soft_shrink", "softsign",
    "sparse_plus", "sparse_sigmoid", "sparsemax", "squareplus", "swish", "tanh_shrink", "threshold",
)  # fmt: skip


def check_sgd_momentum(momentum):
    """Keras 3's SGD accepts only a Python float in [0, 1] (so `momentum=0` fails)."""
    if not isinstance(momentum, float) or momentum < 0 or momentum > 1:
        raise ValueError(f"`momentum` must be a float between [0, 1]. Received: momentum={momentum!r}")
    return momentum


def check_regularization_factor(value, name):
    """A regularization factor as a float, rejected like Keras does if negative, inf, NaN or not a number.

    `None` is not handled here: each regularizer turns it into its default first.
    """
    if isinstance(value, bool):
        value = int(value)  # Keras accepts True/False as 1.0/0.0 (bool is an int)
    if not isinstance(value, (float, int)) or math.isinf(value) or math.isnan(value) or value < 0:
        raise ValueError(f"Invalid value for argument {name}: expected a non-negative float. Received: {name}={value!r}")
    return float(value)


def compute_fans(shape, input_axes=None, output_axes=None):
    """`(fan_in, fan_out)` of a weight of this shape, as `keras.initializers` counts them.

    - rank 0: (1, 1); rank 1: (n, n); rank 2 `(n_in, n_out)`: (n_in, n_out);
    - rank > 2, a convolution kernel `(*window, n_in, n_out)`: both fans are
      multiplied by the window size $\\prod$ `window`;
    - with `input_axes` and `output_axes` given, the products of those axes.
    """
    shape = tuple(int(d) for d in shape)
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    window = math.prod(shape[:-2])
    return shape[-2] * window, shape[-1] * window


def check_seed(seed):
    """An int seed, or a fresh random one for `seed=None` drawn once (as Keras does).

    Keras draws the seed of an unseeded initializer with Python's `random`
    when the initializer is *created*, so `keras.utils.set_random_seed` makes
    it reproducible and every call of that one initializer repeats its values.
    """
    if seed is None:
        return random.randint(1, int(1e9))
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(f"`seed` argument should be an integer (or None). Received: seed={seed!r}")
    return int(seed)


def check_float_dtype(dtype, who):
    """The dtype name for a random initializer, which can only produce floats."""
    dtype = np.dtype(dtype or "float32")
    if dtype.kind != "f":
        raise TypeError(f"{who} draws random floats, so `dtype` must be a float dtype. Received: dtype={dtype.name}")
    return dtype.name


def keras_cast(value, dtype):
    """`keras.ops.cast(value, dtype)` of a number, as a NumPy scalar (or array).

    On the TensorFlow backend a *Python* float is first turned into a float32
    tensor and only then cast, so a float64 array sees `float32(0.9)`, not
    `0.9`. Numbers that Keras uses directly in arithmetic (without `cast`)
    keep full precision instead, and the NumPy tree follows Keras term by
    term. For float32 arrays both routes give the same number.
    """
    if isinstance(value, float) and not isinstance(value, np.floating):
        value = np.float32(value)
    return np.asarray(value).astype(dtype)[()]


# --------------------------------------------------------------------------
# Metrics: thresholds and AUC options (shared by both `metrics` modules)
# --------------------------------------------------------------------------

#: The threshold `Precision`/`Recall` use when `top_k` is set (Keras's `metrics_utils.NEG_INF`):
#: predictions outside the top k are replaced by it, so they never exceed it.
NEG_INF = -1e10

#: `AUC(curve=...)` values, and `AUC(summation_method=...)` values, as Keras spells them.
AUC_CURVES = ("ROC", "PR", "PRGAIN")
AUC_SUMMATION_METHODS = ("interpolation", "majoring", "minoring")


def parse_thresholds(thresholds, default_threshold=0.5):
    """`thresholds` as a list of floats, each checked to lie in [0, 1].

    A single number becomes a one-element list; `None` becomes
    `[default_threshold]` (which is not checked: `NEG_INF` is allowed there).
    Keras accepts only a number or a list; tuples and 1-D arrays are also
    accepted here.
    """
    if thresholds is None:
        return [default_threshold]
    if isinstance(thresholds, (tuple, np.ndarray)):
        thresholds = list(np.asarray(thresholds).reshape(-1).tolist())
    elif not isinstance(thresholds, list):
        thresholds = [thresholds]
    invalid = [
        t for t in thresholds if isinstance(t, bool) or not isinstance(t, numbers.Real) or not 0.0 <= t <= 1.0
    ]
    if invalid:
        raise ValueError(f"Threshold values must be in [0, 1]. Received: {invalid}")
    return thresholds


def is_evenly_distributed_thresholds(thresholds):
    """True if `thresholds` are `i / (n - 1)` for `i = 0..n-1` (n >= 3), up to `EPSILON`.

    Keras then counts with an O(N + T) bucket trick instead of comparing
    every prediction with every threshold; the bucket trick clips predictions
    to [0, 1] and compares $p\\,(n-1) > i$ rather than $p > t_i$.
    """
    n = len(thresholds)
    if n < 3:
        return False
    even = np.arange(n, dtype=np.float32) / (n - 1)
    return bool(np.allclose(thresholds, even, atol=EPSILON))


def auc_thresholds(num_thresholds=200, thresholds=None):
    """`(num_thresholds, thresholds, evenly_distributed)` exactly as `keras.metrics.AUC` builds them.

    Without `thresholds`: the `num_thresholds - 2` inner points
    $i/(n-1)$, $i = 1..n-2$. With `thresholds`: those values, sorted. Either
    way an endpoint $-\\epsilon$ and $1+\\epsilon$ is added at each end, so
    that every prediction in [0, 1] lies above the first threshold and below
    the last one despite floating-point error.
    """
    if thresholds is not None:
        inner = sorted(parse_thresholds(thresholds))
        num_thresholds = len(inner) + 2
        evenly = is_evenly_distributed_thresholds(np.array([0.0] + inner + [1.0]))
    else:
        if isinstance(num_thresholds, bool) or not isinstance(num_thresholds, numbers.Integral) or num_thresholds <= 1:
            raise ValueError(
                f"Argument `num_thresholds` must be an integer > 1. Received: num_thresholds={num_thresholds!r}"
            )
        num_thresholds = int(num_thresholds)
        inner = [(i + 1) * 1.0 / (num_thresholds - 1) for i in range(num_thresholds - 2)]
        evenly = True
    return num_thresholds, np.array([0.0 - EPSILON] + inner + [1.0 + EPSILON]), evenly


def standardize_auc_curve(curve):
    """`"ROC"`, `"PR"` or `"PRGAIN"` (either case, or Keras's `AUCCurve` enum), else a ValueError."""
    key = getattr(curve, "value", curve)
    if isinstance(key, str) and key.upper() in AUC_CURVES and key in (key.upper(), key.lower()):
        return key.upper()
    raise ValueError(f'Invalid AUC curve value: "{curve}". Expected values are {list(AUC_CURVES)}')


def standardize_auc_summation_method(summation_method):
    """`"interpolation"`, `"majoring"` or `"minoring"` (or capitalised), else a ValueError."""
    key = getattr(summation_method, "value", summation_method)
    if isinstance(key, str) and key.lower() in AUC_SUMMATION_METHODS and key in (key.lower(), key.capitalize()):
        return key.lower()
    raise ValueError(
        f'Invalid AUC summation method value: "{summation_method}". '
        f"Expected values are {list(AUC_SUMMATION_METHODS)}"
    )


def check_block_sizes(n_layers, n_neurons):
    """`n_layers` and `n_neurons` of a residual block must be positive ints."""
    for name, value in (("n_layers", n_layers), ("n_neurons", n_neurons)):
        if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value <= 0:
            raise ValueError(f"`{name}` must be a positive integer. Received: {name}={value!r}")
    return int(n_layers), int(n_neurons)


def check_residual_input(layer_name, shape, n_neurons):
    """The skip connection adds the input to the output: the input width must be `n_neurons`."""
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(
            f"Input of layer '{layer_name}' must have rank >= 2 (a batch axis and a feature axis). "
            f"Received shape {shape}."
        )
    if shape[-1] is not None and int(shape[-1]) != n_neurons:
        raise ValueError(
            f"Layer '{layer_name}' adds its input to the output of Dense({n_neurons}) layers, so the input "
            f"must have {n_neurons} features. Received an input of shape {shape}."
        )
    return shape


def object_from_identifier(identifier, classes, base, kind, allow_none=True, allow_callables=True, any_case=False):
    """Keras's `get(identifier)`: a name, a config dict, a class or an instance, made into an instance.

    `classes` maps names (and aliases) to classes; `base` is the class (or
    classes) whose subclasses and instances are accepted as they are.
    Anything else raises a ValueError naming the `kind` of object wanted.
    """
    if identifier is None and allow_none:
        return None

    def lookup(name):
        return classes.get(name.lower() if any_case else name) if isinstance(name, str) else None

    if isinstance(identifier, base):
        return identifier
    if isinstance(identifier, dict) and lookup(identifier.get("class_name")) is not None:
        return lookup(identifier["class_name"]).from_config(dict(identifier.get("config", {})))
    if isinstance(identifier, str) and lookup(identifier) is not None:
        return lookup(identifier)()
    if isinstance(identifier, type) and issubclass(identifier, base):
        return identifier()
    if allow_callables and callable(identifier) and not isinstance(identifier, (str, dict, type)):
        return identifier
    raise ValueError(f"Could not interpret {kind} identifier: {identifier!r}")
