"""`course_lib.{numpy,tf}.metrics` against Keras 3.

Worked examples of the notes to 1e-6; property tests that stream several
batches (with and without sample weights, across `reset_state`) through
both our metric and Keras's and compare results, state and variable names;
the TF tree inside `model.compile` / `fit` / `evaluate`; and the errors for
bad input.
"""

import subprocess
import sys

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from parity import as_numpy, assert_close, load

# --------------------------------------------------------------------------
# The notes' worked examples (numbers from ../shared/api-inventory.md)
# --------------------------------------------------------------------------

CCE_TRUE = [[0, 1, 0], [0, 0, 1]]
CCE_PRED = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]


def _twice(make, first, second):
    """[result after `first`, result after reset_state and `second`]."""
    metric = make()
    values = [as_numpy(metric(*first[0], **first[1]))]
    metric.reset_state()
    values.append(as_numpy(metric(*second[0], **second[1])))
    return values


def _streamed(make, *calls):
    """Results after each of several `update_state` calls on one metric (no reset)."""
    metric = make()
    values = []
    for args in calls:
        metric.update_state(*args)
        values.append(as_numpy(metric.result()))
    return values


NOTES_EXAMPLES = [
    (
        "Accuracy",
        lambda M: _twice(
            M.Accuracy,
            (([[1], [2], [3], [4]], [[0], [2], [3], [4]]), {}),
            (([[1], [2], [3], [4]], [[0], [2], [3], [4]]), {"sample_weight": [1, 1, 0, 0]}),
        ),
        [0.75, 0.5],
    ),
    (
        "BinaryAccuracy",
        lambda M: _twice(
            M.BinaryAccuracy,
            (([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]), {}),
            (([[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]]), {"sample_weight": [1, 0, 0, 1]}),
        ),
        [0.75, 0.5],
    ),
    (
        "Precision streaming",
        lambda M: [
            as_numpy(v)
            for v in (lambda p: [p([0, 1, 1, 1, 0, 1, 0, 1], [1, 1, 0, 1, 0, 1, 0, 1]), p([0, 1, 0, 0, 1, 0, 1, 1], [1, 0, 1, 1, 0, 0, 0, 0])])(
                M.Precision()
            )
        ],
        [0.8, 0.5],
    ),
    (
        "AUC streaming",
        lambda M: _streamed(M.AUC, ([0, 1, 1, 1], [0, 1, 0, 0]), ([1, 1, 1, 1], [0, 1, 1, 0])),
        [0.6666667, 0.7142857],
    ),
    (
        "CategoricalCrossentropy metric",
        lambda M: _twice(
            M.CategoricalCrossentropy,
            ((CCE_TRUE, CCE_PRED), {}),
            ((CCE_TRUE, CCE_PRED), {"sample_weight": [0.3, 0.7]}),
        ),
        [1.176939, 1.627198],
    ),
    (
        "SparseCategoricalCrossentropy metric",
        lambda M: _twice(
            M.SparseCategoricalCrossentropy,
            ((np.array([1, 2]), np.array(CCE_PRED)), {}),
            ((np.array([1, 2]), np.array(CCE_PRED)), {"sample_weight": [0.3, 0.7]}),
        ),
        [1.176939, 1.627198],
    ),
    (
        "BinaryCrossentropy metric",
        lambda M: _twice(
            M.BinaryCrossentropy,
            (([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), {}),
            (([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), {"sample_weight": [1, 0]}),
        ),
        [0.8149245, 0.9162908],
    ),
]


@pytest.mark.parametrize("description, compute, expected", NOTES_EXAMPLES, ids=[e[0] for e in NOTES_EXAMPLES])
def test_notes_examples(tree, description, compute, expected):
    got = np.array([np.asarray(v).item() for v in compute(load(tree, "metrics"))], np.float32)
    assert_close(got, np.asarray(expected, np.float32), atol=1e-6, rtol=1e-6)


def test_notes_variable_names_and_reset(tree):
    M = load(tree, "metrics")
    precision = M.Precision()
    assert [v.name for v in precision.variables] == ["true_positives", "false_positives"]
    precision.update_state([0, 1, 1], [1, 1, 0])
    precision.reset_state()
    assert not hasattr(precision, "reset_states")  # gone in Keras 3
    assert float(as_numpy(precision.result())) == 0.0
    assert all(np.all(as_numpy(v) == 0) for v in precision.variables)


def test_loss_and_metric_average_differently(tree):
    """A weighted loss divides by the number of values, a Mean metric by the sum of weights."""
    L, M = load(tree, "losses"), load(tree, "metrics")
    loss = as_numpy(L.CategoricalCrossentropy()(CCE_TRUE, CCE_PRED, sample_weight=[0.3, 0.7]))
    metric = as_numpy(M.CategoricalCrossentropy()(CCE_TRUE, CCE_PRED, sample_weight=[0.3, 0.7]))
    assert_close(loss, np.float32(0.8135988))
    assert_close(metric, np.float32(1.627198))


def test_ignore_class_counts_only_with_sample_weight(tree):
    """Keras 3 quirk: positions equal to `ignore_class` leave the average only when weights are given."""
    M = load(tree, "metrics")
    y_true = np.array([0, 1, -1, 2])
    y_pred = np.float32([[0.7, 0.2, 0.1], [0.1, 0.8, 0.1], [0.3, 0.3, 0.4], [0.2, 0.2, 0.6]])
    plain = M.SparseCategoricalCrossentropy(ignore_class=-1)
    plain.update_state(y_true, y_pred)
    weighted = M.SparseCategoricalCrossentropy(ignore_class=-1)
    weighted.update_state(y_true, y_pred, sample_weight=np.ones(4))
    column = M.SparseCategoricalCrossentropy(ignore_class=-1)
    column.update_state(y_true, y_pred, sample_weight=np.ones((4, 1)))
    assert float(as_numpy(plain.count)) == 4.0  # the ignored position still counts
    assert float(as_numpy(weighted.count)) == float(as_numpy(column.count)) == 3.0
    for ours, make in ((plain, lambda m: m.update_state(y_true, y_pred)), (weighted, lambda m: m.update_state(y_true, y_pred, sample_weight=np.ones(4)))):
        theirs = keras.metrics.SparseCategoricalCrossentropy(ignore_class=-1)
        make(theirs)
        assert_close(ours.result(), theirs.result())


# --------------------------------------------------------------------------
# Property tests against Keras: Mean, Sum and the wrapped functions
# --------------------------------------------------------------------------

DYADIC = np.float32([0.0, 0.25, 0.5, 1.0, 2.0])  # exact in float32, so sums are exact too


def random_weights(rng, kind, values_shape):
    """None, or dyadic weights shaped like a prefix of the per-sample values (`kind` = prefix length)."""
    if kind is None:
        return None
    return rng.choice(DYADIC, size=values_shape[:kind]).astype(np.float32)


def stream_results(metric, batches, with_y_true=True):
    results = []
    for batch in batches:
        if with_y_true:
            metric.update_state(batch["y_true"], batch["y_pred"], sample_weight=batch["sample_weight"])
        else:
            metric.update_state(batch["y_pred"], sample_weight=batch["sample_weight"])
        results.append(as_numpy(metric.result()))
    return results


def assert_streams_match(ours, theirs, batches, with_y_true=True, rtol=1e-5, atol=1e-6):
    assert [v.name for v in ours.variables] == [v.name for v in theirs.variables]
    for _ in range(2):  # once, then again after reset_state
        got = stream_results(ours, batches, with_y_true)
        expected = stream_results(theirs, batches, with_y_true)
        for step, (g, e) in enumerate(zip(got, expected)):
            assert g.shape == e.shape, f"step {step}: shape {g.shape} != {e.shape}"
            np.testing.assert_allclose(g, e, rtol=rtol, atol=atol * (np.abs(e).max() + 1), err_msg=f"step {step}")
        for v_ours, v_theirs in zip(ours.variables, theirs.variables):
            np.testing.assert_allclose(as_numpy(v_ours), as_numpy(v_theirs), rtol=rtol, atol=atol * (np.abs(as_numpy(v_theirs)).max() + 1))
        ours.reset_state()
        theirs.reset_state()
        assert all(np.all(as_numpy(v) == 0) for v in ours.variables)


@given(
    seed=st.integers(0, 2**31 - 1),
    rank=st.integers(0, 3),
    num_batches=st.integers(1, 3),
    class_name=st.sampled_from(["Mean", "Sum"]),
    data=st.data(),
)
def test_mean_and_sum_match_keras(tree, seed, rank, num_batches, class_name, data):
    rng = np.random.default_rng(seed)
    inner = tuple(rng.integers(1, 4, size=max(rank - 1, 0)))
    batches = []
    for _ in range(num_batches):
        shape = () if rank == 0 else (int(rng.integers(1, 5)),) + inner
        kind = data.draw(st.sampled_from([None] + list(range(len(shape) + 1))))
        values = (rng.standard_normal(shape) * 3).astype(np.float32)
        batches.append({"y_pred": values, "sample_weight": random_weights(rng, kind, shape)})
    ours = getattr(load(tree, "metrics"), class_name)()
    theirs = getattr(keras.metrics, class_name)()
    assert_streams_match(ours, theirs, batches, with_y_true=False)


WRAPPED = [
    ("Accuracy", {}, "ints"),
    ("BinaryAccuracy", {}, "binary"),
    ("BinaryAccuracy", {"threshold": 0.7}, "binary"),
    ("CategoricalAccuracy", {}, "one_hot"),
    ("SparseCategoricalAccuracy", {}, "sparse"),
    ("BinaryCrossentropy", {}, "binary"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "binary_logits"),
    ("CategoricalCrossentropy", {}, "one_hot"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "one_hot_logits"),
    ("SparseCategoricalCrossentropy", {}, "sparse"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": -1}, "sparse_ignore_logits"),
    ("MeanSquaredError", {}, "regression"),
    ("MeanAbsoluteError", {}, "regression"),
]
ELEMENTWISE = {"Accuracy", "BinaryAccuracy"}


def wrapped_batch(rng, kind, batch_shape, num_classes):
    """y_true, y_pred for one batch of the given problem kind (ties in argmax included)."""
    class_shape = batch_shape + (num_classes,)
    logits = rng.integers(-2, 3, size=class_shape).astype(np.float32)  # integer logits tie often
    logits += rng.choice(np.float32([0, 0, 0.37]), size=class_shape)
    probs = np.exp(logits - logits.max(-1, keepdims=True))
    probs = (probs / probs.sum(-1, keepdims=True)).astype(np.float32)
    labels = rng.integers(0, num_classes, size=batch_shape)
    if kind == "ints":
        y_true = rng.integers(0, 3, size=batch_shape)
        return y_true, np.where(rng.random(batch_shape) < 0.5, y_true, rng.integers(0, 3, size=batch_shape))
    if kind in ("binary", "binary_logits"):
        y_true = (rng.random(batch_shape) < 0.5).astype(np.float32)
        if kind == "binary_logits":
            return y_true, (rng.standard_normal(batch_shape) * 3).astype(np.float32)
        return y_true, rng.choice(np.float32([0, 0.2, 0.5, 0.7, 0.9, 1, 0.6]), size=batch_shape)
    if kind in ("one_hot", "one_hot_logits"):
        return np.eye(num_classes, dtype=np.float32)[labels], logits if kind == "one_hot_logits" else probs
    if kind == "sparse":
        return labels, probs
    if kind == "sparse_ignore_logits":
        return np.where(rng.random(batch_shape) < 0.3, -1, labels), logits
    return rng.standard_normal(class_shape).astype(np.float32), rng.standard_normal(class_shape).astype(np.float32)


@given(
    seed=st.integers(0, 2**31 - 1),
    case=st.sampled_from(WRAPPED),
    rank=st.integers(1, 3),
    num_batches=st.integers(1, 3),
    data=st.data(),
)
def test_wrapped_metrics_match_keras(tree, seed, case, rank, num_batches, data):
    class_name, kwargs, kind = case
    rng = np.random.default_rng(seed)
    num_classes = int(rng.integers(2, 5))
    inner = tuple(int(d) for d in rng.integers(1, 4, size=rank - 1))
    batches = []
    for _ in range(num_batches):
        batch_shape = (int(rng.integers(1, 5)),) + inner
        y_true, y_pred = wrapped_batch(rng, kind, batch_shape, num_classes)
        values_shape = y_pred.shape if class_name in ELEMENTWISE else y_pred.shape[:-1]
        kinds = [None] + list(range(len(values_shape) + 1))
        if "ignore_class" in kwargs:  # Keras multiplies the mask by the weights without broadcasting help
            kinds = [None, 0, len(values_shape)]
        weight_kind = data.draw(st.sampled_from(kinds))
        batches.append({"y_true": y_true, "y_pred": y_pred, "sample_weight": random_weights(rng, weight_kind, values_shape)})
    ours = getattr(load(tree, "metrics"), class_name)(**kwargs)
    theirs = getattr(keras.metrics, class_name)(**kwargs)
    assert_streams_match(ours, theirs, batches, atol=2e-6)


@pytest.mark.parametrize("name", ["binary_accuracy", "categorical_accuracy", "sparse_categorical_accuracy", "mean_squared_error", "mean_absolute_error"])
def test_metric_functions_match_keras(tree, name):
    rng = np.random.default_rng(3)
    one_hot = np.eye(4, dtype=np.float32)[rng.integers(0, 4, size=(5, 2))]
    probs = rng.random((5, 2, 4)).astype(np.float32)
    if name == "sparse_categorical_accuracy":
        y_true = np.argmax(one_hot, -1)
    else:
        y_true = one_hot
    expected = as_numpy(getattr(keras.metrics, name)(y_true, probs))
    got = as_numpy(getattr(load(tree, "metrics"), name)(y_true, probs))
    assert got.dtype == expected.dtype
    assert_close(got, expected)


# --------------------------------------------------------------------------
# Property tests against Keras: confusion counts, Precision, Recall, AUC
# --------------------------------------------------------------------------

THRESHOLDS = [None, 0.3, 0.5, [0.2, 0.5, 0.8], [0.0, 0.5, 1.0], [0.0, 0.25, 0.5, 0.75, 1.0], [0.7, 0.1]]
SCORE_GRID = np.float32([0.0, 0.1, 0.2, 0.25, 0.3, 0.5, 0.7, 0.75, 0.8, 1.0])


def random_scores(rng, shape, mode):
    """Scores with ties: from a grid holding the thresholds, uniform, or partly outside [0, 1]."""
    if mode == "grid":
        return rng.choice(SCORE_GRID, size=shape)
    scores = rng.random(shape).astype(np.float32)
    if mode == "outside":
        scores = np.where(rng.random(shape) < 0.2, rng.choice(np.float32([-0.3, 1.4]), size=shape), scores)
    return scores.astype(np.float32)


def confusion_batches(rng, data, num_batches, batch_shape_fn, score_mode, weight_rank_max):
    batches = []
    for _ in range(num_batches):
        shape = batch_shape_fn()
        y_true = (rng.random(shape) < 0.5).astype(rng.choice([np.float32, np.int32]))
        weight_kind = data.draw(st.sampled_from([None] + list(range(min(len(shape), weight_rank_max) + 1))))
        batches.append(
            {
                "y_true": y_true,
                "y_pred": random_scores(rng, shape, score_mode),
                "sample_weight": random_weights(rng, weight_kind, shape),
            }
        )
    return batches


@given(
    seed=st.integers(0, 2**31 - 1),
    class_name=st.sampled_from(["Precision", "Recall", "TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"]),
    thresholds=st.sampled_from(THRESHOLDS),
    selection=st.sampled_from([{}, {}, {"class_id": 0}, {"class_id": 2}, {"top_k": 1}, {"top_k": 2}, {"top_k": 2, "class_id": 1}]),
    score_mode=st.sampled_from(["grid", "uniform", "outside"]),
    num_batches=st.integers(1, 3),
    data=st.data(),
)
def test_confusion_metrics_match_keras(tree, seed, class_name, thresholds, selection, score_mode, num_batches, data):
    rng = np.random.default_rng(seed)
    kwargs = {"thresholds": thresholds}
    if class_name in ("Precision", "Recall"):
        kwargs.update(selection)
    needs_classes = "class_id" in kwargs or "top_k" in kwargs
    if "top_k" in kwargs and thresholds is not None:
        score_mode = "uniform"  # with top_k Keras also thresholds the NEG_INF fill values
    num_classes = int(rng.integers(3, 5))
    rank = 2 if needs_classes else int(rng.integers(1, 3))

    def batch_shape():
        n = int(rng.integers(1, 6))
        return (n, num_classes) if rank == 2 else (n,)

    # With class_id, Keras slices y_pred but not a full-shape sample_weight: weights are per sample.
    batches = confusion_batches(rng, data, num_batches, batch_shape, score_mode, 1 if "class_id" in kwargs else 2)
    ours = getattr(load(tree, "metrics"), class_name)(name="m", **kwargs)
    theirs = getattr(keras.metrics, class_name)(name="m", **kwargs)
    assert ours.get_config() == theirs.get_config()
    assert_streams_match(ours, theirs, batches)


AUC_THRESHOLDS = [{}, {"num_thresholds": 3}, {"num_thresholds": 11}, {"thresholds": [0.3, 0.6]}, {"thresholds": [0.75, 0.25, 0.5]}]
UNEVEN_THRESHOLDS = [{"thresholds": [0.3, 0.6]}, {"thresholds": [0.1, 0.45, 0.8, 0.85]}]
AUC_LABELS = [{}, {}, {"label_weights": [0.5, 1.0, 2.0]}, {"multi_label": True}, {"multi_label": True, "num_labels": 3, "label_weights": [1.0, 0.0, 2.0]}]


@given(
    seed=st.integers(0, 2**31 - 1),
    curve=st.sampled_from(["ROC", "PR", "PRGAIN", "pr"]),
    summation_method=st.sampled_from(["interpolation", "interpolation", "minoring", "majoring"]),
    labels=st.sampled_from(AUC_LABELS),
    from_logits=st.booleans(),
    score_mode=st.sampled_from(["grid", "uniform", "outside"]),
    num_batches=st.integers(1, 3),
    data=st.data(),
)
def test_auc_matches_keras(tree, seed, curve, summation_method, labels, from_logits, score_mode, num_batches, data):
    rng = np.random.default_rng(seed)
    # Keras's multi-label count with evenly spaced thresholds runs a `vectorized_map` that costs
    # about a second per eager call: here multi_label gets uneven thresholds (one example below
    # covers the even ones).
    threshold_setup = data.draw(st.sampled_from(UNEVEN_THRESHOLDS if "multi_label" in labels else AUC_THRESHOLDS))
    kwargs = dict(curve=curve, summation_method=summation_method, from_logits=from_logits, **threshold_setup, **labels)
    two_d = "multi_label" in labels or "label_weights" in labels

    def batch_shape():
        n = int(rng.integers(1, 7))
        return (n, 3) if two_d else (n,)

    batches = confusion_batches(rng, data, num_batches, batch_shape, score_mode, 2)
    if from_logits:
        for batch in batches:
            batch["y_pred"] = (batch["y_pred"] - 0.5) * 8
    ours = load(tree, "metrics").AUC(**kwargs)
    theirs = keras.metrics.AUC(**kwargs)
    assert ours.thresholds == theirs.thresholds
    assert_streams_match(ours, theirs, batches, rtol=2e-5, atol=2e-6)


@pytest.mark.parametrize("curve", ["ROC", "PR"])
def test_multi_label_auc_with_even_thresholds_matches_keras(tree, curve):
    rng = np.random.default_rng(7)
    batches = [
        {
            "y_true": (rng.random((n, 3)) < 0.5).astype(np.float32),
            "y_pred": random_scores(rng, (n, 3), mode),
            "sample_weight": weights,
        }
        for n, mode, weights in [(5, "grid", None), (4, "outside", rng.choice(DYADIC, size=4)), (6, "uniform", rng.choice(DYADIC, size=(6, 3)))]
    ]
    kwargs = dict(curve=curve, multi_label=True, label_weights=[1.0, 0.5, 2.0])
    ours, theirs = load(tree, "metrics").AUC(**kwargs), keras.metrics.AUC(**kwargs)  # variables built lazily
    assert_streams_match(ours, theirs, batches, rtol=2e-5, atol=2e-6)


# --------------------------------------------------------------------------
# Configs, variables and the Metric base class
# --------------------------------------------------------------------------

CONSTRUCTORS = [
    ("Mean", {}),
    ("Sum", {"dtype": "float64"}),
    ("Accuracy", {}),
    ("BinaryAccuracy", {"threshold": 0.3}),
    ("CategoricalAccuracy", {}),
    ("SparseCategoricalAccuracy", {}),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.1}),
    ("CategoricalCrossentropy", {"axis": -1}),
    ("SparseCategoricalCrossentropy", {"ignore_class": 0}),
    ("MeanSquaredError", {}),
    ("MeanAbsoluteError", {}),
    ("TruePositives", {"thresholds": [0.2, 0.4]}),
    ("FalseNegatives", {}),
    ("Precision", {"thresholds": [0.2, 0.4], "class_id": 1}),
    ("Recall", {"top_k": 2}),
    ("AUC", {}),
    ("AUC", {"curve": "PR", "summation_method": "minoring", "thresholds": [0.6, 0.2]}),
    ("AUC", {"multi_label": True, "num_labels": 4, "from_logits": True}),
]


@pytest.mark.parametrize("class_name, kwargs", CONSTRUCTORS, ids=[f"{c}-{i}" for i, (c, _) in enumerate(CONSTRUCTORS)])
def test_config_variables_and_defaults_match_keras(tree, class_name, kwargs):
    ours = getattr(load(tree, "metrics"), class_name)(name="m", **kwargs)
    theirs = getattr(keras.metrics, class_name)(name="m", **kwargs)
    assert ours.get_config() == theirs.get_config()
    assert ours.dtype == theirs.dtype
    assert [(v.name, tuple(v.shape), v.dtype) for v in ours.variables] == [(v.name, tuple(v.shape), v.dtype) for v in theirs.variables]
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()
    default_ours = getattr(load(tree, "metrics"), class_name)(**kwargs)
    default_theirs = getattr(keras.metrics, class_name)(**kwargs)
    assert default_ours.name.split("_")[0] == default_theirs.name.split("_")[0]


def test_mean_metric_wrapper_with_a_plain_function(tree):
    M = load(tree, "metrics")

    def squared(y_true, y_pred):
        return (y_true - y_pred) ** 2

    ours = M.MeanMetricWrapper(squared)
    assert ours.name.startswith("mean_metric_wrapper")
    y_true, y_pred = np.float32([[0.0, 1.0], [2.0, 3.0]]), np.float32([[1.0, 1.0], [0.0, 0.0]])
    assert_close(ours(y_true, y_pred, sample_weight=[1.0, 3.0]), (0.5 * 1 + 6.5 * 3) / 4)
    named = M.MeanMetricWrapper(M.mean_squared_error, name="mse")
    assert named.get_config()["fn"] == "mean_squared_error"
    assert M.MeanMetricWrapper.from_config(named.get_config())._fn is M.mean_squared_error


def test_custom_metric_like_homl(tree):
    """The HOML HuberMetric pattern: state with keyword `name=`; a positional name fails."""
    M = load(tree, "metrics")

    class MeanOfValues(M.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight(name="total", shape=(), initializer="zeros")
            self.count = self.add_variable(shape=(), initializer="zeros", name="count")

        def update_state(self, values):
            values = np.asarray(as_numpy(values), np.float32)
            self.total.assign_add(np.sum(values))
            self.count.assign_add(np.float32(values.size))

        def result(self):
            return self.total / self.count

    metric = MeanOfValues(name="metric_kw_name")
    assert float(as_numpy(metric([2.0, 4.0]))) == 3.0
    assert [v.name for v in metric.variables] == ["total", "count"]
    assert metric.get_config() == {"name": "metric_kw_name", "dtype": "float32"}
    metric.reset_state()
    assert float(as_numpy(metric.total)) == 0.0

    class PositionalName(M.Metric):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.total = self.add_weight("total", initializer="zeros")

    with pytest.raises(ValueError, match="Cannot convert 'total' to a shape"):
        PositionalName()


def test_numpy_tree_never_imports_tensorflow():
    code = "import sys, course_lib.numpy.metrics; assert 'tensorflow' not in sys.modules"
    subprocess.run([sys.executable, "-c", code], check=True)


# --------------------------------------------------------------------------
# The TF tree inside compile / fit / evaluate
# --------------------------------------------------------------------------


def _compile_and_compare(model, loss, pairs, x, y, sample_weight=None):
    metrics = [m for pair in pairs for m in pair[:2]]
    weighted = [m for pair in pairs if len(pair) > 2 for m in pair[2:]]
    model.compile(optimizer="sgd", loss=loss, metrics=metrics, weighted_metrics=weighted)
    history = model.fit(x, y, sample_weight=sample_weight, batch_size=8, epochs=1, verbose=0)
    for pair in pairs:
        for ours, theirs in zip(pair[0::2], pair[1::2]):
            np.testing.assert_allclose(history.history[ours.name], history.history[theirs.name], rtol=1e-5, atol=1e-6)
    logs = model.evaluate(x, y, sample_weight=sample_weight, batch_size=8, verbose=0, return_dict=True)
    for pair in pairs:
        for ours, theirs in zip(pair[0::2], pair[1::2]):
            key = ours.name
            assert key in logs, f"{key} missing from {sorted(logs)}"
            np.testing.assert_allclose(logs[key], logs[theirs.name], rtol=1e-5, atol=1e-6, err_msg=key)
    return logs


def test_tf_metrics_in_compile_fit_evaluate():
    M = load("tf", "metrics")
    rng = np.random.default_rng(0)
    keras.utils.set_random_seed(0)
    x = rng.standard_normal((30, 4)).astype(np.float32)

    # Binary problem: probabilities of shape (None, 1) against labels of shape (None,).
    y = (rng.random(30) < 0.5).astype(np.float32)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1, activation="sigmoid")])
    pairs = [
        (M.BinaryAccuracy(name="ours_bacc"), keras.metrics.BinaryAccuracy(name="keras_bacc")),
        (M.AUC(name="ours_auc"), keras.metrics.AUC(name="keras_auc")),
        (M.Precision(name="ours_prec"), keras.metrics.Precision(name="keras_prec")),
        (M.Recall(thresholds=0.3, name="ours_rec"), keras.metrics.Recall(thresholds=0.3, name="keras_rec")),
        (M.BinaryCrossentropy(name="ours_bce"), keras.metrics.BinaryCrossentropy(name="keras_bce")),
        (M.MeanAbsoluteError(name="ours_mae"), keras.metrics.MeanAbsoluteError(name="keras_mae")),
    ]
    _compile_and_compare(model, "binary_crossentropy", pairs, x, y[:, None])

    # Three classes, integer labels and sample weights (weighted_metrics).
    labels = rng.integers(0, 3, size=30)
    weights = rng.choice(DYADIC[1:], size=30)
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    pairs = [
        (M.SparseCategoricalAccuracy(name="ours_sacc"), keras.metrics.SparseCategoricalAccuracy(name="keras_sacc")),
        (
            M.SparseCategoricalCrossentropy(name="ours_scce"),
            keras.metrics.SparseCategoricalCrossentropy(name="keras_scce"),
            M.SparseCategoricalCrossentropy(name="ours_wscce"),
            keras.metrics.SparseCategoricalCrossentropy(name="keras_wscce"),
        ),
    ]
    _compile_and_compare(model, "sparse_categorical_crossentropy", pairs, x, labels, sample_weight=weights)

    # One-hot labels.
    one_hot = np.eye(3, dtype=np.float32)[labels]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    pairs = [
        (M.CategoricalAccuracy(name="ours_cacc"), keras.metrics.CategoricalAccuracy(name="keras_cacc")),
        (M.CategoricalCrossentropy(name="ours_cce"), keras.metrics.CategoricalCrossentropy(name="keras_cce")),
        (M.Precision(class_id=1, name="ours_p1"), keras.metrics.Precision(class_id=1, name="keras_p1")),
        (M.Recall(top_k=1, name="ours_rtop"), keras.metrics.Recall(top_k=1, name="keras_rtop")),
        (M.AUC(multi_label=True, num_labels=3, name="ours_mauc"), keras.metrics.AUC(multi_label=True, num_labels=3, name="keras_mauc")),
    ]
    _compile_and_compare(model, "categorical_crossentropy", pairs, x, one_hot)


def test_tf_metrics_survive_save_and_load(tmp_path):
    """Saved with a course_lib loss of the same class name, each comes back as what it was."""
    L, M = load("tf", "losses"), load("tf", "metrics")
    rng = np.random.default_rng(1)
    x = rng.random((16, 4)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[rng.integers(0, 3, size=16)]
    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, activation="softmax")])
    metrics = [M.CategoricalCrossentropy(name="cce"), M.AUC(name="auc"), M.MeanMetricWrapper(M.mean_squared_error, name="mse")]
    model.compile(optimizer="sgd", loss=L.CategoricalCrossentropy(), metrics=metrics)
    model.fit(x, y, epochs=1, verbose=0)
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    model.save(tmp_path / "model.keras")
    restored = keras.models.load_model(tmp_path / "model.keras")
    assert type(restored.loss) is L.CategoricalCrossentropy
    after = restored.evaluate(x, y, verbose=0, return_dict=True)
    assert sorted(after) == sorted(before)
    for key in before:
        np.testing.assert_allclose(after[key], before[key], rtol=1e-6, err_msg=key)


# --------------------------------------------------------------------------
# Bad input: a clear error, never a silent wrong number
# --------------------------------------------------------------------------

BAD_INPUTS = [
    ("precision shapes", lambda M: M.Precision().update_state([0, 1, 1], [0.1, 0.5]), ValueError, "shape"),
    ("auc shapes", lambda M: M.AUC().update_state([0, 1, 1], [0.1, 0.5]), ValueError, "shape"),
    ("accuracy shapes", lambda M: M.Accuracy().update_state(np.zeros((2, 3)), np.zeros((2, 4))), ValueError, "shape"),
    ("categorical accuracy shapes", lambda M: M.CategoricalAccuracy().update_state(np.eye(3), np.ones((3, 4))), ValueError, "shape"),
    ("sparse accuracy shapes", lambda M: M.SparseCategoricalAccuracy().update_state(np.zeros((2, 2)), np.ones((2, 3))), ValueError, "shape"),
    ("mean weights", lambda M: M.Mean().update_state([0.0, 1.0, 1.0], sample_weight=[1.0, 2.0]), ValueError, "sample_weight"),
    ("precision weights", lambda M: M.Precision().update_state([0, 1, 1], [0.1, 0.5, 0.9], sample_weight=[1.0, 2.0]), ValueError, "sample_weight"),
    ("unknown curve", lambda M: M.AUC(curve="XX"), ValueError, "curve"),
    ("unknown summation", lambda M: M.AUC(summation_method="trapezoid"), ValueError, "summation method"),
    ("num_thresholds", lambda M: M.AUC(num_thresholds=1), ValueError, "num_thresholds"),
    ("precision threshold", lambda M: M.Precision(thresholds=[0.5, 1.5]), ValueError, "\\[0, 1\\]"),
    ("recall threshold", lambda M: M.Recall(thresholds=-0.1), ValueError, "\\[0, 1\\]"),
    ("auc threshold", lambda M: M.AUC(thresholds=[0.2, 1.5]), ValueError, "\\[0, 1\\]"),
    ("string predictions", lambda M: M.Precision().update_state([0, 1], np.array(["a", "b"])), TypeError, "dtype"),
    ("string values", lambda M: M.Mean().update_state(np.array(["a", "b"])), TypeError, "dtype"),
    ("string auc", lambda M: M.AUC().update_state([0, 1], np.array(["a", "b"])), TypeError, "dtype"),
    ("class_id on 1-D", lambda M: M.Precision(class_id=1).update_state([0, 1], [0.2, 0.9]), ValueError, "class_id"),
    ("class_id out of range", lambda M: M.Recall(class_id=5).update_state(np.eye(3), np.eye(3)), ValueError, "class_id"),
    ("top_k too large", lambda M: M.Precision(top_k=4).update_state(np.eye(3), np.eye(3)), ValueError, "top_k"),
    ("num_labels without multi_label", lambda M: M.AUC(num_labels=3), ValueError, "multi_label"),
    ("multi_label rank", lambda M: M.AUC(multi_label=True).update_state([0, 1], [0.2, 0.9]), ValueError, "rank 2"),
    ("smoothing", lambda M: M.BinaryCrossentropy(label_smoothing=2.0), ValueError, "label_smoothing"),
    (
        "ignore_class weights",
        lambda M: M.SparseCategoricalCrossentropy(ignore_class=-1).update_state(np.array([[0, -1, 1], [1, 1, -1]]), np.full((2, 3, 2), 0.5), sample_weight=[1.0, 2.0]),
        ValueError,
        "sample_weight",
    ),
    ("wrapper fn", lambda M: M.MeanMetricWrapper("mse"), TypeError, "fn"),
]


@pytest.mark.parametrize("description, call, error, pattern", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_clear_error(tree, description, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(load(tree, "metrics"))
