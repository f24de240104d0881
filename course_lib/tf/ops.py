"""The cross-entropies of `keras.ops`, rebuilt from TensorFlow primitives."""

from .._common import EPSILON, check_axis
from ..quiet import tf
from . import nn
from ._convert import as_float_tensor, check_compatible_shapes, static_shape
from ._convert import convert_to_tensor as _convert_to_tensor


def convert_to_tensor(x, dtype=None, sparse=None, ragged=None):
    """`keras.ops.convert_to_tensor`: a `tf.Tensor` with Keras's dtype rules (Python floats -> float32)."""
    if sparse or ragged:
        raise ValueError("course_lib.tf works with dense tensors only (sparse/ragged requested)")
    return _convert_to_tensor(x, dtype=dtype, name="x")


def convert_to_numpy(x):
    """`keras.ops.convert_to_numpy`: the NumPy value of `x`."""
    return _convert_to_tensor(x, name="x").numpy()


def _matching_float_tensors(target, output):
    output = as_float_tensor(output, "output")
    target = _convert_to_tensor(target, name="target")
    if target.dtype != output.dtype:
        raise TypeError(
            f"`target` is {target.dtype.name} but `output` is {output.dtype.name}. keras.ops does not cast "
            "for you (TF raises InvalidArgumentError here): cast one of them, e.g. `tf.cast(target, output.dtype)`."
        )
    return target, output


def categorical_crossentropy(target, output, from_logits=False, axis=-1):
    r"""$-\sum_c t_c \log p_c$ along `axis`; probabilities are renormalised and clipped to $[\epsilon, 1-\epsilon]$."""
    target, output = _matching_float_tensors(target, output)
    if output.shape.rank is not None and output.shape.rank < 1:
        raise ValueError(f"`target` and `output` must be at least rank 1. Received: target.shape={static_shape(target)}")
    check_compatible_shapes(target, output, "target", "output")
    axis = check_axis(axis, output.shape.rank)
    if from_logits:
        return nn.softmax_cross_entropy_with_logits(target, output, axis=axis)
    probs = output / tf.reduce_sum(output, axis=axis, keepdims=True)
    probs = tf.clip_by_value(probs, EPSILON, 1.0 - EPSILON)
    return -tf.reduce_sum(target * tf.math.log(probs), axis=axis)


def sparse_categorical_crossentropy(target, output, from_logits=False, axis=-1):
    r"""$-\log(p_y / \sum_c p_c)$ for integer ids `target` (clipped probabilities); last axis only."""
    output = as_float_tensor(output, "output")
    if axis not in (-1, output.shape.rank - 1):
        raise ValueError(f"Only axis=-1 is currently supported. Received: axis={axis}")
    target = _convert_to_tensor(target, name="target")
    if target.shape.rank == output.shape.rank and target.shape[-1] == 1:
        target = tf.squeeze(target, axis=-1)
    if not from_logits:
        output = tf.math.log(tf.clip_by_value(output, EPSILON, 1.0 - EPSILON))
    return nn.sparse_softmax_cross_entropy_with_logits(labels=target, logits=output)


def binary_crossentropy(target, output, from_logits=False):
    r"""Element-wise $-[t\log p + (1-t)\log(1-p)]$ with $p$ clipped to $[\epsilon, 1-\epsilon]$ (Keras 3: no $+\epsilon$ in the log)."""
    target, output = _matching_float_tensors(target, output)
    check_compatible_shapes(target, output, "target", "output")
    if from_logits:
        return nn.sigmoid_cross_entropy_with_logits(labels=target, logits=output)
    probs = tf.clip_by_value(output, EPSILON, 1.0 - EPSILON)
    return -(target * tf.math.log(probs) + (1.0 - target) * tf.math.log(1.0 - probs))
