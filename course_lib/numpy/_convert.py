"""Turn array-likes into NumPy arrays the way `keras.ops.convert_to_tensor` does."""

import numpy as np

from .._common import check_numeric_dtype


def convert_to_array(x, dtype=None, name="x"):
    """Return `x` as a NumPy array with Keras's dtype rules.

    - NumPy arrays and scalars keep their dtype (float64 stays float64).
    - Python numbers and (nested) lists become float32 if they hold floats and
      int32 if they hold ints, as Keras infers them (`floatx()` is float32).
    - Anything with a `.numpy()` method (a `tf.Tensor`) is read through it.
    - Text or object data raise a TypeError that names the argument.
    """
    if hasattr(x, "numpy") and not isinstance(x, (np.ndarray, np.generic)):
        x = x.numpy()
    if isinstance(x, (np.ndarray, np.generic)):
        array = np.asarray(x)
    else:
        try:
            array = np.asarray(x)
        except ValueError as error:  # ragged nested lists
            raise ValueError(f"`{name}` is not a rectangular array: {error}") from None
        if array.dtype == np.float64:
            array = array.astype(np.float32)
        elif array.dtype == np.int64:
            array = array.astype(np.int32)
    check_numeric_dtype(array.dtype, name)
    if dtype is not None:
        array = array.astype(dtype, copy=False)
    return array


def as_float_array(x, name="x", like=None):
    """Convert `x`; integers and bools become `like`'s float dtype (else float32)."""
    array = convert_to_array(x, name=name)
    if like is not None:
        return array.astype(like.dtype, copy=False)
    if array.dtype.kind != "f":
        array = array.astype(np.float32)
    return array
