"""`keras.utils` in NumPy."""

import numpy as np

from .._common import check_integral, check_labels_in_range
from ._convert import convert_to_array


def to_categorical(x, num_classes=None):
    """One-hot encode integer class ids: `x` of shape `s` -> shape `s + (num_classes,)`.

    A trailing axis of size 1 is dropped first, so a column of labels with
    shape `(n, 1)` gives `(n, num_classes)`, not `(n, 1, num_classes)`.
    `num_classes=None` (or 0) means `max(x) + 1`. (Keras 2 called the first
    argument `y`; Keras 3 calls it `x`.)

    Returns float64, as Keras 3 does (Keras 2 returned float32 and had a
    `dtype=` argument, which Keras 3 removed: use `.astype(...)`).

    Unlike Keras, which lets NumPy wrap a label of -1 around to the last
    class, a label outside `[0, num_classes)` raises a ValueError.
    """
    labels = convert_to_array(x, name="x")
    check_integral(labels, "x")
    labels = labels.astype(np.int64)
    shape = labels.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    labels = labels.reshape(-1)
    if not num_classes:
        if labels.size == 0:
            raise ValueError("`x` is empty, so `num_classes` cannot be inferred: pass it explicitly.")
        num_classes = int(labels.max()) + 1
    if int(num_classes) != num_classes or num_classes < 0:
        raise ValueError(f"`num_classes` must be a positive integer. Received: {num_classes!r}")
    num_classes = int(num_classes)
    check_labels_in_range(labels, num_classes, "x")
    one_hot = np.zeros((labels.size, num_classes))
    one_hot[np.arange(labels.size), labels] = 1.0
    return one_hot.reshape(shape + (num_classes,))
