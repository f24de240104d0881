"""`keras.losses` rebuilt from TensorFlow ops.

The functions and the reduction rules are the same as in
`course_lib.numpy.losses` (read its module docstring for the table of
reductions). The classes subclass the public `keras.losses.Loss`, so they
can be passed to `model.compile(loss=...)`, but compute everything,
reductions included, with their own TF code.
"""

import warnings

from .._common import check_axis, check_label_smoothing, standardize_reduction
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from . import ops
from ._convert import as_float_tensor, convert_to_tensor, static_shape


# --------------------------------------------------------------------------
# Reductions and sample weights
# --------------------------------------------------------------------------


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks equal when they differ by one and the extra axis has size 1."""
    r1, r2 = x1.shape.rank, x2.shape.rank
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = tf.expand_dims(x2, -1)
        else:
            x1 = tf.squeeze(x1, -1)
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = tf.expand_dims(x1, -1)
        else:
            x2 = tf.squeeze(x2, -1)
    return x1, x2


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean `mask` into `sample_weight` (kept entries weigh total/valid when averaging)."""
    if mask is None:
        return sample_weight
    mask = tf.cast(mask, tf.bool)
    if reduction in ("mean", "sum_over_batch_size"):
        total = tf.cast(tf.size(mask), dtype)
        valid = tf.reduce_sum(tf.cast(mask, dtype))
        float_mask = tf.where(mask, tf.math.divide_no_nan(total, valid), tf.zeros((), dtype))
    else:
        float_mask = tf.cast(mask, dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, tf.cast(sample_weight, dtype))
    return sample_weight * float_mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted values to a scalar."""
    shape = static_shape(values)
    if reduction in (None, "none") or shape in ((), (0,)):
        return values
    total = tf.reduce_sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = tf.reduce_sum(tf.cast(sample_weight, values.dtype))
    else:
        divisor = tf.cast(tf.size(values), values.dtype)
    return tf.math.divide_no_nan(total, divisor)


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype="float32"):
    """Weight `values` by `sample_weight` (and `mask`), then reduce them."""
    reduction = standardize_reduction(reduction)
    values = tf.cast(values, dtype)
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight, dtype=dtype, name="sample_weight")
    sample_weight = apply_mask(sample_weight, mask, values.dtype, reduction)
    if sample_weight is not None:
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        _check_broadcastable(sample_weight, values)
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


def _check_broadcastable(sample_weight, values):
    w_shape, v_shape = static_shape(sample_weight), static_shape(values)
    if w_shape is None or v_shape is None:
        return
    for w, v in zip(reversed(w_shape), reversed(v_shape)):
        if None not in (w, v) and w not in (1, v):
            raise ValueError(
                "`sample_weight` cannot be broadcast to the per-sample losses. "
                f"Received: sample_weight.shape={w_shape}, losses.shape={v_shape}"
            )


# --------------------------------------------------------------------------
# Loss functions
# --------------------------------------------------------------------------


def _true_and_pred(y_true, y_pred):
    y_pred = as_float_tensor(y_pred, "y_pred")
    y_true = as_float_tensor(y_true, "y_true", like=y_pred)
    return y_true, y_pred


def _check_regression_shapes(y_true, y_pred):
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if t_shape is None or p_shape is None:
        return
    for a, b in zip(reversed(t_shape), reversed(p_shape)):
        if None not in (a, b) and a != b and 1 not in (a, b):
            raise ValueError(
                "`y_true` and `y_pred` must have compatible shapes. "
                f"Received: y_true.shape={t_shape}, y_pred.shape={p_shape}"
            )


def _regression_inputs(y_true, y_pred):
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_true_and_pred(y_true, y_pred))
    _check_regression_shapes(y_true, y_pred)
    return y_true, y_pred


def mean_squared_error(y_true, y_pred):
    r"""$\frac{1}{d}\sum_j (y_j - \hat y_j)^2$ over the last axis."""
    y_true, y_pred = _regression_inputs(y_true, y_pred)
    return tf.reduce_mean(tf.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    r"""$\frac{1}{d}\sum_j |y_j - \hat y_j|$ over the last axis."""
    y_true, y_pred = _regression_inputs(y_true, y_pred)
    return tf.reduce_mean(tf.abs(y_true - y_pred), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    r"""$\frac12 e^2$ if $|e| \le \delta$, else $\delta|e| - \frac12\delta^2$, averaged over the last axis."""
    y_true, y_pred = _regression_inputs(y_true, y_pred)
    if delta < 0:
        raise ValueError(f"`delta` must be non-negative. Received: delta={delta}")
    delta = tf.convert_to_tensor(delta, dtype=y_pred.dtype)
    error = y_pred - y_true
    abs_error = tf.abs(error)
    quadratic = 0.5 * tf.square(error)
    linear = delta * abs_error - 0.5 * tf.square(delta)
    return tf.reduce_mean(tf.where(abs_error <= delta, quadratic, linear), axis=-1)


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    r"""Cross-entropy against one-hot labels; smoothing divides by the size of the last axis."""
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred = _true_and_pred(y_true, y_pred)
    check_axis(axis, y_pred.shape.rank)
    if y_pred.shape.rank and y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={static_shape(y_pred)}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = tf.cast(tf.shape(y_true)[-1], y_pred.dtype)
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def _sparse_categorical_crossentropy_and_mask(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    y_pred = as_float_tensor(y_pred, "y_pred")
    y_true = convert_to_tensor(y_true, name="y_true")
    if y_true.shape.rank == y_pred.shape.rank and y_true.shape[axis] == 1:
        y_true = tf.squeeze(y_true, axis=axis)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis), None
    class_axis = check_axis(axis, y_pred.shape.rank)
    valid = tf.not_equal(y_true, tf.cast(ignore_class, y_true.dtype))
    y_true = tf.where(valid, y_true, tf.zeros_like(y_true))
    y_pred = tf.where(tf.expand_dims(valid, class_axis), y_pred, tf.zeros_like(y_pred))
    losses = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    return tf.where(valid, losses, tf.zeros_like(losses)), valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    r"""$-\log p_y$ per position; positions labelled `ignore_class` give 0. Last axis only (Keras 3 on TF)."""
    return _sparse_categorical_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis)[0]


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    r"""Element-wise binary cross-entropy averaged over `axis`; smoothing squeezes labels to 0.5."""
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred = _true_and_pred(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    losses = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    return tf.reduce_mean(losses, axis=check_axis(axis, losses.shape.rank) if losses.shape.rank else None)


mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# --------------------------------------------------------------------------
# Loss classes
# --------------------------------------------------------------------------


@keras.saving.register_keras_serializable(package="course_lib")
class Loss(keras.losses.Loss):
    """Base class: `__call__` runs `call` and reduces with this module's TF code.

    Inputs are converted to `dtype` (float32 unless given) first, as in Keras 3.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        super().__init__(name=name, reduction=standardize_reduction(reduction), dtype=dtype)

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true = convert_to_tensor(y_true, dtype=self.dtype, name="y_true")
        y_pred = convert_to_tensor(y_pred, dtype=self.dtype, name="y_pred")
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.dtype)

    def _call_with_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None


class LossFunctionWrapper(Loss):
    """A `Loss` made from a loss function and its keyword arguments."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**Loss.get_config(self), **self._fn_kwargs}


@keras.saving.register_keras_serializable(package="course_lib")
class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


@keras.saving.register_keras_serializable(package="course_lib")
class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


@keras.saving.register_keras_serializable(package="course_lib")
class Huber(LossFunctionWrapper):
    """Huber loss with threshold `delta` (like Keras, `get_config` leaves `delta` out)."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self):
        return Loss.get_config(self)


@keras.saving.register_keras_serializable(package="course_lib")
class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=check_label_smoothing(label_smoothing),
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis


@keras.saving.register_keras_serializable(package="course_lib")
class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels; `ignore_class` positions are left out of the average."""

    def __init__(
        self,
        from_logits=False,
        ignore_class=None,
        reduction="sum_over_batch_size",
        axis=-1,
        name="sparse_categorical_crossentropy",
        dtype=None,
    ):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class

    def _call_with_mask(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return _sparse_categorical_crossentropy_and_mask(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**Loss.get_config(self), "from_logits": self.from_logits, "ignore_class": self.ignore_class}


@keras.saving.register_keras_serializable(package="course_lib")
class BinaryCrossentropy(LossFunctionWrapper):
    """Binary cross-entropy; `from_logits=True` is the recommended, stable form."""

    def __init__(
        self,
        from_logits=False,
        label_smoothing=0.0,
        axis=-1,
        reduction="sum_over_batch_size",
        name="binary_crossentropy",
        dtype=None,
    ):
        super().__init__(
            binary_crossentropy,
            name=name,
            reduction=reduction,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=check_label_smoothing(label_smoothing),
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis
