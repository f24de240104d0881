"""`tf.nn` functions rebuilt from TensorFlow primitives (`tf.exp`, `tf.math.log1p`, ...).

Each one is the numerically stable form, and each is differentiable with
`tf.GradientTape`, including at the kinks of `max` and `|x|` (see
`sigmoid_cross_entropy_with_logits`).
"""

from .._common import check_axis, check_integral, check_labels_in_range
from ..quiet import tf
from ._convert import as_float_tensor, check_compatible_shapes, convert_to_tensor, static_shape


def sigmoid(x):
    r"""$\sigma(x) = 1/(1+e^{-x})$, written with $e^{-|x|}$ so no exponent is positive."""
    x = as_float_tensor(x, "x")
    small = tf.exp(-tf.abs(x))
    return tf.where(x >= 0, tf.ones_like(x), small) / (1.0 + small)


def softplus(features):
    r"""$\log(1+e^{x}) = \max(x,0) + \log(1+e^{-|x|})$."""
    x = as_float_tensor(features, "features")
    relu_x, neg_abs_x = _relu_and_neg_abs(x)
    return relu_x + tf.math.log1p(tf.exp(neg_abs_x))


def _relu_and_neg_abs(x):
    """`max(x, 0)` and `-|x|` built with `tf.where` on `x >= 0`.

    `tf.maximum` and `tf.abs` would give the gradients 1 and 0 at x = 0;
    splitting on one condition gives 1 and -1, so that terms combined from
    both stay correct at 0 (sigmoid(0) = 1/2 for the cross-entropy below).
    """
    non_negative = x >= 0
    zeros = tf.zeros_like(x)
    return tf.where(non_negative, x, zeros), tf.where(non_negative, -x, x)


def log_softmax(logits, axis=None):
    r"""$x_i - \log\sum_j e^{x_j}$ along `axis` (default: last)."""
    x = as_float_tensor(logits, "logits")
    axis = -1 if axis is None else check_axis(axis, x.shape.rank)
    return x - tf.reduce_logsumexp(x, axis=axis, keepdims=True)


def softmax(logits, axis=None):
    r"""$e^{x_i} / \sum_j e^{x_j}$, computed as $\exp(\log\mathrm{softmax}(x))$."""
    return tf.exp(log_softmax(logits, axis=axis))


def sigmoid_cross_entropy_with_logits(labels=None, logits=None):
    r"""Element-wise $\max(x,0) - xz + \log(1+e^{-|x|})$ for labels $z$ and logits $x$."""
    if labels is None or logits is None:
        raise ValueError("Both `labels` and `logits` must be given (as keyword arguments).")
    x = as_float_tensor(logits, "logits")
    z = as_float_tensor(labels, "labels", like=x)
    check_compatible_shapes(z, x, "labels", "logits")
    relu_x, neg_abs_x = _relu_and_neg_abs(x)
    return relu_x - x * z + tf.math.log1p(tf.exp(neg_abs_x))


def softmax_cross_entropy_with_logits(labels, logits, axis=-1):
    r"""$-\sum_i z_i \log\mathrm{softmax}(x)_i$ along `axis`; `labels` may be soft."""
    x = as_float_tensor(logits, "logits")
    z = as_float_tensor(labels, "labels", like=x)
    check_compatible_shapes(z, x, "labels", "logits")
    axis = check_axis(axis, x.shape.rank)
    return -tf.reduce_sum(z * (x - tf.reduce_logsumexp(x, axis=axis, keepdims=True)), axis=axis)


def sparse_softmax_cross_entropy_with_logits(labels, logits):
    r"""$\log\sum_j e^{x_j} - x_y$ for integer labels $y$; no one-hot matrix is built."""
    x = as_float_tensor(logits, "logits")
    if x.shape.rank is not None and x.shape.rank < 1:
        raise ValueError(f"`logits` must be at least rank 1. Received: logits.shape={static_shape(x)}")
    y = integer_labels(labels, "labels")
    x_shape, y_shape = static_shape(x), static_shape(y)
    if x_shape is not None and y_shape is not None and (
        len(y_shape) != len(x_shape) - 1
        or any(a is not None and b is not None and a != b for a, b in zip(y_shape, x_shape[:-1]))
    ):
        raise ValueError(
            "`labels` must have the shape of `logits` without its last axis. "
            f"Received: labels.shape={y_shape}, logits.shape={x_shape}"
        )
    y = check_labels_in_range_tf(y, tf.shape(x)[-1], "labels")
    picked = tf.gather(x, y, axis=-1, batch_dims=len(y.shape))
    return tf.reduce_logsumexp(x, axis=-1) - picked


def integer_labels(labels, name):
    """Class ids as an int64 tensor; float ids must be whole numbers."""
    y = convert_to_tensor(labels, name=name)
    if y.dtype.is_floating:
        if tf.executing_eagerly():
            check_integral(y.numpy(), name)
        y = tf.cast(y, tf.int64)
    elif y.dtype != tf.int64:
        y = tf.cast(y, tf.int64)
    return y


def check_labels_in_range_tf(labels, num_classes, name, ignore_class=None):
    """Eagerly: the same ValueError as the NumPy tree. In a graph: a TF assertion."""
    if tf.executing_eagerly():
        check_labels_in_range(labels.numpy(), int(num_classes), name, ignore_class)
        return labels
    valid = labels if ignore_class is None else tf.boolean_mask(labels, labels != ignore_class)
    num_classes = tf.cast(num_classes, labels.dtype)
    with tf.control_dependencies(
        [
            tf.debugging.assert_non_negative(valid, message=f"`{name}` holds a negative class id"),
            tf.debugging.assert_less(valid, num_classes, message=f"`{name}` holds a class id >= num_classes"),
        ]
    ):
        return tf.identity(labels)

