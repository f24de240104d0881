"""`keras.losses` in NumPy: loss functions, the `Loss` base class and its reductions.

A loss *function* maps `(y_true, y_pred)` to one value per sample (the last
axis is reduced). A loss *class* wraps such a function and then reduces
those values to a scalar, optionally weighting them by `sample_weight`:

| `reduction`                  | result                                             |
|------------------------------|----------------------------------------------------|
| `"sum_over_batch_size"`      | $\\sum_i w_i \\ell_i / N$  ($N$ = number of values) |
| `"mean"`                     | same as `"sum_over_batch_size"`                    |
| `"sum"`                      | $\\sum_i w_i \\ell_i$                                |
| `"mean_with_sample_weight"`  | $\\sum_i w_i \\ell_i / \\sum_i w_i$                   |
| `"none"` / `None`            | the weighted values $w_i \\ell_i$, unreduced         |
"""

import warnings

import numpy as np

from .._common import auto_name, check_axis, check_label_smoothing, standardize_reduction
from . import ops
from ._convert import as_float_array, convert_to_array


# --------------------------------------------------------------------------
# Reductions and sample weights
# --------------------------------------------------------------------------


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks equal when they differ by one and the extra axis has size 1.

    A rank-1 partner is expanded (`(n,)` -> `(n, 1)`); otherwise the size-1
    axis is squeezed. This is how `(n,)` labels meet `(n, 1)` predictions.
    """
    if x1.ndim == x2.ndim + 1 and x1.shape[-1] == 1:
        if x2.ndim == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif x2.ndim == x1.ndim + 1 and x2.shape[-1] == 1:
        if x1.ndim == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def _broadcast_weights(values, sample_weight):
    """Align `sample_weight` with `values`, or say which shapes do not fit."""
    values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
    try:
        np.broadcast_shapes(sample_weight.shape, values.shape)
    except ValueError:
        raise ValueError(
            "`sample_weight` cannot be broadcast to the per-sample losses. "
            f"Received: sample_weight.shape={sample_weight.shape}, losses.shape={values.shape}"
        ) from None
    return values, sample_weight


def apply_mask(sample_weight, mask, dtype, reduction):
    """Fold a boolean `mask` (True = keep) into `sample_weight`.

    For the averaging reductions the kept entries get weight total/valid, so
    that dividing by the number of *all* entries averages over the kept ones.
    """
    if mask is None:
        return sample_weight
    mask = np.asarray(mask, dtype=bool)
    if reduction in ("mean", "sum_over_batch_size"):
        valid = np.count_nonzero(mask)
        scale = mask.size / valid if valid else 0.0
        float_mask = np.where(mask, scale, 0.0).astype(dtype)
    else:
        float_mask = mask.astype(dtype)
    if sample_weight is None:
        return float_mask
    float_mask, sample_weight = squeeze_or_expand_to_same_rank(float_mask, sample_weight.astype(dtype))
    return sample_weight * float_mask


def reduce_values(values, sample_weight=None, reduction="sum_over_batch_size"):
    """Reduce already-weighted values to a scalar (see the module's table)."""
    if reduction in (None, "none") or values.shape in ((), (0,)):
        return values
    total = np.sum(values)
    if reduction == "sum":
        return total
    if reduction == "mean_with_sample_weight" and sample_weight is not None:
        divisor = np.sum(sample_weight, dtype=values.dtype)
    else:
        divisor = values.dtype.type(values.size)
    return total / divisor if divisor != 0 else total * 0


def reduce_weighted_values(values, sample_weight=None, mask=None, reduction="sum_over_batch_size", dtype="float32"):
    """Weight `values` by `sample_weight` (and `mask`), then reduce them."""
    reduction = standardize_reduction(reduction)
    values = np.asarray(values, dtype=dtype)
    if sample_weight is not None:
        sample_weight = convert_to_array(sample_weight, dtype=dtype, name="sample_weight")
    sample_weight = apply_mask(sample_weight, mask, dtype=values.dtype, reduction=reduction)
    if sample_weight is not None:
        values, sample_weight = _broadcast_weights(values, sample_weight.astype(values.dtype))
        values = values * sample_weight
    return reduce_values(values, sample_weight, reduction)


# --------------------------------------------------------------------------
# Loss functions (one value per sample)
# --------------------------------------------------------------------------


def _true_and_pred(y_true, y_pred):
    """`y_pred` as floats and `y_true` cast to its dtype, as Keras's loss functions do."""
    y_pred = as_float_array(y_pred, "y_pred")
    y_true = as_float_array(y_true, "y_true", like=y_pred)
    return y_true, y_pred


def _check_regression_shapes(y_true, y_pred):
    if y_true.shape != y_pred.shape:
        try:
            np.broadcast_shapes(y_true.shape, y_pred.shape)
        except ValueError:
            raise ValueError(
                "`y_true` and `y_pred` must have compatible shapes. "
                f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
            ) from None


def mean_squared_error(y_true, y_pred):
    r"""$\frac{1}{d}\sum_j (y_j - \hat y_j)^2$ over the last axis."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_true_and_pred(y_true, y_pred))
    _check_regression_shapes(y_true, y_pred)
    return np.mean(np.square(y_true - y_pred), axis=-1)


def mean_absolute_error(y_true, y_pred):
    r"""$\frac{1}{d}\sum_j |y_j - \hat y_j|$ over the last axis."""
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_true_and_pred(y_true, y_pred))
    _check_regression_shapes(y_true, y_pred)
    return np.mean(np.abs(y_true - y_pred), axis=-1)


def huber(y_true, y_pred, delta=1.0):
    r"""Huber loss, averaged over the last axis. With $e = \hat y - y$:

    $$\ell(e) = \begin{cases} \tfrac12 e^2 & |e| \le \delta \\ \delta |e| - \tfrac12\delta^2 & |e| > \delta \end{cases}$$

    Both pieces and their slopes ($e$ and $\delta\,\mathrm{sign}(e)$) agree at
    $|e| = \delta$, so the loss is smooth and grows only linearly for outliers.
    """
    y_true, y_pred = squeeze_or_expand_to_same_rank(*_true_and_pred(y_true, y_pred))
    _check_regression_shapes(y_true, y_pred)
    delta = y_pred.dtype.type(delta)
    if delta < 0:
        raise ValueError(f"`delta` must be non-negative. Received: delta={delta}")
    error = y_pred - y_true
    abs_error = np.abs(error)
    half = y_pred.dtype.type(0.5)
    return np.mean(
        np.where(abs_error <= delta, half * np.square(error), delta * abs_error - half * np.square(delta)),
        axis=-1,
    )


def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    r"""Cross-entropy between one-hot (or soft) labels and predicted distributions.

    With `label_smoothing` $\alpha$, the labels become $y(1-\alpha) + \alpha/K$,
    where $K$ is the size of the **last** axis, whatever `axis` is (as in Keras).
    """
    if isinstance(axis, bool):
        raise ValueError(f"`axis` must be of type `int`. Received: axis={axis} of type {type(axis)}")
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred = _true_and_pred(y_true, y_pred)
    check_axis(axis, y_pred.ndim)
    if y_pred.ndim and y_pred.shape[-1] == 1:
        warnings.warn(
            "In loss categorical_crossentropy, expected y_pred.shape to be (batch_size, num_classes) "
            f"with num_classes > 1. Received: y_pred.shape={y_pred.shape}. "
            "Consider using 'binary_crossentropy' if you only have 2 classes.",
            SyntaxWarning,
            stacklevel=2,
        )
    if label_smoothing:
        num_classes = y_true.shape[-1]
        y_true = y_true * (1.0 - label_smoothing) + label_smoothing / num_classes
    return ops.categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)


def _sparse_categorical_crossentropy_and_mask(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    """Per-position losses and the boolean mask of positions that count (or None)."""
    y_pred = as_float_array(y_pred, "y_pred")
    y_true = convert_to_array(y_true, name="y_true")
    if y_true.ndim == y_pred.ndim and y_true.shape[axis] == 1:
        y_true = np.squeeze(y_true, axis=axis)
    if ignore_class is None:
        return ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis), None
    class_axis = check_axis(axis, y_pred.ndim)
    valid = y_true != ignore_class
    if valid.shape != y_pred.shape[:class_axis] + y_pred.shape[class_axis + 1 :]:
        raise ValueError(
            "`y_true` must have the shape of `y_pred` without its class axis. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    y_true = np.where(valid, y_true, 0)
    y_pred = np.where(np.expand_dims(valid, class_axis), y_pred, 0)
    losses = ops.sparse_categorical_crossentropy(y_true, y_pred, from_logits=from_logits, axis=axis)
    return np.where(valid, losses, 0).astype(losses.dtype), valid


def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    r"""Cross-entropy for integer class ids: $-\log p_{y}$ per position.

    `y_true` has the shape of `y_pred` without the class axis (a trailing
    size-1 axis is squeezed). Positions whose label equals `ignore_class`
    get loss 0 here; the `SparseCategoricalCrossentropy` class also leaves
    them out of the average. Keras 3 on TF supports only `axis=-1`.
    """
    return _sparse_categorical_crossentropy_and_mask(y_true, y_pred, from_logits, ignore_class, axis)[0]


def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    r"""Element-wise binary cross-entropy, averaged over `axis`.

    With `label_smoothing` $\alpha$ the labels are squeezed towards 0.5:
    $y(1-\alpha) + \alpha/2$.
    """
    label_smoothing = check_label_smoothing(label_smoothing)
    y_true, y_pred = _true_and_pred(y_true, y_pred)
    if label_smoothing:
        y_true = y_true * (1.0 - label_smoothing) + 0.5 * label_smoothing
    losses = ops.binary_crossentropy(y_true, y_pred, from_logits=from_logits)
    return np.mean(losses, axis=check_axis(axis, losses.ndim) if losses.ndim else None)


# Aliases that `tf.keras.losses` still exports in Keras 3 (top-level
# `keras.losses` has only the long names).
mse = MSE = mean_squared_error
mae = MAE = mean_absolute_error


# --------------------------------------------------------------------------
# Loss classes
# --------------------------------------------------------------------------


class Loss:
    """Base class: `__call__` runs `call` and reduces its per-sample values.

    Subclasses implement `call(y_true, y_pred)`. Both inputs are converted
    to `dtype` (float32 unless given) before `call` sees them, as in Keras 3,
    so a loss object returns float32 even for float64 NumPy input.
    """

    def __init__(self, name=None, reduction="sum_over_batch_size", dtype=None):
        self.name = name or auto_name(type(self).__name__)
        self.reduction = standardize_reduction(reduction)
        self.dtype = np.dtype(dtype or "float32").name

    def __call__(self, y_true, y_pred, sample_weight=None):
        y_true = convert_to_array(y_true, dtype=self.dtype, name="y_true")
        y_pred = convert_to_array(y_pred, dtype=self.dtype, name="y_pred")
        values, mask = self._call_with_mask(y_true, y_pred)
        return reduce_weighted_values(values, sample_weight, mask, self.reduction, self.dtype)

    def _call_with_mask(self, y_true, y_pred):
        return self.call(y_true, y_pred), None

    def call(self, y_true, y_pred):
        raise NotImplementedError(f"{type(self).__name__} must implement call(y_true, y_pred).")

    def get_config(self):
        return {"name": self.name, "reduction": self.reduction}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r} reduction={self.reduction!r}>"


class LossFunctionWrapper(Loss):
    """A `Loss` made from a loss function and the keyword arguments to pass it."""

    def __init__(self, fn, reduction="sum_over_batch_size", name=None, dtype=None, **kwargs):
        super().__init__(name=name, reduction=reduction, dtype=dtype)
        self.fn = fn
        self._fn_kwargs = kwargs

    def call(self, y_true, y_pred):
        y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
        return self.fn(y_true, y_pred, **self._fn_kwargs)

    def get_config(self):
        return {**super().get_config(), **self._fn_kwargs}


class MeanSquaredError(LossFunctionWrapper):
    """Mean of squared errors; see `mean_squared_error`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_squared_error", dtype=None):
        super().__init__(mean_squared_error, name=name, reduction=reduction, dtype=dtype)


class MeanAbsoluteError(LossFunctionWrapper):
    """Mean of absolute errors; see `mean_absolute_error`."""

    def __init__(self, reduction="sum_over_batch_size", name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name=name, reduction=reduction, dtype=dtype)


class Huber(LossFunctionWrapper):
    """Huber loss with threshold `delta`; see `huber`."""

    def __init__(self, delta=1.0, reduction="sum_over_batch_size", name="huber_loss", dtype=None):
        super().__init__(huber, name=name, reduction=reduction, dtype=dtype, delta=delta)

    def get_config(self):
        return Loss.get_config(self)


class CategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for one-hot labels; see `categorical_crossentropy`."""

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


class SparseCategoricalCrossentropy(LossFunctionWrapper):
    """Cross-entropy for integer labels; positions labelled `ignore_class` are left out."""

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
