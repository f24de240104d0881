"""`keras.metrics` rebuilt from TensorFlow ops.

The same metrics, state variables and rules as `course_lib.numpy.metrics`
(read its module docstring for the table of metrics, their state and the
differences from Keras 2). Here the classes subclass the public
`keras.metrics.Metric`: their state is created with Keras's
`add_variable`, so they can be passed to `model.compile(metrics=[...])`,
but `update_state`, `result` and `reset_state` are written with TF ops
(`tf.reduce_sum`, `tf.where`, ...). They run eagerly and inside the
`tf.function` that `fit` / `evaluate` trace, where the batch dimension is
unknown (`None`).
"""

import numbers

import numpy as np

from .._common import (
    NEG_INF,
    auc_thresholds,
    check_label_smoothing,
    is_evenly_distributed_thresholds,
    parse_thresholds,
    standardize_auc_curve,
    standardize_auc_summation_method,
)
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from . import nn
from ._convert import check_compatible_shapes, convert_to_tensor, static_shape
from .losses import (
    _sparse_categorical_crossentropy_and_mask,
    apply_mask,
    binary_crossentropy,
    categorical_crossentropy,
    huber,
    mean_absolute_error,
    mean_squared_error,
    sparse_categorical_crossentropy,
    squeeze_or_expand_to_same_rank,
)

__all__ = [
    "Metric",
    "Mean",
    "Sum",
    "MeanMetricWrapper",
    "Accuracy",
    "BinaryAccuracy",
    "CategoricalAccuracy",
    "SparseCategoricalAccuracy",
    "BinaryCrossentropy",
    "CategoricalCrossentropy",
    "SparseCategoricalCrossentropy",
    "MeanSquaredError",
    "MeanAbsoluteError",
    "TruePositives",
    "FalsePositives",
    "TrueNegatives",
    "FalseNegatives",
    "Precision",
    "Recall",
    "AUC",
    "binary_accuracy",
    "categorical_accuracy",
    "sparse_categorical_accuracy",
    "binary_crossentropy",
    "categorical_crossentropy",
    "sparse_categorical_crossentropy",
    "mean_squared_error",
    "mean_absolute_error",
    "huber",
]


def _register(cls):
    """`keras.saving.register_keras_serializable(package="course_lib")` under the name `metrics.<class>`.

    The plain class name would clash with the loss classes of the same name
    (`course_lib>CategoricalCrossentropy` is the loss), and Keras's registry
    silently keeps the last one registered, so a saved loss would load as a metric.
    """
    return keras.saving.register_keras_serializable(package="course_lib", name=f"metrics.{cls.__name__}")(cls)


# --------------------------------------------------------------------------
# The Metric base class
# --------------------------------------------------------------------------


@_register
class Metric(keras.metrics.Metric):
    """Base class: Keras's `Metric` (variables, `__call__`, config) with a TF-op `reset_state`.

    Create state in `__init__` with `self.add_variable(shape=..., initializer="zeros", name=...)`
    (a positional name fails: the first parameter is `shape`), and implement
    `update_state(...)` and `result()` with TF ops.
    """

    def reset_state(self):
        for variable in self.variables:
            variable.assign(tf.zeros(variable.shape, dtype=variable.dtype))


def _static_broadcast_check(x, target, name="sample_weight", what="the metric values"):
    """Raise a clear ValueError when known dimensions of `x` cannot broadcast to `target`'s."""
    x_shape, t_shape = static_shape(x), static_shape(target)
    if x_shape is None or t_shape is None:
        return
    bad = len(x_shape) > len(t_shape) or any(
        None not in (a, b) and a not in (1, b) for a, b in zip(reversed(x_shape), reversed(t_shape))
    )
    if bad:
        raise ValueError(
            f"`{name}` cannot be broadcast to {what}. Received: {name}.shape={x_shape}, shape={t_shape}"
        )


def _broadcast_like(x, target, name="sample_weight", what="the metric values"):
    _static_broadcast_check(x, target, name, what)
    return tf.broadcast_to(x, tf.shape(target))


def _keras_mask(x):
    """The mask Keras attaches to a tensor (`_keras_mask`, e.g. from a `Masking` layer), or None."""
    return getattr(x, "_keras_mask", None)


# --------------------------------------------------------------------------
# Mean, Sum and the per-sample reduction with sample weights
# --------------------------------------------------------------------------


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, mask=None):
    """One (weighted) value per sample and the matching weights (see the NumPy tree for the steps)."""
    values = tf.cast(convert_to_tensor(values, name="values"), dtype)
    if sample_weight is not None:
        sample_weight = convert_to_tensor(sample_weight, dtype=dtype, name="sample_weight")
        if mask is not None:
            sample_weight = _apply_mask_checked(sample_weight, mask, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.shape.rank, values.shape.rank
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=list(range(weight_ndim, values_ndim)))
        sample_weight = _broadcast_like(sample_weight, values)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=list(range(1, weight_ndim)))
    if values.shape.rank > 1:
        values = reduce_fn(values, axis=list(range(1, values.shape.rank)))
    return values, sample_weight


def _apply_mask_checked(sample_weight, mask, dtype):
    """`apply_mask(..., reduction="sum")`, with a clear error when the weights and the mask cannot multiply."""
    float_mask, weights = squeeze_or_expand_to_same_rank(tf.cast(mask, dtype), sample_weight)
    m_shape, w_shape = static_shape(float_mask), static_shape(weights)
    if m_shape is not None and w_shape is not None:
        for a, b in zip(reversed(m_shape), reversed(w_shape)):
            if None not in (a, b) and 1 not in (a, b) and a != b:
                raise ValueError(
                    "`sample_weight` cannot be broadcast to the mask of valid values. "
                    f"Received: sample_weight.shape={static_shape(sample_weight)}, mask.shape={static_shape(mask)}"
                )
    return apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")


@_register
class Sum(Metric):
    r"""The running (weighted) sum $\sum_i w_i v_i$. State: `total`."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, tf.reduce_sum, self.dtype)
        self.total.assign_add(tf.reduce_sum(values))

    def reset_state(self):
        self.total.assign(tf.zeros((), self.dtype))

    def result(self):
        return tf.identity(tf.convert_to_tensor(self.total))


@_register
class Mean(Metric):
    r"""The running (weighted) mean $\sum_i w_i v_i / \sum_i w_i$. State: `total`, `count`."""

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        self._accumulate(values, sample_weight, mask=_keras_mask(values))

    def _accumulate(self, values, sample_weight, mask=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, tf.reduce_mean, self.dtype, mask)
        self.total.assign_add(tf.reduce_sum(values))
        if sample_weight is not None:
            num_samples = tf.reduce_sum(sample_weight)
        elif values.shape.rank >= 1:
            num_samples = tf.cast(tf.shape(values)[0], self.dtype)
        else:
            num_samples = tf.ones((), self.dtype)
        self.count.assign_add(tf.cast(num_samples, self.dtype))

    def reset_state(self):
        self.total.assign(tf.zeros((), self.dtype))
        self.count.assign(tf.zeros((), self.dtype))

    def result(self):
        return tf.math.divide_no_nan(tf.convert_to_tensor(self.total), tf.convert_to_tensor(self.count))


_MASKED_VARIANTS = {sparse_categorical_crossentropy: _sparse_categorical_crossentropy_and_mask}


@_register
class MeanMetricWrapper(Mean):
    """The running weighted mean of `fn(y_true, y_pred, **kwargs)`.

    A mask on `y_pred` (Keras's `_keras_mask`) always weighs the samples;
    a mask on the values (`ignore_class`) only when `sample_weight` is given,
    as in Keras 3.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            raise TypeError(f"`fn` must be a function of (y_true, y_pred). Received: fn={fn!r}")
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        pred_mask = _keras_mask(y_pred)
        masked_fn = _MASKED_VARIANTS.get(self._fn)
        if masked_fn is not None:
            values, mask = masked_fn(y_true, y_pred, **self._fn_kwargs)
        else:
            values = self._fn(y_true, y_pred, **self._fn_kwargs)
            mask = _keras_mask(values)
        if pred_mask is not None:
            if sample_weight is not None:
                sample_weight = convert_to_tensor(sample_weight, dtype=self.dtype, name="sample_weight")
            sample_weight = apply_mask(sample_weight, pred_mask, dtype=self.dtype, reduction="sum")
        self._accumulate(values, sample_weight, mask)

    def get_config(self):
        fn = self._fn.__name__ if globals().get(getattr(self._fn, "__name__", None)) is self._fn else self._fn
        if callable(fn):
            fn = keras.saving.serialize_keras_object(fn)
        return {**Metric.get_config(self), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), str):
            config["fn"] = globals()[config["fn"]]
        elif isinstance(config.get("fn"), dict):
            config["fn"] = keras.saving.deserialize_keras_object(config["fn"])
        return cls(**config)


# --------------------------------------------------------------------------
# Accuracy functions and classes
# --------------------------------------------------------------------------


def _check_broadcastable(y_true, y_pred):
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if t_shape is None or p_shape is None:
        return
    for a, b in zip(reversed(t_shape), reversed(p_shape)):
        if None not in (a, b) and a != b and 1 not in (a, b):
            raise ValueError(
                "`y_true` and `y_pred` must have compatible shapes. "
                f"Received: y_true.shape={t_shape}, y_pred.shape={p_shape}"
            )


def _argmax_last(x):
    """`argmax` over the last axis as int32; like Keras on TF, -0.0 counts as smaller than 0.0."""
    if x.dtype.is_floating:
        negative_zero = tf.logical_and(tf.equal(x, 0), tf.math.reciprocal(x) < 0)  # 1/-0 = -inf
        x = tf.where(negative_zero, tf.constant(-np.finfo(x.dtype.as_numpy_dtype).tiny, x.dtype), x)
    return tf.argmax(x, axis=-1, output_type=tf.int32)


def accuracy(y_true, y_pred):
    r"""1.0 where $y = \hat y$ exactly, else 0.0 (the function behind `Accuracy`; not exported by Keras)."""
    y_pred = convert_to_tensor(y_pred, name="y_pred")
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype, name="y_true")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check_broadcastable(y_true, y_pred)
    return tf.cast(tf.equal(y_true, y_pred), tf.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    r"""1.0 where $[\hat y > \text{threshold}] = y$, else 0.0, element-wise."""
    y_pred = convert_to_tensor(y_pred, name="y_pred")
    y_true = convert_to_tensor(y_true, name="y_true")
    threshold = convert_to_tensor(threshold, name="threshold")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check_broadcastable(y_true, y_pred)
    compare_dtype = tf.float64 if tf.float64 in (y_pred.dtype, threshold.dtype) else tf.float32
    predicted = tf.cast(tf.cast(y_pred, compare_dtype) > tf.cast(threshold, compare_dtype), y_true.dtype)
    return tf.cast(tf.equal(y_true, predicted), tf.float32)


def categorical_accuracy(y_true, y_pred):
    r"""1.0 where the argmaxes of `y_true` and `y_pred` over the last axis agree (shapes must match)."""
    y_pred = convert_to_tensor(y_pred, name="y_pred")
    y_true = convert_to_tensor(y_true, name="y_true")
    check_compatible_shapes(y_true, y_pred, "y_true", "y_pred")
    if y_pred.shape.rank is not None and y_pred.shape.rank < 1:
        raise ValueError("`y_pred` must have a class axis (rank >= 1) for categorical_accuracy.")
    return tf.cast(tf.equal(_argmax_last(y_true), _argmax_last(y_pred)), tf.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    r"""1.0 where the integer label equals the argmax of `y_pred` over its last axis."""
    y_pred = convert_to_tensor(y_pred, name="y_pred")
    y_true = convert_to_tensor(y_true, dtype=y_pred.dtype, name="y_true")
    p_rank, t_rank = y_pred.shape.rank, y_true.shape.rank
    if p_rank is not None and p_rank < 1:
        raise ValueError("`y_pred` must have a class axis (rank >= 1) for sparse_categorical_accuracy.")
    if t_rank == p_rank and y_true.shape[-1] == 1:
        y_true = tf.squeeze(y_true, -1)
    t_shape, p_shape = static_shape(y_true), static_shape(y_pred)
    if t_shape is not None and p_shape is not None:
        expected = p_shape[:-1]
        if len(t_shape) != len(expected) or any(
            None not in (a, b) and a != b for a, b in zip(t_shape, expected)
        ):
            raise ValueError(
                "`y_true` must have the shape of `y_pred` without its last (class) axis. "
                f"Received: y_true.shape={t_shape}, y_pred.shape={p_shape}"
            )
    matches = tf.cast(tf.equal(y_true, tf.cast(_argmax_last(y_pred), y_pred.dtype)), tf.float32)
    if matches.shape.rank > 1 and matches.shape[-1] == 1:
        matches = tf.squeeze(matches, -1)
    return matches


@_register
class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


@_register
class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {**Metric.get_config(self), "threshold": self.threshold}


@_register
class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions matches the one-hot label."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


@_register
class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions equals the integer label."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


# --------------------------------------------------------------------------
# Streaming losses
# --------------------------------------------------------------------------


@_register
class BinaryCrossentropy(MeanMetricWrapper):
    """The running weighted mean of `binary_crossentropy`."""

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        check_label_smoothing(label_smoothing)
        super().__init__(binary_crossentropy, name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {**Metric.get_config(self), "from_logits": self.from_logits, "label_smoothing": self.label_smoothing}


@_register
class CategoricalCrossentropy(MeanMetricWrapper):
    """The running weighted mean of `categorical_crossentropy`."""

    def __init__(self, name="categorical_crossentropy", dtype=None, from_logits=False, label_smoothing=0, axis=-1):
        check_label_smoothing(label_smoothing)
        super().__init__(
            categorical_crossentropy,
            name,
            dtype=dtype,
            from_logits=from_logits,
            label_smoothing=label_smoothing,
            axis=axis,
        )
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing
        self.axis = axis

    def get_config(self):
        return {
            **Metric.get_config(self),
            "from_logits": self.from_logits,
            "label_smoothing": self.label_smoothing,
            "axis": self.axis,
        }


@_register
class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The running weighted mean of `sparse_categorical_crossentropy`.

    As in Keras 3, `ignore_class` positions are left out of the average only
    when `sample_weight` is given (otherwise they count, with value 0).
    """

    def __init__(self, name="sparse_categorical_crossentropy", dtype=None, from_logits=False, ignore_class=None, axis=-1):
        super().__init__(
            sparse_categorical_crossentropy,
            name=name,
            dtype=dtype,
            from_logits=from_logits,
            ignore_class=ignore_class,
            axis=axis,
        )
        self.from_logits = from_logits
        self.ignore_class = ignore_class
        self.axis = axis

    def get_config(self):
        return {
            **Metric.get_config(self),
            "from_logits": self.from_logits,
            "ignore_class": self.ignore_class,
            "axis": self.axis,
        }


@_register
class MeanSquaredError(MeanMetricWrapper):
    """The running weighted mean of `mean_squared_error`."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


@_register
class MeanAbsoluteError(MeanMetricWrapper):
    """The running weighted mean of `mean_absolute_error`."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


# --------------------------------------------------------------------------
# Confusion-matrix counts per threshold
# --------------------------------------------------------------------------

CONFUSION_MATRIX_KEYS = ("tp", "fp", "tn", "fn")


def _filter_top_k(x, k):
    """Keep the `k` largest values of the last axis (ties: lowest index first), set the rest to `NEG_INF`."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"`top_k` must be a positive integer. Received: top_k={k!r}")
    shape = static_shape(x)
    if shape is not None and (len(shape) < 1 or (shape[-1] is not None and shape[-1] < k)):
        raise ValueError(f"`top_k`={k} is larger than the last axis of `y_pred` (shape {shape}).")
    top = tf.math.top_k(x, k=k, sorted=True).indices
    keep = tf.reduce_any(tf.equal(tf.expand_dims(top, -1), tf.range(tf.shape(x)[-1], dtype=top.dtype)), axis=-2)
    return tf.where(keep, x, tf.constant(NEG_INF, x.dtype))


def confusion_counts(
    y_true,
    y_pred,
    thresholds,
    keys=CONFUSION_MATRIX_KEYS,
    top_k=None,
    class_id=None,
    sample_weight=None,
    multi_label=False,
    label_weights=None,
    thresholds_distributed_evenly=False,
):
    r"""Weighted confusion counts of one batch per threshold, `{"tp": ..., ...}` (see the NumPy tree).

    A prediction is positive at threshold $t$ when $\hat y > t$; the
    comparison is one broadcast `(num_thresholds, elements)`. With evenly
    spaced thresholds Keras's bucket arithmetic is reproduced: clip to
    [0, 1], test $\hat y\,(T-1) > i$, count everything at an $-\epsilon$ first
    threshold, and get $FN$, $TN$ by subtraction.
    """
    y_true = tf.cast(convert_to_tensor(y_true, name="y_true"), tf.float32)
    y_pred = tf.cast(convert_to_tensor(y_pred, name="y_pred"), tf.float32)
    unknown = [key for key in keys if key not in CONFUSION_MATRIX_KEYS]
    if unknown:
        raise ValueError(f"Invalid keys: {unknown}. Valid keys are {list(CONFUSION_MATRIX_KEYS)}")
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    check_compatible_shapes(y_true, y_pred, "y_true", "y_pred")
    if sample_weight is not None:
        sample_weight = tf.expand_dims(convert_to_tensor(sample_weight, dtype=tf.float32, name="sample_weight"), -1)
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.shape.rank < 2:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {static_shape(y_pred)}"
            )
        num_classes = y_pred.shape[-1]
        if num_classes is not None and not -num_classes <= class_id < num_classes:
            raise ValueError(f"`class_id`={class_id} is out of range for y_pred.shape={static_shape(y_pred)}.")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if multi_label and y_pred.shape.rank != 2:
        raise ValueError(
            f"`y_pred` must have rank 2 when `multi_label=True`. Received: y_pred.shape={static_shape(y_pred)}"
        )

    weights = None
    if sample_weight is not None:
        weights = _broadcast_like(sample_weight, y_pred, what="`y_pred`")
    if label_weights is not None and not multi_label:
        label_weights = tf.expand_dims(tf.cast(label_weights, tf.float32), 0)
        label_weights = _broadcast_like(label_weights, y_pred, "label_weights", "`y_pred`")
        weights = label_weights if weights is None else weights * label_weights

    num_thresholds = len(thresholds)
    if thresholds_distributed_evenly:
        first_counts_all = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        scores = tf.clip_by_value(y_pred, 0.0, 1.0) * float(num_thresholds - 1)
        levels = tf.range(num_thresholds, dtype=tf.float32)
    else:
        scores, levels = y_pred, tf.constant([float(t) for t in thresholds], tf.float32)
    if not multi_label:
        scores, y_true = tf.reshape(scores, [-1]), tf.reshape(y_true, [-1])
        weights = None if weights is None else tf.reshape(weights, [-1])

    rank = scores.shape.rank
    pred_is_pos = tf.expand_dims(scores, 0) > tf.reshape(levels, [num_thresholds] + [1] * rank)
    label_is_pos = tf.cast(y_true, tf.bool)
    w = tf.ones((), tf.float32) if weights is None else weights
    if thresholds_distributed_evenly:
        if first_counts_all:
            first_row = tf.reshape(tf.range(num_thresholds) == 0, [num_thresholds] + [1] * rank)
            pred_is_pos = tf.logical_or(pred_is_pos, first_row)
        labels01 = tf.cast(label_is_pos, tf.float32)
        true_labels, false_labels = labels01 * w, (1.0 - labels01) * w
        tp = tf.reduce_sum(tf.where(pred_is_pos, true_labels, 0.0), axis=1)
        fp = tf.reduce_sum(tf.where(pred_is_pos, false_labels, 0.0), axis=1)
        counts = {
            "tp": tp,
            "fp": fp,
            "tn": tf.reduce_sum(false_labels, axis=0) - fp,
            "fn": tf.reduce_sum(true_labels, axis=0) - tp,
        }
        return {key: counts[key] for key in keys}
    label_is_neg, pred_is_neg = tf.logical_not(label_is_pos), tf.logical_not(pred_is_pos)
    cells = {
        "tp": (label_is_pos, pred_is_pos),
        "fp": (label_is_neg, pred_is_pos),
        "tn": (label_is_neg, pred_is_neg),
        "fn": (label_is_pos, pred_is_neg),
    }
    counts = {}
    for key in keys:
        label, pred = cells[key]
        both = tf.logical_and(label, pred)
        counts[key] = tf.reduce_sum(tf.where(both, w, tf.zeros_like(w)), axis=1)
    return counts


def update_confusion_matrix_variables(variables_to_update, y_true, y_pred, thresholds, **kwargs):
    """Add the counts of `confusion_counts` to the variables of `{"tp": var, "fp": var, ...}`."""
    counts = confusion_counts(y_true, y_pred, thresholds, keys=tuple(variables_to_update), **kwargs)
    for key, variable in variables_to_update.items():
        variable.assign_add(counts[key])


class _ConfusionMatrixConditionCount(Metric):
    """One confusion count per threshold (default 0.5), in the variable `accumulator`."""

    _key = None

    def __init__(self, thresholds=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.thresholds = parse_thresholds(thresholds, default_threshold=0.5)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        self.accumulator = self.add_variable(shape=(len(self.thresholds),), initializer="zeros", name="accumulator")

    def update_state(self, y_true, y_pred, sample_weight=None):
        update_confusion_matrix_variables(
            {self._key: self.accumulator},
            y_true,
            y_pred,
            list(self.thresholds),
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = tf.convert_to_tensor(self.accumulator)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


@_register
class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted above the threshold."""

    _key = "tp"


@_register
class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted above the threshold."""

    _key = "fp"


@_register
class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted at or below the threshold."""

    _key = "tn"


@_register
class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted at or below the threshold."""

    _key = "fn"


class _PrecisionRecallBase(Metric):
    _second = None

    def __init__(self, thresholds=None, top_k=None, class_id=None, name=None, dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.init_thresholds = thresholds
        self.top_k = top_k
        self.class_id = class_id
        default_threshold = 0.5 if top_k is None else NEG_INF
        self.thresholds = parse_thresholds(thresholds, default_threshold=default_threshold)
        self._thresholds_distributed_evenly = is_evenly_distributed_thresholds(self.thresholds)
        size = (len(self.thresholds),)
        self.true_positives = self.add_variable(shape=size, initializer="zeros", name="true_positives")
        key, variable_name = self._second
        setattr(self, variable_name, self.add_variable(shape=size, initializer="zeros", name=variable_name))

    def update_state(self, y_true, y_pred, sample_weight=None):
        key, variable_name = self._second
        update_confusion_matrix_variables(
            {"tp": self.true_positives, key: getattr(self, variable_name)},
            y_true,
            y_pred,
            list(self.thresholds),
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = tf.convert_to_tensor(self.true_positives)
        other = tf.convert_to_tensor(getattr(self, self._second[1]))
        value = tf.math.divide_no_nan(tp, tp + other)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id}


@_register
class Precision(_PrecisionRecallBase):
    r"""$TP / (TP + FP)$ over everything seen, per threshold; see the NumPy tree for the arguments."""

    _second = ("fp", "false_positives")


@_register
class Recall(_PrecisionRecallBase):
    r"""$TP / (TP + FN)$ over everything seen, per threshold."""

    _second = ("fn", "false_negatives")


# --------------------------------------------------------------------------
# AUC
# --------------------------------------------------------------------------


@_register
class AUC(Metric):
    r"""Area under the ROC or PR curve from confusion counts per threshold.

    See `course_lib.numpy.metrics.AUC` for the thresholds, the Riemann sums
    and the PR interpolation formula. Unlike Keras, thresholds outside
    [0, 1] are refused.
    """

    def __init__(
        self,
        num_thresholds=200,
        curve="ROC",
        summation_method="interpolation",
        name=None,
        dtype=None,
        thresholds=None,
        multi_label=False,
        num_labels=None,
        label_weights=None,
        from_logits=False,
    ):
        curve = standardize_auc_curve(curve)
        summation_method = standardize_auc_summation_method(summation_method)
        num_thresholds, endpoints_included, evenly = auc_thresholds(num_thresholds, thresholds)
        super().__init__(name=name, dtype=dtype)
        self.curve = curve
        self.summation_method = summation_method
        self._init_from_thresholds = thresholds is not None
        self.num_thresholds = num_thresholds
        self._thresholds = endpoints_included
        self._thresholds_distributed_evenly = evenly
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else tf.constant(label_weights, dtype=self.dtype)
        self._from_logits = from_logits
        self._built = False
        if multi_label:
            if num_labels:
                self._build((None, num_labels))
        else:
            if num_labels:
                raise ValueError("`num_labels` is needed only when `multi_label` is True.")
            self._build(None)

    @property
    def thresholds(self):
        """The thresholds, endpoints included."""
        return list(self._thresholds)

    def _build(self, shape):
        if self.multi_label:
            if len(shape) != 2:
                raise ValueError(
                    f"`y_pred` must have rank 2 when `multi_label=True`. Found rank {len(shape)}. "
                    f"Full shape received for `y_pred`: {shape}"
                )
            self._num_labels = shape[1]
            variable_shape = (self.num_thresholds, self._num_labels)
        else:
            variable_shape = (self.num_thresholds,)
        self.true_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_positives")
        self.false_positives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_positives")
        self.true_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="true_negatives")
        self.false_negatives = self.add_variable(shape=variable_shape, initializer="zeros", name="false_negatives")
        self._built = True

    def update_state(self, y_true, y_pred, sample_weight=None):
        y_pred = convert_to_tensor(y_pred, name="y_pred")
        if not self._built:
            self._build(static_shape(y_pred))
        if self._from_logits:
            y_pred = nn.sigmoid(y_pred)
        update_confusion_matrix_variables(
            {
                "tp": self.true_positives,
                "tn": self.true_negatives,
                "fp": self.false_positives,
                "fn": self.false_negatives,
            },
            y_true,
            y_pred,
            list(self._thresholds),
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _counts(self):
        return tuple(
            tf.convert_to_tensor(v)
            for v in (self.true_positives, self.false_positives, self.true_negatives, self.false_negatives)
        )

    def _average_over_labels(self, per_threshold):
        if not self.multi_label:
            return tf.reduce_sum(per_threshold)
        by_label = tf.reduce_sum(per_threshold, axis=0)
        if self.label_weights is None:
            return tf.reduce_mean(by_label)
        return tf.math.divide_no_nan(tf.reduce_sum(by_label * self.label_weights), tf.reduce_sum(self.label_weights))

    def interpolate_pr_auc(self):
        """The PR area with Davis & Goadrich's interpolation."""
        tp, fp, _, fn = self._counts()
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = tf.math.divide_no_nan(dtp, tf.maximum(dp, 0.0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = tf.logical_and(p[:-1] > 0, p[1:] > 0)
        safe_p_ratio = tf.where(both_positive, tf.math.divide_no_nan(p[:-1], tf.maximum(p[1:], 0.0)), tf.ones_like(p[1:]))
        increments = tf.math.divide_no_nan(
            prec_slope * (dtp + intercept * tf.math.log(safe_p_ratio)), tf.maximum(tp[1:] + fn[1:], 0.0)
        )
        return self._average_over_labels(increments)

    def result(self):
        if not self._built:
            return tf.zeros((), tf.float32)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return self.interpolate_pr_auc()
        tp, fp, tn, fn = self._counts()
        recall = tf.math.divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = tf.math.divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, tf.math.divide_no_nan(tp, tp + fp)
        else:
            scale = tf.math.divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * tf.math.divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * tf.math.divide_no_nan(fp, tp)
            no_tp = tf.equal(tp, 0.0)
            x = tf.maximum(tf.where(no_tp, tf.zeros_like(tp), recall_gain), 0.0)
            y = tf.where(no_tp, tf.ones_like(tp), precision_gain)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / 2.0
        elif self.summation_method == "minoring":
            heights = tf.minimum(y[:-1], y[1:])
        else:
            heights = tf.maximum(y[:-1], y[1:])
        return self._average_over_labels((x[:-1] - x[1:]) * heights)

    def reset_state(self):
        if self._built:
            super().reset_state()

    def get_config(self):
        config = {
            **super().get_config(),
            "num_thresholds": self.num_thresholds,
            "curve": self.curve,
            "summation_method": self.summation_method,
            "multi_label": self.multi_label,
            "num_labels": self.num_labels,
            "label_weights": None if self.label_weights is None else self.label_weights.numpy().tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
