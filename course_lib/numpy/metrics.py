"""`keras.metrics` in NumPy: streaming metrics, the `Metric` base class and metric functions.

A loss scores one batch. A **metric** is *stateful*: it keeps running totals
in state variables, so its value covers every batch since the last reset.

- `update_state(y_true, y_pred, sample_weight=None)` adds one batch to the totals;
- `result()` turns the totals into the metric's value;
- `reset_state()` sets every total back to zero (`fit` does it every epoch);
- `metric(y_true, y_pred)` is `update_state(...)` followed by `result()`.

| metric                                   | state variables (Keras's names)     | `result()`                      |
|------------------------------------------|-------------------------------------|---------------------------------|
| `Sum`                                    | `total`                             | $\\sum_i w_i v_i$               |
| `Mean`, `MeanMetricWrapper` & subclasses | `total`, `count`                    | $\\sum_i w_i v_i / \\sum_i w_i$ |
| `TruePositives`, `FalsePositives`, ...   | `accumulator` (one per threshold)   | the weighted count              |
| `Precision`                              | `true_positives`, `false_positives` | $TP / (TP + FP)$ per threshold  |
| `Recall`                                 | `true_positives`, `false_negatives` | $TP / (TP + FN)$ per threshold  |
| `AUC`                                    | all four counts, per threshold      | area under the ROC or PR curve  |

The subclasses of `MeanMetricWrapper` average a per-sample function:
`Accuracy`, `BinaryAccuracy`, `CategoricalAccuracy`, `SparseCategoricalAccuracy`,
the cross-entropies and `MeanSquaredError` / `MeanAbsoluteError`.

Mind the denominator: a weighted *loss* divides by the number of values, a
`Mean` *metric* by the sum of the weights. With the same data and
`sample_weight=[.3, .7]`, `CategoricalCrossentropy` gives 0.8136 as a loss
and 1.6272 as a metric.

Keras 3 against Keras 2 (`tf.keras`):

- `reset_states()` is gone; use `reset_state()`.
- The first positional parameter of `add_weight` / `add_variable` is
  `shape`, so `add_weight("total")` fails: pass `name=` as a keyword.
- Variable names lose the `":0"` suffix (`"total"`, not `"total:0"`).
- `MeanMetricWrapper` hands `y_true` and `y_pred` to its function as they
  are; Keras 2 first cast both to the metric's dtype and squeezed or
  expanded their ranks to match.
- A mask on the function's values (e.g. from `ignore_class`) only counts
  when a `sample_weight` is given (see `SparseCategoricalCrossentropy`);
  Keras 2 applied it always.

Here the state lives in `Variable` objects, each holding a NumPy array
(0-d or 1-d, float32 by default) and offering Keras's `assign` and
`assign_add`.
"""

import numbers

import numpy as np

from .._common import (
    NEG_INF,
    auc_thresholds,
    auto_name,
    check_label_smoothing,
    check_same_shape,
    is_evenly_distributed_thresholds,
    parse_thresholds,
    standardize_auc_curve,
    standardize_auc_summation_method,
)
from . import nn
from ._convert import convert_to_array
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
    "Variable",
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


# --------------------------------------------------------------------------
# State: Variable and the Metric base class
# --------------------------------------------------------------------------


def _standardize_dtype(dtype):
    """A dtype name; `None` is Keras's `floatx()`, a `DTypePolicy` gives its compute dtype."""
    if dtype is None:
        return "float32"
    dtype = getattr(dtype, "compute_dtype", dtype)
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        dtype = dtype[len("mixed_") :]
    return np.dtype(dtype).name


def _standardize_shape(shape):
    """A tuple of non-negative ints; a string (a name passed positionally) is refused."""
    if isinstance(shape, str):
        raise ValueError(
            f"Cannot convert {shape!r} to a shape. In Keras 3 the first positional argument of "
            "`add_variable` / `add_weight` is `shape`: pass the name as a keyword, e.g. "
            f"`add_weight(name={shape!r}, shape=(), initializer='zeros')`."
        )
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"Cannot convert {shape!r} to a shape: give a tuple such as `()` or `(3,)`.") from None
    for dim in dims:
        if isinstance(dim, bool) or not isinstance(dim, numbers.Integral) or dim < 0:
            raise ValueError(
                f"Cannot convert {shape!r} to a shape. Found invalid dimension {dim!r} of type {type(dim)}."
            )
    return tuple(int(d) for d in dims)


class Variable(np.lib.mixins.NDArrayOperatorsMixin):
    """A named piece of metric state: a NumPy array with `assign` and `assign_add`.

    It mirrors the part of `keras.Variable` that metrics use: `name`,
    `path` (`"<metric name>/<variable name>"`), `shape`, `dtype`, `value`,
    `numpy()`, `assign(value)`, `assign_add(value)`. Arithmetic and NumPy
    functions see the array (`np.sum(v)`, `v + 1`, `v[0]`). Assignments
    write into the same array, so the shape and dtype never change.
    """

    def __init__(self, value, name, path=None):
        self._value = value
        self.name = name
        self.path = path or name

    @property
    def value(self):
        return self._value

    @property
    def shape(self):
        return self._value.shape

    @property
    def dtype(self):
        return self._value.dtype.name

    def numpy(self):
        return self._value.copy()

    def assign(self, value):
        value = np.asarray(value, dtype=self._value.dtype)
        try:
            value = np.broadcast_to(value, self.shape)
        except ValueError:
            raise ValueError(
                f"The shape of the variable {self.path!r} and of the value assigned to it must match. "
                f"Received: variable.shape={self.shape}, value.shape={value.shape}"
            ) from None
        self._value[...] = value
        return self

    def assign_add(self, value):
        return self.assign(self._value + np.asarray(value, dtype=self._value.dtype))

    def assign_sub(self, value):
        return self.assign(self._value - np.asarray(value, dtype=self._value.dtype))

    def __array__(self, dtype=None, copy=None):
        return np.array(self._value, dtype=dtype, copy=True)

    def __array_ufunc__(self, ufunc, method, *inputs, **kwargs):
        inputs = tuple(x._value if isinstance(x, Variable) else x for x in inputs)
        return getattr(ufunc, method)(*inputs, **kwargs)

    def __getitem__(self, key):
        return self._value[key]

    def __len__(self):
        return len(self._value)

    def __float__(self):
        return float(self._value)

    def __repr__(self):
        return f"<Variable path={self.path}, shape={self.shape}, dtype={self.dtype}, value={self._value}>"


def _initial_value(initializer, shape, dtype):
    if initializer is None:
        raise ValueError(
            "A metric variable needs an `initializer` (Keras 3 has no default in `add_weight`): "
            "e.g. `add_weight(name='total', shape=(), initializer='zeros')`."
        )
    if isinstance(initializer, str):
        key = initializer.lower()
        if key == "zeros":
            return np.zeros(shape, dtype)
        if key == "ones":
            return np.ones(shape, dtype)
        raise ValueError(f"Unknown initializer {initializer!r} for a metric variable: use 'zeros', 'ones' or a callable.")
    if callable(initializer):
        return np.array(convert_to_array(initializer(shape, dtype=dtype), name="initial value"), dtype=dtype)
    return np.array(np.broadcast_to(np.asarray(initializer, dtype=dtype), shape))


class Metric:
    """Base class: state in `Variable`s, `update_state` / `result` / `reset_state`.

    Subclasses create their state in `__init__` with
    `self.add_variable(shape=..., initializer="zeros", name=...)` and
    implement `update_state(...)` and `result()`. `reset_state()` sets every
    variable to zeros, and calling the metric runs `update_state` and then
    returns `result()`, as `keras.metrics.Metric.__call__` does.
    """

    def __init__(self, dtype=None, name=None):
        self.name = name or auto_name(type(self).__name__)
        self._dtype = _standardize_dtype(dtype)
        self._variables = []

    @property
    def dtype(self):
        return self._dtype

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="sum", name=None):
        """Create a state variable; `dtype=None` means float32 (not the metric's dtype), as in Keras."""
        shape = _standardize_shape(shape)
        dtype = np.dtype(dtype or "float32")
        name = name or auto_name("variable")
        variable = Variable(_initial_value(initializer, shape, dtype), name=name, path=f"{self.name}/{name}")
        self._variables.append(variable)
        return variable

    def add_weight(self, shape=(), initializer=None, dtype=None, name=None):
        """Keras's older name for `add_variable` (here the initializer has no default either)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype, name=name)

    @property
    def variables(self):
        """Own variables, then those of any metric held as an attribute."""
        variables = list(self._variables)
        for value in vars(self).values():
            if isinstance(value, Metric):
                variables.extend(value.variables)
        return variables

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state(...).")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result().")

    def reset_state(self):
        for variable in self.variables:
            variable.assign(np.zeros(variable.shape, variable.dtype))

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


def _divide_no_nan(numerator, denominator):
    """`numerator / denominator`, and 0 wherever the denominator is 0."""
    numerator, denominator = np.asarray(numerator), np.asarray(denominator)
    safe = np.where(denominator == 0, 1, denominator).astype(denominator.dtype)
    return np.where(denominator == 0, 0, numerator / safe).astype(np.result_type(numerator, denominator))


# --------------------------------------------------------------------------
# Mean, Sum and the per-sample reduction with sample weights
# --------------------------------------------------------------------------


def _broadcast_to(x, shape, name="sample_weight", target="the metric values"):
    try:
        return np.broadcast_to(x, shape)
    except ValueError:
        raise ValueError(
            f"`{name}` cannot be broadcast to {target}. Received: {name}.shape={x.shape}, shape={tuple(shape)}"
        ) from None


def reduce_to_samplewise_values(values, sample_weight, reduce_fn, dtype, mask=None):
    r"""One (weighted) value per sample, and the matching weights, as Keras's `Mean` needs them.

    1. `sample_weight` and `values` are brought to the same rank when they
       differ by a trailing size-1 axis;
    2. axes of `values` beyond the rank of `sample_weight` are reduced with
       `reduce_fn` (so a weight per sample meets a mean per sample);
    3. values are multiplied by the weights broadcast to their shape, and
       weights of rank > 1 are reduced to one weight per sample;
    4. whatever axes remain beyond the first are reduced too.

    A scalar `sample_weight` reduces the whole batch to one value of weight
    $w$ (so `Mean` counts it once, with weight $w$). `mask` (True = keep)
    only matters when `sample_weight` is given, as in Keras 3.
    """
    values = convert_to_array(values, name="values").astype(dtype)
    if sample_weight is not None:
        sample_weight = convert_to_array(sample_weight, dtype=dtype, name="sample_weight")
        if mask is not None:
            sample_weight = _apply_mask_checked(sample_weight, mask, dtype)
        values, sample_weight = squeeze_or_expand_to_same_rank(values, sample_weight)
        weight_ndim, values_ndim = sample_weight.ndim, values.ndim
        if values_ndim > weight_ndim:
            values = reduce_fn(values, axis=tuple(range(weight_ndim, values_ndim)))
        sample_weight = _broadcast_to(sample_weight, values.shape)
        values = values * sample_weight
        if weight_ndim > 1:
            sample_weight = reduce_fn(sample_weight, axis=tuple(range(1, weight_ndim)))
    if values.ndim > 1:
        values = reduce_fn(values, axis=tuple(range(1, values.ndim)))
    return values, sample_weight


def _apply_mask_checked(sample_weight, mask, dtype):
    try:
        return apply_mask(sample_weight, mask, dtype=dtype, reduction="sum")
    except ValueError:
        raise ValueError(
            "`sample_weight` cannot be broadcast to the mask of valid values. "
            f"Received: sample_weight.shape={sample_weight.shape}, mask.shape={np.shape(mask)}"
        ) from None


class Sum(Metric):
    r"""The running (weighted) sum $\sum_i w_i v_i$ of all values seen. State: `total`."""

    def __init__(self, name="sum", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")

    def update_state(self, values, sample_weight=None):
        values, _ = reduce_to_samplewise_values(values, sample_weight, np.sum, self.dtype)
        self.total.assign_add(np.sum(values))

    def reset_state(self):
        self.total.assign(0)

    def result(self):
        return self.total.numpy()[()]


class Mean(Metric):
    r"""The running (weighted) mean $\sum_i w_i v_i / \sum_i w_i$. State: `total`, `count`.

    Without weights, `count` grows by the number of samples (the size of the
    first axis; values of higher rank are first averaged per sample).
    """

    def __init__(self, name="mean", dtype=None):
        super().__init__(name=name, dtype=dtype)
        self.total = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="total")
        self.count = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="count")

    def update_state(self, values, sample_weight=None):
        self._accumulate(values, sample_weight)

    def _accumulate(self, values, sample_weight, mask=None):
        values, sample_weight = reduce_to_samplewise_values(values, sample_weight, np.mean, self.dtype, mask)
        self.total.assign_add(np.sum(values))
        if sample_weight is not None:
            num_samples = np.sum(sample_weight)
        elif values.ndim >= 1:
            num_samples = values.shape[0]
        else:
            num_samples = 1
        self.count.assign_add(num_samples)

    def reset_state(self):
        self.total.assign(0)
        self.count.assign(0)

    def result(self):
        return _divide_no_nan(self.total.value, self.count.value)[()]


# Functions whose masked variant (values, mask) the wrapper uses instead.
_MASKED_VARIANTS = {sparse_categorical_crossentropy: _sparse_categorical_crossentropy_and_mask}


class MeanMetricWrapper(Mean):
    """The running weighted mean of `fn(y_true, y_pred, **kwargs)` over all samples.

    `y_true` and `y_pred` reach `fn` unchanged; its values are then cast to
    the metric's dtype and averaged as in `Mean`. When `fn` is
    `sparse_categorical_crossentropy` with `ignore_class`, the positions it
    ignores are left out, but (as in Keras 3) only if a `sample_weight` is given.
    """

    def __init__(self, fn, name=None, dtype=None, **kwargs):
        super().__init__(name=name, dtype=dtype)
        if not callable(fn):
            raise TypeError(f"`fn` must be a function of (y_true, y_pred). Received: fn={fn!r}")
        self._fn = fn
        self._fn_kwargs = kwargs

    def update_state(self, y_true, y_pred, sample_weight=None):
        masked_fn = _MASKED_VARIANTS.get(self._fn)
        if masked_fn is not None:
            values, mask = masked_fn(y_true, y_pred, **self._fn_kwargs)
        else:
            values, mask = self._fn(y_true, y_pred, **self._fn_kwargs), None
        self._accumulate(values, sample_weight, mask)

    def get_config(self):
        fn = self._fn.__name__ if globals().get(getattr(self._fn, "__name__", None)) is self._fn else self._fn
        return {**super().get_config(), "fn": fn, **self._fn_kwargs}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        if isinstance(config.get("fn"), str):
            config["fn"] = globals()[config["fn"]]
        return cls(**config)


# --------------------------------------------------------------------------
# Accuracy functions and classes
# --------------------------------------------------------------------------


def _check_broadcastable(y_true, y_pred):
    try:
        np.broadcast_shapes(y_true.shape, y_pred.shape)
    except ValueError:
        raise ValueError(
            "`y_true` and `y_pred` must have compatible shapes. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        ) from None


def _argmax_last(x):
    """`argmax` over the last axis; like Keras on TF, -0.0 counts as smaller than 0.0."""
    if x.dtype.kind == "f":
        x = np.where((x == 0) & np.signbit(x), -np.finfo(x.dtype).tiny, x)
    return np.argmax(x, axis=-1)


def accuracy(y_true, y_pred):
    r"""1.0 where $y = \hat y$ exactly, else 0.0 (`y_true` cast to `y_pred`'s dtype).

    The function behind `Accuracy`; `keras.metrics` does not export it.
    """
    y_pred = convert_to_array(y_pred, name="y_pred")
    y_true = convert_to_array(y_true, dtype=y_pred.dtype, name="y_true")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check_broadcastable(y_true, y_pred)
    return np.equal(y_true, y_pred).astype(np.float32)


def binary_accuracy(y_true, y_pred, threshold=0.5):
    r"""1.0 where $[\hat y > \text{threshold}] = y$, else 0.0, element-wise.

    A prediction equal to the threshold counts as 0. `y_true` keeps its
    dtype, so soft labels such as 0.7 never match.
    """
    y_pred = convert_to_array(y_pred, name="y_pred")
    y_true = convert_to_array(y_true, name="y_true")
    threshold = convert_to_array(threshold, name="threshold")
    y_true, y_pred = squeeze_or_expand_to_same_rank(y_true, y_pred)
    _check_broadcastable(y_true, y_pred)
    predicted = (y_pred > threshold).astype(y_true.dtype)
    return np.equal(y_true, predicted).astype(np.float32)


def categorical_accuracy(y_true, y_pred):
    r"""1.0 where $\arg\max_c y_c = \arg\max_c \hat y_c$ over the last axis, else 0.0.

    Ties go to the first (lowest) index. Unlike Keras, which would compare
    the two argmaxes whatever the class counts, `y_true` and `y_pred` must
    have the same shape here.
    """
    y_pred = convert_to_array(y_pred, name="y_pred")
    y_true = convert_to_array(y_true, name="y_true")
    check_same_shape(y_true.shape, y_pred.shape)
    if y_pred.ndim < 1:
        raise ValueError("`y_pred` must have a class axis (rank >= 1) for categorical_accuracy.")
    return np.equal(_argmax_last(y_true), _argmax_last(y_pred)).astype(np.float32)


def sparse_categorical_accuracy(y_true, y_pred):
    r"""1.0 where the integer label $y$ equals $\arg\max_c \hat y_c$, else 0.0.

    `y_true` has the shape of `y_pred` without its last (class) axis; a
    trailing size-1 axis is squeezed. A trailing size-1 axis of the result
    is squeezed too, as in Keras.
    """
    y_pred = convert_to_array(y_pred, name="y_pred")
    y_true = convert_to_array(y_true, dtype=y_pred.dtype, name="y_true")
    if y_pred.ndim < 1:
        raise ValueError("`y_pred` must have a class axis (rank >= 1) for sparse_categorical_accuracy.")
    if y_true.ndim == y_pred.ndim and y_true.shape[-1] == 1:
        y_true = y_true[..., 0]
    if y_true.shape != y_pred.shape[:-1]:
        raise ValueError(
            "`y_true` must have the shape of `y_pred` without its last (class) axis. "
            f"Received: y_true.shape={y_true.shape}, y_pred.shape={y_pred.shape}"
        )
    matches = np.equal(y_true, _argmax_last(y_pred).astype(y_pred.dtype)).astype(np.float32)
    if matches.ndim > 1 and matches.shape[-1] == 1:
        matches = matches[..., 0]
    return matches


class Accuracy(MeanMetricWrapper):
    """How often predictions equal labels exactly; see `accuracy`."""

    def __init__(self, name="accuracy", dtype=None):
        super().__init__(fn=accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


class BinaryAccuracy(MeanMetricWrapper):
    """How often thresholded predictions match binary labels; see `binary_accuracy`."""

    def __init__(self, name="binary_accuracy", dtype=None, threshold=0.5):
        super().__init__(fn=binary_accuracy, name=name, dtype=dtype, threshold=threshold)
        self.threshold = threshold

    def get_config(self):
        return {**Metric.get_config(self), "threshold": self.threshold}


class CategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions matches the one-hot label; see `categorical_accuracy`."""

    def __init__(self, name="categorical_accuracy", dtype=None):
        super().__init__(fn=categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


class SparseCategoricalAccuracy(MeanMetricWrapper):
    """How often the argmax of the predictions equals the integer label; see `sparse_categorical_accuracy`."""

    def __init__(self, name="sparse_categorical_accuracy", dtype=None):
        super().__init__(fn=sparse_categorical_accuracy, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


# --------------------------------------------------------------------------
# Streaming losses
# --------------------------------------------------------------------------


class BinaryCrossentropy(MeanMetricWrapper):
    r"""The running weighted mean of `binary_crossentropy` (one value per sample).

    Keras 3 computes $\log p$ of the clipped probability where Keras 2 took
    $\log(p + \epsilon)$, so the notes' example gives 0.8149245 here and
    0.8149242 in `tf.keras` 2.
    """

    def __init__(self, name="binary_crossentropy", dtype=None, from_logits=False, label_smoothing=0):
        check_label_smoothing(label_smoothing)
        super().__init__(binary_crossentropy, name, dtype=dtype, from_logits=from_logits, label_smoothing=label_smoothing)
        self.from_logits = from_logits
        self.label_smoothing = label_smoothing

    def get_config(self):
        return {**Metric.get_config(self), "from_logits": self.from_logits, "label_smoothing": self.label_smoothing}


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


class SparseCategoricalCrossentropy(MeanMetricWrapper):
    """The running weighted mean of `sparse_categorical_crossentropy`.

    Positions labelled `ignore_class` get loss 0. Keras 3 leaves them out of
    the average only when `sample_weight` is given; without weights they
    still count as samples (with value 0), which lowers the mean. This is
    mirrored here. Pass `sample_weight=np.ones(...)` to leave them out.
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


class MeanSquaredError(MeanMetricWrapper):
    """The running weighted mean of `mean_squared_error`."""

    def __init__(self, name="mean_squared_error", dtype=None):
        super().__init__(fn=mean_squared_error, name=name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


class MeanAbsoluteError(MeanMetricWrapper):
    """The running weighted mean of `mean_absolute_error`."""

    def __init__(self, name="mean_absolute_error", dtype=None):
        super().__init__(mean_absolute_error, name, dtype=dtype)

    def get_config(self):
        return Metric.get_config(self)


# --------------------------------------------------------------------------
# Confusion-matrix counts per threshold
# --------------------------------------------------------------------------

#: Keys of the four counts, as Keras's `metrics_utils.ConfusionMatrix` spells them.
CONFUSION_MATRIX_KEYS = ("tp", "fp", "tn", "fn")


def _filter_top_k(x, k):
    """Keep the `k` largest values of the last axis (ties: lowest index first), set the rest to `NEG_INF`."""
    if isinstance(k, bool) or not isinstance(k, numbers.Integral) or k < 1:
        raise ValueError(f"`top_k` must be a positive integer. Received: top_k={k!r}")
    if x.ndim < 1 or x.shape[-1] < k:
        raise ValueError(f"`top_k`={k} is larger than the last axis of `y_pred` (shape {x.shape}).")
    top = np.argsort(-x, axis=-1, kind="stable")[..., :k]
    keep = np.zeros(x.shape, dtype=bool)
    np.put_along_axis(keep, top, True, axis=-1)
    return np.where(keep, x, NEG_INF).astype(x.dtype)


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
    r"""Weighted confusion counts of one batch, one per threshold: `{"tp": ..., "fp": ..., ...}`.

    A prediction is *positive* at threshold $t$ when $\hat y > t$; a label
    is positive when it is non-zero. Then, with weights $w_i$,

    $$TP(t) = \sum_i w_i\,[y_i]\,[\hat y_i > t] \qquad FP(t) = \sum_i w_i\,[\lnot y_i]\,[\hat y_i > t]$$

    and $FN$, $TN$ likewise with $\hat y_i \le t$. All elements are pooled,
    unless `multi_label` keeps one count per column of a rank-2 `y_pred`.
    The comparison is one broadcast of the predictions against the
    thresholds, shape `(num_thresholds, num_elements)`.

    With `thresholds_distributed_evenly` (thresholds $i/(T-1)$, as in `AUC`)
    Keras uses a bucket trick; its exact arithmetic is reproduced here:
    predictions are clipped to [0, 1], the test is $\hat y\,(T-1) > i$, an
    $-\epsilon$ first threshold counts every prediction, and
    $FN = \sum w\,[y] - TP$, $TN = \sum w\,[\lnot y] - FP$.

    `top_k` keeps only the `k` largest predictions of the last axis;
    `class_id` then keeps one column. `sample_weight` must broadcast to `y_pred`.
    """
    y_true = convert_to_array(y_true, name="y_true").astype(np.float32)
    y_pred = convert_to_array(y_pred, name="y_pred").astype(np.float32)
    unknown = [key for key in keys if key not in CONFUSION_MATRIX_KEYS]
    if unknown:
        raise ValueError(f"Invalid keys: {unknown}. Valid keys are {list(CONFUSION_MATRIX_KEYS)}")
    y_pred, y_true = squeeze_or_expand_to_same_rank(y_pred, y_true)
    check_same_shape(y_true.shape, y_pred.shape)
    if sample_weight is not None:
        sample_weight = convert_to_array(sample_weight, dtype=np.float32, name="sample_weight")[..., None]
        _, sample_weight = squeeze_or_expand_to_same_rank(y_true, sample_weight, expand_rank_1=False)
    if top_k is not None:
        y_pred = _filter_top_k(y_pred, top_k)
    if class_id is not None:
        if y_pred.ndim < 2:
            raise ValueError(
                "When class_id is provided, y_pred must be a 2D array with shape "
                f"(num_samples, num_classes), found shape: {y_pred.shape}"
            )
        if not -y_pred.shape[-1] <= class_id < y_pred.shape[-1]:
            raise ValueError(f"`class_id`={class_id} is out of range for y_pred.shape={y_pred.shape}.")
        y_true, y_pred = y_true[..., class_id, None], y_pred[..., class_id, None]
    if multi_label and y_pred.ndim != 2:
        raise ValueError(f"`y_pred` must have rank 2 when `multi_label=True`. Received: y_pred.shape={y_pred.shape}")

    weights = None
    if sample_weight is not None:
        weights = _broadcast_to(sample_weight, y_pred.shape, target="`y_pred`")
    if label_weights is not None and not multi_label:
        label_weights = _broadcast_to(np.asarray(label_weights, np.float32)[None], y_pred.shape, "label_weights", "`y_pred`")
        weights = label_weights if weights is None else weights * label_weights

    num_thresholds = len(thresholds)
    if thresholds_distributed_evenly:
        first_counts_all = thresholds[0] < 0.0 or thresholds[-1] > 1.0
        scores = np.clip(y_pred, 0.0, 1.0) * np.float32(num_thresholds - 1)
        levels = np.arange(num_thresholds, dtype=np.float32)
    else:
        scores, levels = y_pred, np.asarray(thresholds, dtype=np.float32)
    if not multi_label:
        scores, y_true = scores.reshape(-1), y_true.reshape(-1)
        weights = None if weights is None else weights.reshape(-1)

    # (T, elements...) booleans: is each prediction above each threshold?
    pred_is_pos = scores[None] > levels.reshape((num_thresholds,) + (1,) * scores.ndim)
    label_is_pos = y_true.astype(bool)
    counts = {}
    if thresholds_distributed_evenly:
        if first_counts_all:
            pred_is_pos[0] = True
        w = np.float32(1.0) if weights is None else weights
        true_labels = label_is_pos.astype(np.float32) * w
        false_labels = (1.0 - label_is_pos.astype(np.float32)) * w
        tp = np.sum(np.where(pred_is_pos, true_labels, 0), axis=1, dtype=np.float32)
        fp = np.sum(np.where(pred_is_pos, false_labels, 0), axis=1, dtype=np.float32)
        counts = {
            "tp": tp,
            "fp": fp,
            "tn": np.sum(false_labels, axis=0, dtype=np.float32) - fp,
            "fn": np.sum(true_labels, axis=0, dtype=np.float32) - tp,
        }
        return {key: counts[key] for key in keys}
    w = np.float32(1.0) if weights is None else weights
    cells = {
        "tp": (label_is_pos, pred_is_pos),
        "fp": (~label_is_pos, pred_is_pos),
        "tn": (~label_is_pos, ~pred_is_pos),
        "fn": (label_is_pos, ~pred_is_pos),
    }
    for key in keys:
        label, pred = cells[key]
        counts[key] = np.sum(np.where(label & pred, w, 0), axis=1, dtype=np.float32)
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
            self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
        )

    def result(self):
        value = self.accumulator.numpy()
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds}


class TruePositives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted above the threshold."""

    _key = "tp"


class FalsePositives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted above the threshold."""

    _key = "fp"


class TrueNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of negative labels predicted at or below the threshold."""

    _key = "tn"


class FalseNegatives(_ConfusionMatrixConditionCount):
    """Weighted count of positive labels predicted at or below the threshold."""

    _key = "fn"


class _PrecisionRecallBase(Metric):
    _second = None  # ("fp", "false_positives") or ("fn", "false_negatives")

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
            self.thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            top_k=self.top_k,
            class_id=self.class_id,
            sample_weight=sample_weight,
        )

    def result(self):
        tp = self.true_positives.value
        value = _divide_no_nan(tp, tp + getattr(self, self._second[1]).value)
        return value[0] if len(self.thresholds) == 1 else value

    def get_config(self):
        return {**super().get_config(), "thresholds": self.init_thresholds, "top_k": self.top_k, "class_id": self.class_id}


class Precision(_PrecisionRecallBase):
    r"""$TP / (TP + FP)$ over everything seen, per threshold (0 when nothing is predicted positive).

    - `thresholds`: a number or a list in [0, 1] (default 0.5); one result per threshold.
    - `top_k`: only the `k` highest predictions of each row can be positive
      (then the default threshold is `NEG_INF`, i.e. those `k` all are).
    - `class_id`: only that column of `(batch, classes)` inputs is scored.
    """

    _second = ("fp", "false_positives")


class Recall(_PrecisionRecallBase):
    r"""$TP / (TP + FN)$ over everything seen, per threshold; arguments as in `Precision`."""

    _second = ("fn", "false_negatives")


# --------------------------------------------------------------------------
# AUC
# --------------------------------------------------------------------------


class AUC(Metric):
    r"""Area under the ROC or PR curve, from confusion counts at `num_thresholds` thresholds.

    Thresholds: $-\epsilon$, the inner points $i/(n-1)$ for $i=1..n-2$ (or
    the given `thresholds`, sorted), and $1+\epsilon$. Each threshold $t_k$
    gives a point of the curve; for `curve="ROC"` the point is
    $(FPR, TPR) = (FP/(FP+TN),\ TP/(TP+FN))$ and for `"PR"`
    $(\text{recall}, \text{precision})$. The area is a Riemann sum over
    consecutive thresholds:

    $$\text{AUC} = \sum_k (x_k - x_{k+1})\, h_k$$

    with $h_k = (y_k + y_{k+1})/2$ for `"interpolation"`, $\min$ for
    `"minoring"`, $\max$ for `"majoring"`.

    `curve="PR"` with `"interpolation"` instead uses Davis & Goadrich's
    interpolation: between two thresholds $TP$ and $P = TP + FP$ vary
    linearly, so precision $= TP/P$ is integrated exactly. With
    $s_k = \Delta TP_k / \Delta P_k$ and $b_k = TP_{k+1} - s_k P_{k+1}$:

    $$\text{PR-AUC} = \sum_k \frac{s_k\,\left(\Delta TP_k + b_k \log(P_k / P_{k+1})\right)}{TP_{k+1} + FN_{k+1}}$$

    (each division by zero gives 0; the log term is dropped when $P_k$ or
    $P_{k+1}$ is 0). `multi_label=True` keeps one curve per column of
    rank-2 inputs and averages the areas (weighted by `label_weights`).
    `from_logits=True` applies a sigmoid to `y_pred` first.

    Unlike Keras, thresholds outside [0, 1] are refused here.
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
        self.curve = standardize_auc_curve(curve)
        self.summation_method = standardize_auc_summation_method(summation_method)
        self._init_from_thresholds = thresholds is not None
        self.num_thresholds, self._thresholds, self._thresholds_distributed_evenly = auc_thresholds(
            num_thresholds, thresholds
        )
        super().__init__(name=name, dtype=dtype)
        self.multi_label = multi_label
        self.num_labels = num_labels
        self.label_weights = None if label_weights is None else np.asarray(label_weights, dtype=self.dtype)
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
        y_pred = convert_to_array(y_pred, name="y_pred")
        if not self._built:
            self._build(y_pred.shape)
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
            self._thresholds,
            thresholds_distributed_evenly=self._thresholds_distributed_evenly,
            sample_weight=sample_weight,
            multi_label=self.multi_label,
            label_weights=None if self.multi_label else self.label_weights,
        )

    def _average_over_labels(self, per_threshold):
        if not self.multi_label:
            return np.sum(per_threshold)
        by_label = np.sum(per_threshold, axis=0)
        if self.label_weights is None:
            return np.mean(by_label)
        return _divide_no_nan(np.sum(by_label * self.label_weights), np.sum(self.label_weights))

    def interpolate_pr_auc(self):
        """The PR area with Davis & Goadrich's interpolation (see the class docstring)."""
        tp, fp, fn = self.true_positives.value, self.false_positives.value, self.false_negatives.value
        dtp = tp[:-1] - tp[1:]
        p = tp + fp
        dp = p[:-1] - p[1:]
        prec_slope = _divide_no_nan(dtp, np.maximum(dp, 0))
        intercept = tp[1:] - prec_slope * p[1:]
        both_positive = (p[:-1] > 0) & (p[1:] > 0)
        safe_p_ratio = np.where(both_positive, _divide_no_nan(p[:-1], np.maximum(p[1:], 0)), 1).astype(p.dtype)
        increments = _divide_no_nan(prec_slope * (dtp + intercept * np.log(safe_p_ratio)), np.maximum(tp[1:] + fn[1:], 0))
        return self._average_over_labels(increments)

    def result(self):
        if not self._built:
            return np.float32(0.0)
        if self.curve == "PR" and self.summation_method == "interpolation":
            return np.float32(self.interpolate_pr_auc())
        tp, fp = self.true_positives.value, self.false_positives.value
        tn, fn = self.true_negatives.value, self.false_negatives.value
        recall = _divide_no_nan(tp, tp + fn)
        if self.curve == "ROC":
            x, y = _divide_no_nan(fp, fp + tn), recall
        elif self.curve == "PR":
            x, y = recall, _divide_no_nan(tp, tp + fp)
        else:  # PRGAIN: the gains rescale precision and recall by P/N
            scale = _divide_no_nan(tp + fn, tn + fp)
            recall_gain = 1.0 - scale * _divide_no_nan(fn, tp)
            precision_gain = 1.0 - scale * _divide_no_nan(fp, tp)
            x = np.maximum(np.where(tp == 0, 0.0, recall_gain), 0.0).astype(tp.dtype)
            y = np.where(tp == 0, 1.0, precision_gain).astype(tp.dtype)
        if self.summation_method == "interpolation":
            heights = (y[:-1] + y[1:]) / np.float32(2.0)
        elif self.summation_method == "minoring":
            heights = np.minimum(y[:-1], y[1:])
        else:
            heights = np.maximum(y[:-1], y[1:])
        return np.float32(self._average_over_labels((x[:-1] - x[1:]) * heights))

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
            "label_weights": None if self.label_weights is None else self.label_weights.tolist(),
            "from_logits": self._from_logits,
        }
        if self._init_from_thresholds:
            config["thresholds"] = self.thresholds[1:-1]
        return config
