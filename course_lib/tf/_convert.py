"""Turn array-likes into tensors the way `keras.ops.convert_to_tensor` does."""

import numpy as np

from .._common import check_numeric_dtype
from ..quiet import tf


def convert_to_tensor(x, dtype=None, name="x"):
    """Return `x` as a `tf.Tensor` with Keras's dtype rules.

    Tensors, variables (TF's and Keras's) and NumPy arrays keep their dtype; Python numbers and
    lists become float32 (floats) or int32 (ints). Text raises a TypeError.
    """
    if isinstance(x, (tf.Tensor, tf.Variable)) or hasattr(x, "__tf_tensor__"):  # __tf_tensor__: keras.Variable
        tensor = tf.convert_to_tensor(x)
        check_numeric_dtype(tensor.dtype.as_numpy_dtype, name)
    else:
        array = np.asarray(x) if isinstance(x, (np.ndarray, np.generic)) else _python_to_array(x, name)
        check_numeric_dtype(array.dtype, name)
        tensor = tf.convert_to_tensor(array)
    if dtype is not None and tensor.dtype != tf.as_dtype(dtype):
        tensor = tf.cast(tensor, dtype)
    return tensor


def _python_to_array(x, name):
    try:
        array = np.asarray(x)
    except ValueError as error:
        raise ValueError(f"`{name}` is not a rectangular array: {error}") from None
    if array.dtype == np.float64:
        return array.astype(np.float32)
    if array.dtype == np.int64:
        return array.astype(np.int32)
    return array


def as_float_tensor(x, name="x", like=None):
    """Convert `x`; non-float tensors become `like`'s dtype (else float32)."""
    tensor = convert_to_tensor(x, name=name)
    if like is not None:
        return tf.cast(tensor, like.dtype) if tensor.dtype != like.dtype else tensor
    if not tensor.dtype.is_floating:
        tensor = tf.cast(tensor, tf.float32)
    return tensor


def static_shape(tensor):
    """The shape as a tuple, with None for dimensions unknown while tracing."""
    return tuple(tensor.shape.as_list()) if tensor.shape.rank is not None else None


def check_compatible_shapes(a, b, a_name, b_name):
    """Like `_common.check_same_shape`, but unknown (None) dimensions match anything."""
    a_shape, b_shape = static_shape(a), static_shape(b)
    if a_shape is None or b_shape is None:
        return
    if len(a_shape) != len(b_shape):
        raise ValueError(
            f"`{a_name}` and `{b_name}` must have the same rank. "
            f"Received: {a_name}.shape={a_shape}, {b_name}.shape={b_shape}"
        )
    if any(d1 is not None and d2 is not None and d1 != d2 for d1, d2 in zip(a_shape, b_shape)):
        raise ValueError(
            f"`{a_name}` and `{b_name}` must have the same shape. "
            f"Received: {a_name}.shape={a_shape}, {b_name}.shape={b_shape}"
        )
