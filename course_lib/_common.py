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
