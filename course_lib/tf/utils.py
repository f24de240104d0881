"""`keras.utils.to_categorical` with TensorFlow ops."""

from .._common import check_integral
from ..quiet import tf
from .nn import check_labels_in_range_tf, integer_labels


def to_categorical(x, num_classes=None):
    """One-hot encode integer class ids; a trailing size-1 axis is dropped first.

    Returns a float64 tensor (Keras 3's dtype for NumPy input). Labels outside
    `[0, num_classes)` raise instead of being wrapped around.
    """
    labels = integer_labels(x, "x")
    if labels.shape.rank is not None and labels.shape.rank > 1 and labels.shape[-1] == 1:
        labels = tf.squeeze(labels, axis=-1)
    if not num_classes:
        if tf.size(labels) == 0:
            raise ValueError("`x` is empty, so `num_classes` cannot be inferred: pass it explicitly.")
        num_classes = int(tf.reduce_max(labels)) + 1
    check_integral(num_classes, "num_classes")
    if num_classes < 0:
        raise ValueError(f"`num_classes` must be a positive integer. Received: {num_classes!r}")
    labels = check_labels_in_range_tf(labels, int(num_classes), "x")
    classes = tf.range(int(num_classes), dtype=labels.dtype)
    return tf.cast(tf.equal(labels[..., tf.newaxis], classes), tf.float64)
