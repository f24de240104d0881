"""The cross-entropies of `keras.ops` in NumPy.

These are the backend-level functions that replaced Keras 2's
`keras.backend.*_crossentropy(target, output)`: no label smoothing, no
casting of `target` to the dtype of `output`, no reduction.
"""

import numpy as np

from .._common import EPSILON, check_axis, check_same_shape
from . import nn
from ._convert import as_float_array, convert_to_array


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`keras.ops.convert_to_tensor` for NumPy: an ndarray with Keras's dtype rules.

    Python floats become float32 and Python ints int32 (Keras's `floatx()` and
    default int); NumPy arrays keep their dtype. `sparse`/`ragged` are accepted
    for the signature's sake; only dense arrays exist here.
    """
    if sparse or ragged:
        raise ValueError("course_lib.numpy works with dense arrays only (sparse/ragged requested)")
    return convert_to_array(x, dtype=dtype, name="x")


def convert_to_numpy(x):
    """`keras.ops.convert_to_numpy`: a NumPy array of `x` (tensors are read through `.numpy()`)."""
    return np.asarray(convert_to_array(x, name="x"))


def _matching_float_arrays(target, output):
    """Both as float arrays of one dtype; a mismatch is an error, as in Keras 3 on TF."""
    output = as_float_array(output, "output")
    target = convert_to_array(target, name="target")
    if target.dtype != output.dtype:
        raise TypeError(
            f"`target` is {target.dtype} but `output` is {output.dtype}. keras.ops does not cast "
            "for you (TF raises InvalidArgumentError here): cast one of them, e.g. "
            "`target.astype(output.dtype)`."
        )
    return target, output


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    r"""$-\sum_c t_c \log p_c$ along `axis`.

    With `from_logits=False`, `output` is first renormalised to sum to 1 and
    clipped to $[\epsilon, 1-\epsilon]$ ($\epsilon = 10^{-7}$), so a zero
    probability costs $-\log\epsilon \approx 16.1$ instead of infinity.
    With `from_logits=True` the stable log-softmax is used.
    """
    target, output = _matching_float_arrays(target, output)
    if target.ndim < 1:
        raise ValueError(
            f"`target` and `output` must be at least rank 1. Received: target.shape={target.shape}"
        )
    check_same_shape(target.shape, output.shape, "target", "output")
    axis = check_axis(axis, output.ndim)
    if from_logits:
        return nn.softmax_cross_entropy_with_logits(target, output, axis=axis)
    probs = output / np.sum(output, axis=axis, keepdims=True)
    np.clip(probs, EPSILON, 1.0 - EPSILON, out=probs)
    np.log(probs, out=probs)
    probs *= target
    return -np.sum(probs, axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    r"""$-\log p_{y}$ for integer class ids `target` $y$.

    Probabilities are clipped to $[\epsilon, 1-\epsilon]$ and passed through
    `log` and then through the sparse softmax cross-entropy, exactly as Keras
    does; that renormalises them, so the result is $-\log(p_y / \sum_c p_c)$.
    Keras 3 on TensorFlow supports only the last axis as the class axis.
    """
    output = as_float_array(output, "output")
    if axis not in (-1, output.ndim - 1):
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    target = convert_to_array(target, name="target")
    if target.ndim == output.ndim and target.shape[-1] == 1:
        target = target[..., 0]
    if target.ndim != output.ndim - 1:
        raise ValueError(
            "`output` must have rank `target.ndim + 1`. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if target.shape != output.shape[:-1]:
        raise ValueError(
            "`target` and `output` must have the same shape up to the last axis. "
            f"Received: target.shape={target.shape}, output.shape={output.shape}"
        )
    if not from_logits:
        output = np.clip(output, EPSILON, 1.0 - EPSILON)
        np.log(output, out=output)
    return nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)


def binary_crossentropy(target, output, from_logits=False):
    r"""Element-wise $-[t\log p + (1-t)\log(1-p)]$.

    With `from_logits=False`, $p$ is clipped to $[\epsilon, 1-\epsilon]$ first.
    Keras 2 then took $\log(p + \epsilon)$; Keras 3 takes $\log p$, which is why
    the two give slightly different numbers for probabilities near 0 or 1.
    """
    target, output = _matching_float_arrays(target, output)
    check_same_shape(target.shape, output.shape, "target", "output")
    if from_logits:
        return nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    probs = np.clip(output, EPSILON, 1.0 - EPSILON)
    loss = np.log(probs)
    loss *= target
    np.subtract(1.0, probs, out=probs)
    np.log(probs, out=probs)
    probs *= 1.0 - target
    loss += probs
    return np.negative(loss, out=loss)
