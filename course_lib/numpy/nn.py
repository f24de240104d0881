"""`tf.nn` functions in NumPy: activations and cross-entropies on logits.

Every function here is written in its numerically stable form, so it stays
finite for logits as large as +-1e4 and raises no overflow warnings.
"""

import numpy as np

from .._common import check_axis, check_integral, check_labels_in_range, check_same_shape
from ._convert import as_float_array, convert_to_array


def sigmoid(x):
    r"""Logistic sigmoid, $\sigma(x) = 1 / (1 + e^{-x})$.

    Written with $e^{-|x|}$ so that no exponent is ever positive:
    $\sigma(x) = 1/(1+e^{-|x|})$ for $x \ge 0$ and $e^{-|x|}/(1+e^{-|x|})$ otherwise.
    """
    x = as_float_array(x, "x")
    small = np.exp(-np.abs(x))
    return np.where(x >= 0, 1.0, small) / (1.0 + small)


def softplus(features):
    r"""$\log(1 + e^{x})$, computed as $\max(x, 0) + \log(1 + e^{-|x|})$."""
    x = as_float_array(features, "features")
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def _logsumexp(x, axis):
    """log(sum(exp(x))) along `axis` (kept as a size-1 axis), shifted by the max.

    One temporary the size of `x` (exponentiated in place), then a reduction.
    """
    shift = np.max(x, axis=axis, keepdims=True)
    shift = np.where(np.isfinite(shift), shift, 0)
    shifted = x - shift
    np.exp(shifted, out=shifted)
    return shift + np.log(np.sum(shifted, axis=axis, keepdims=True))


def log_softmax(logits, axis=None):
    r"""$\log \mathrm{softmax}(x)_i = x_i - \log\sum_j e^{x_j}$ along `axis` (default: last)."""
    x = as_float_array(logits, "logits")
    axis = -1 if axis is None else check_axis(axis, x.ndim)
    return x - _logsumexp(x, axis)


def softmax(logits, axis=None):
    r"""$\mathrm{softmax}(x)_i = e^{x_i - m} / \sum_j e^{x_j - m}$ with $m = \max_j x_j$."""
    x = as_float_array(logits, "logits")
    axis = -1 if axis is None else check_axis(axis, x.ndim)
    shifted = np.exp(x - np.max(x, axis=axis, keepdims=True))
    shifted /= np.sum(shifted, axis=axis, keepdims=True)
    return shifted


def sigmoid_cross_entropy_with_logits(labels=None, logits=None):
    r"""Element-wise logistic loss of `labels` $z$ against `logits` $x$.

    $$z\,(-\log\sigma(x)) + (1-z)(-\log(1-\sigma(x))) = \max(x,0) - xz + \log(1+e^{-|x|})$$

    The right-hand side never exponentiates a positive number, so it is
    finite for any finite logit. `labels` may be soft (any value in [0, 1]).
    Like TF, `labels` and `logits` must have the same shape.
    """
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be given (as keyword arguments).")
    x = as_float_array(logits, "logits")
    z = as_float_array(labels, "labels", like=x)
    check_same_shape(z.shape, x.shape, "labels", "logits")
    return np.maximum(x, 0) - x * z + np.log1p(np.exp(-np.abs(x)))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    r"""$-\sum_i z_i \log\mathrm{softmax}(x)_i$ along `axis`; `labels` may be soft.

    Uses the log-sum-exp trick: $\log\mathrm{softmax}(x)_i = x_i - m - \log\sum_j e^{x_j - m}$.
    """
    x = as_float_array(logits, "logits")
    z = as_float_array(labels, "labels", like=x)
    check_same_shape(z.shape, x.shape, "labels", "logits")
    axis = check_axis(axis, x.ndim)
    log_probs = x - _logsumexp(x, axis)
    log_probs *= z
    return -np.sum(log_probs, axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    r"""$\log\sum_j e^{x_j} - x_{y}$ for integer class ids `labels` $y$.

    `labels` has the shape of `logits` without its last (class) axis. The
    loss picks one logit per row, so no one-hot matrix is ever built.
    """
    x = as_float_array(logits, "logits")
    if x.ndim < 1:
        raise ValueError(f"`logits` must be at least rank 1. Received: logits.shape={x.shape}")
    y = _integer_labels(labels, "labels")
    if y.shape != x.shape[:-1]:
        raise ValueError(
            "`labels` must have the shape of `logits` without its last axis. "
            f"Received: labels.shape={y.shape}, logits.shape={x.shape}"
        )
    check_labels_in_range(y, x.shape[-1], "labels")
    picked = np.take_along_axis(x, y[..., None], axis=-1)
    return (_logsumexp(x, -1) - picked)[..., 0]


def _integer_labels(labels, name):
    """Class ids as an int64 array; floats must be whole numbers."""
    y = convert_to_array(labels, name=name)
    check_integral(y, name)
    return y.astype(np.int64, copy=False)
