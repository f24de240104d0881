"""`course_lib.{numpy,tf}.losses`, `.ops` and `.utils` against Keras 3.

Worked examples of the notes to 1e-6, property tests over shapes, ranks,
axes, dtypes, smoothing, ignore_class, sample weights and reductions, and
the errors for bad input.
"""

import warnings

import keras
import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from parity import as_numpy, assert_close, load

# --------------------------------------------------------------------------
# The notes' worked examples (numbers from ../shared/api-inventory.md)
# --------------------------------------------------------------------------

Y_TRUE = [[0, 1, 0], [0, 0, 1]]
Y_PRED = [[0.05, 0.95, 0], [0.1, 0.8, 0.1]]
SEG_TRUE = np.array([[[0, 2], [-1, -1]], [[0, 2], [-1, -1]]])
SEG_PRED = np.array(
    [
        [[[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0]]],
        [[[1.0, 0.0, 0.0], [0.0, 0.5, 0.5]], [[0.2, 0.5, 0.3], [0.0, 1.0, 0.0]]],
    ],
    dtype=np.float32,
)
LOGITS_2D = [[-18.6, 0.51], [2.94, -12.8]]

NOTES_EXAMPLES = [
    # (description, callable(losses module) -> value, expected)
    ("cce function", lambda L: L.categorical_crossentropy(Y_TRUE, Y_PRED), [0.05129331, 2.302585]),
    ("cce smoothing", lambda L: L.categorical_crossentropy(Y_TRUE, Y_PRED, label_smoothing=0.1), [0.6850014, 2.23327]),
    ("CCE class", lambda L: L.CategoricalCrossentropy()(Y_TRUE, Y_PRED), 1.176939),
    ("CCE weights", lambda L: L.CategoricalCrossentropy()(Y_TRUE, Y_PRED, sample_weight=[0.3, 0.7]), 0.8135988),
    ("CCE sum", lambda L: L.CategoricalCrossentropy(reduction="sum")(Y_TRUE, Y_PRED), 2.353878),
    ("CCE none", lambda L: L.CategoricalCrossentropy(reduction="none")(Y_TRUE, Y_PRED), [0.05129331, 2.302585]),
    ("CCE smoothing", lambda L: L.CategoricalCrossentropy(label_smoothing=0.1)(Y_TRUE, Y_PRED), 1.459136),
    ("scce function", lambda L: L.sparse_categorical_crossentropy(np.array([1, 2]), np.float32(Y_PRED)), [0.05129344, 2.302585]),
    ("SCCE class", lambda L: L.SparseCategoricalCrossentropy()(np.array([1, 2]), np.array(Y_PRED)), 1.176939),
    ("SCCE weights", lambda L: L.SparseCategoricalCrossentropy()(np.array([1, 2]), np.array(Y_PRED), sample_weight=[0.3, 0.7]), 0.8135988),
    ("SCCE sum", lambda L: L.SparseCategoricalCrossentropy(reduction="sum")(np.array([1, 2]), np.array(Y_PRED)), 2.353878),
    ("SCCE none", lambda L: L.SparseCategoricalCrossentropy(reduction="none")(np.array([1, 2]), np.array(Y_PRED)), [0.05129344, 2.302585]),
    (
        "scce ignore_class",
        lambda L: L.sparse_categorical_crossentropy(SEG_TRUE, SEG_PRED, ignore_class=-1),
        [[[2.384186e-07, 2.384186e-07], [0, 0]], [[2.384186e-07, 0.6931473], [0, 0]]],
    ),
    ("SCCE ignore_class", lambda L: L.SparseCategoricalCrossentropy(ignore_class=-1)(SEG_TRUE, SEG_PRED), 0.173287),
    ("SCCE ignore_class sum", lambda L: L.SparseCategoricalCrossentropy(ignore_class=-1, reduction="sum")(SEG_TRUE, SEG_PRED), 0.693148),
    ("bce function", lambda L: L.binary_crossentropy([[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]]), [0.9162908, 0.7135582]),
    ("fchollet example", lambda L: L.BinaryCrossentropy()([0.0, 0.0, 1.0, 1.0], [1.0, 1.0, 1.0, 0.0]), 12.00072),
    ("BCE logits 1-D", lambda L: L.BinaryCrossentropy(from_logits=True)([0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8]), 0.865458),
    ("BCE logits 2-D", lambda L: L.BinaryCrossentropy(from_logits=True)([[0, 1], [0, 0]], LOGITS_2D), 0.865458),
    ("BCE weights", lambda L: L.BinaryCrossentropy(from_logits=True)([[0, 1], [0, 0]], LOGITS_2D, sample_weight=[0.8, 0.2]), 0.2436386),
    ("BCE sum", lambda L: L.BinaryCrossentropy(from_logits=True, reduction="sum")([[0, 1], [0, 0]], LOGITS_2D), 1.730916),
    ("BCE none", lambda L: L.BinaryCrossentropy(from_logits=True, reduction="none")([[0, 1], [0, 0]], LOGITS_2D), [0.2351567, 1.495759]),
    (
        "mse function",
        lambda L: L.mean_squared_error(np.array([[0, 1, 0], [0, 0, 1]]), np.array([[0.5986585, 0.1560186, 0.1559945], [0.05808361, 0.8661761, 0.601115]])),
        [0.3650103, 0.304248],
    ),
    (
        "mae function",
        lambda L: L.mean_absolute_error(np.array([[0, 1, 0], [0, 0, 1]]), np.array([[0.5986585, 0.1560186, 0.1559945], [0.05808361, 0.8661761, 0.601115]])),
        [0.5328781, 0.4410482],
    ),
]


@pytest.mark.parametrize("description, compute, expected", NOTES_EXAMPLES, ids=[e[0] for e in NOTES_EXAMPLES])
def test_notes_examples(tree, description, compute, expected):
    assert_close(compute(load(tree, "losses")), np.asarray(expected, np.float32), atol=1e-6, rtol=1e-6)


def test_notes_backend_examples(tree):
    ops, utils = load(tree, "ops"), load(tree, "utils")
    eye = np.eye(3, dtype=np.float32)
    probs = np.float32([[0.9, 0.05, 0.05], [0.05, 0.89, 0.06], [0.05, 0.01, 0.94]])
    assert_close(ops.categorical_crossentropy(eye, probs), [0.1053605, 0.1165338, 0.06187541])
    assert_close(ops.categorical_crossentropy(eye, eye), [0.0, 0.0, 0.0], atol=1e-6)
    one_hot = as_numpy(utils.to_categorical([0, 1, 2, 3], num_classes=4))
    assert one_hot.dtype == np.float64
    four = np.float32([[0.9, 0.04, 0.03, 0.03], [0.3, 0.45, 0.15, 0.13], [0.04, 0.01, 0.94, 0.05], [0.12, 0.21, 0.5, 0.17]])
    assert_close(ops.categorical_crossentropy(one_hot.astype(np.float32), four), [0.1053605, 0.8280665, 0.1010961, 1.771957])
    with pytest.raises(TypeError, match="float64.*float32|float32.*float64"):
        ops.categorical_crossentropy(one_hot, four)  # Keras 3 does not cast either
    assert_close(ops.binary_crossentropy(np.float32([[0, 1], [0, 0]]), np.float32([[0.6, 0.4], [0.4, 0.6]])), [[0.9162908, 0.9162907], [0.5108256, 0.9162908]])


def test_mse_and_mae_keep_float64_exactly(tree):
    losses = load(tree, "losses")
    rng = np.random.RandomState(42)
    y_true, y_pred = rng.randint(0, 2, size=(2, 3)), rng.random_sample(size=(2, 3))
    mse = as_numpy(losses.mean_squared_error(y_true, y_pred))
    assert mse.dtype == np.float64
    assert np.array_equal(mse, np.mean(np.square(y_true - y_pred), axis=-1))
    assert np.array_equal(as_numpy(losses.mae(y_true, y_pred)), np.mean(np.abs(y_true - y_pred), axis=-1))
    assert as_numpy(losses.MeanSquaredError()(y_true, y_pred)).dtype == np.float32  # the class casts


# --------------------------------------------------------------------------
# Property tests against Keras
# --------------------------------------------------------------------------

FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])


@st.composite
def class_problems(draw, min_rank=1, max_rank=4):
    """A probability or logit tensor with a class axis, its one-hot and integer labels."""
    rank = draw(st.integers(min_rank, max_rank))
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=rank - 1, max_size=rank - 1))) + (draw(st.integers(2, 6)),)
    dtype = draw(FLOAT_DTYPES)
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    scale = draw(st.sampled_from([1.0, 10.0, 1e4]))
    logits = (rng.standard_normal(shape) * scale).astype(dtype)
    labels = rng.integers(0, shape[-1], size=shape[:-1])
    probs = np.exp(logits.astype(np.float64) - logits.max(-1, keepdims=True))
    probs = (probs / probs.sum(-1, keepdims=True)).astype(dtype)
    if draw(st.booleans()):  # a few exact zeros, which the clipping must handle
        probs = np.where(rng.random(shape) < 0.2, 0, probs).astype(dtype)
        probs[..., 0] += dtype(1e-3)
    one_hot = np.eye(shape[-1], dtype=dtype)[labels]
    return dict(logits=logits, probs=probs, labels=labels, one_hot=one_hot, dtype=dtype, rng=rng)


def keras_value(fn, *args, **kwargs):
    return as_numpy(fn(*args, **kwargs))


def dtype_tolerance(dtype, scale=1.0):
    return dict(rtol=1e-5 if dtype == np.float32 else 1e-9, atol=(1e-5 if dtype == np.float32 else 1e-9) * scale)


def assert_matches_keras(got, expected, dtype):
    """Same NaNs where Keras has NaNs (0/0 when renormalising along a non-class axis), close elsewhere."""
    np.testing.assert_array_equal(np.isnan(got), np.isnan(expected))
    finite = ~np.isnan(expected)
    scale = np.abs(expected[finite]).max() + 1 if finite.any() else 1.0
    np.testing.assert_allclose(got[finite], expected[finite], **dtype_tolerance(dtype, scale=scale))


@given(problem=class_problems(), from_logits=st.booleans(), smoothing=st.sampled_from([0.0, 0.1, 0.5]), data=st.data())
def test_categorical_crossentropy_matches_keras(tree, problem, from_logits, smoothing, data):
    losses = load(tree, "losses")
    y_pred = problem["logits"] if from_logits else problem["probs"]
    axis = data.draw(st.sampled_from([-1, y_pred.ndim - 1] + list(range(y_pred.ndim - 1))))
    kwargs = dict(from_logits=from_logits, label_smoothing=smoothing, axis=axis)
    expected = keras_value(keras.losses.categorical_crossentropy, problem["one_hot"], y_pred, **kwargs)
    got = as_numpy(losses.categorical_crossentropy(problem["one_hot"], y_pred, **kwargs))
    assert got.dtype == expected.dtype
    assert_matches_keras(got, expected, problem["dtype"])


@given(problem=class_problems(), from_logits=st.booleans(), use_ignore=st.booleans())
def test_sparse_categorical_crossentropy_matches_keras(tree, problem, from_logits, use_ignore):
    losses = load(tree, "losses")
    y_pred = problem["logits"] if from_logits else problem["probs"]
    labels = problem["labels"]
    ignore_class = None
    if use_ignore:
        ignore_class = -1
        labels = np.where(problem["rng"].random(labels.shape) < 0.3, -1, labels)
    kwargs = dict(from_logits=from_logits, ignore_class=ignore_class)
    expected = keras_value(keras.losses.sparse_categorical_crossentropy, labels, y_pred, **kwargs)
    got = as_numpy(losses.sparse_categorical_crossentropy(labels, y_pred, **kwargs))
    assert_matches_keras(got, expected, problem["dtype"])


@given(problem=class_problems(), from_logits=st.booleans(), smoothing=st.sampled_from([0.0, 0.2]), data=st.data())
def test_binary_crossentropy_matches_keras(tree, problem, from_logits, smoothing, data):
    losses = load(tree, "losses")
    y_pred = problem["logits"] if from_logits else problem["probs"]
    y_true = (problem["rng"].random(y_pred.shape) < 0.5).astype(problem["dtype"])
    axis = data.draw(st.sampled_from(list(range(-y_pred.ndim, y_pred.ndim))))
    kwargs = dict(from_logits=from_logits, label_smoothing=smoothing, axis=axis)
    expected = keras_value(keras.losses.binary_crossentropy, y_true, y_pred, **kwargs)
    got = as_numpy(losses.binary_crossentropy(y_true, y_pred, **kwargs))
    assert_matches_keras(got, expected, problem["dtype"])


REGRESSION = [
    ("mean_squared_error", {}),
    ("mean_absolute_error", {}),
    ("huber", {"delta": 1.0}),
    ("huber", {"delta": 0.3}),
]


@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=4, max_side=5),
    dtype=FLOAT_DTYPES,
    seed=st.integers(0, 2**31 - 1),
    case=st.sampled_from(REGRESSION),
)
def test_regression_losses_match_keras(tree, shape, dtype, seed, case):
    name, kwargs = case
    rng = np.random.default_rng(seed)
    y_true, y_pred = (rng.standard_normal(shape) * 2).astype(dtype), (rng.standard_normal(shape) * 2).astype(dtype)
    expected = keras_value(getattr(keras.losses, name), y_true, y_pred, **kwargs)
    got = as_numpy(getattr(load(tree, "losses"), name)(y_true, y_pred, **kwargs))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, **dtype_tolerance(dtype))


LOSS_CLASSES = [
    ("CategoricalCrossentropy", {}, "one_hot", "probs"),
    ("CategoricalCrossentropy", {"from_logits": True, "label_smoothing": 0.1}, "one_hot", "logits"),
    ("SparseCategoricalCrossentropy", {}, "labels", "probs"),
    ("SparseCategoricalCrossentropy", {"from_logits": True}, "labels", "logits"),
    ("SparseCategoricalCrossentropy", {"from_logits": True, "ignore_class": 0}, "labels", "logits"),
    ("BinaryCrossentropy", {}, "binary", "probs"),
    ("BinaryCrossentropy", {"from_logits": True, "label_smoothing": 0.2}, "binary", "logits"),
    ("MeanSquaredError", {}, "one_hot", "logits"),
    ("MeanAbsoluteError", {}, "one_hot", "logits"),
    ("Huber", {"delta": 0.5}, "one_hot", "logits"),
]
REDUCTIONS = ["sum_over_batch_size", "sum", "mean", "mean_with_sample_weight", "none", None]


@given(
    problem=class_problems(min_rank=1, max_rank=3),
    case=st.sampled_from(LOSS_CLASSES),
    reduction=st.sampled_from(REDUCTIONS),
    weights=st.sampled_from(["none", "per_sample", "full", "zeros"]),
)
def test_loss_classes_match_keras(tree, problem, case, reduction, weights):
    class_name, kwargs, true_key, pred_key = case
    if true_key == "binary":
        y_true = (problem["rng"].random(problem["probs"].shape) < 0.5).astype(problem["dtype"])
    else:
        y_true = problem[true_key]
    y_pred = problem[pred_key]
    sample_weight = None
    per_sample_shape = y_pred.shape[:-1] if y_pred.ndim > 1 else y_pred.shape
    if weights == "per_sample" and y_pred.ndim > 1:
        sample_weight = problem["rng"].random(y_pred.shape[:1]).astype(np.float32)
    elif weights == "full":
        sample_weight = problem["rng"].random(per_sample_shape).astype(np.float32)
    elif weights == "zeros":
        sample_weight = np.zeros(per_sample_shape, np.float32)
    assume(not (class_name == "SparseCategoricalCrossentropy" and y_pred.ndim == 1))
    expected = keras_value(getattr(keras.losses, class_name)(reduction=reduction, **kwargs), y_true, y_pred, sample_weight=sample_weight)
    got = as_numpy(getattr(load(tree, "losses"), class_name)(reduction=reduction, **kwargs)(y_true, y_pred, sample_weight=sample_weight))
    assert got.dtype == expected.dtype == np.float32
    np.testing.assert_allclose(got, expected, rtol=2e-5, atol=2e-5 * (np.abs(expected).max() + 1))


@pytest.mark.parametrize("class_name, kwargs", [(c[0], c[1]) for c in LOSS_CLASSES])
def test_loss_get_config_matches_keras(tree, class_name, kwargs):
    ours = getattr(load(tree, "losses"), class_name)(name="x", **kwargs)
    theirs = getattr(keras.losses, class_name)(name="x", **kwargs)
    assert ours.get_config() == theirs.get_config()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


def test_default_reduction_and_names(tree):
    losses = load(tree, "losses")
    assert losses.CategoricalCrossentropy().reduction == "sum_over_batch_size"
    assert losses.Huber().name == "huber_loss"

    class HuberLoss(losses.Loss):
        def call(self, y_true, y_pred):
            return losses.huber(y_true, y_pred, delta=2.0)

    assert HuberLoss().get_config()["name"].startswith("huber_loss")
    assert_close(HuberLoss()(np.float32([[0.0], [1.0]]), np.float32([[3.0], [1.5]])), 2.0625)


# --------------------------------------------------------------------------
# nn: the tf.nn functions, stable at extreme logits
# --------------------------------------------------------------------------


@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=6),
    dtype=FLOAT_DTYPES,
    scale=st.sampled_from([1.0, 30.0, 1e4]),
    seed=st.integers(0, 2**31 - 1),
)
def test_nn_functions_match_tf(tree, shape, dtype, scale, seed):
    from course_lib.quiet import tf

    nn = load(tree, "nn")
    rng = np.random.default_rng(seed)
    logits = (rng.standard_normal(shape) * scale).astype(dtype)
    labels = rng.random(shape).astype(dtype)
    tol = dtype_tolerance(dtype, scale=scale)
    pairs = [
        (nn.sigmoid(logits), tf.nn.sigmoid(logits)),
        (nn.softplus(logits), tf.nn.softplus(logits)),
        (nn.softmax(logits), tf.nn.softmax(logits)),
        (nn.log_softmax(logits), tf.nn.log_softmax(logits)),
        (
            nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits),
            tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits),
        ),
        (
            nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits),
            tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits),
        ),
    ]
    if len(shape) > 0:
        ids = rng.integers(0, shape[-1], size=shape[:-1])
        pairs.append(
            (
                nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits),
                tf.nn.sparse_softmax_cross_entropy_with_logits(labels=ids, logits=logits),
            )
        )
    for got, expected in pairs:
        got = as_numpy(got)
        assert np.all(np.isfinite(got))
        np.testing.assert_allclose(got, as_numpy(expected), **tol)


def test_sigmoid_cross_entropy_notes_example_and_extremes(tree):
    nn = load(tree, "nn")
    got = nn.sigmoid_cross_entropy_with_logits(
        labels=np.float32([0, 0, 0, 1, 1, 1, 0.5]), logits=np.float32([1, -1, 0, 1, -1, 0, 0])
    )
    assert_close(got, [1.313262, 0.3132617, 0.6931472, 0.3132617, 1.313262, 0.6931472, 0.6931472])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings either
        extreme = as_numpy(nn.sigmoid_cross_entropy_with_logits(labels=np.float32([0, 1, 1, 0]), logits=np.float32([1e4, -1e4, 1e4, -1e4])))
    np.testing.assert_allclose(extreme, [1e4, 1e4, 0, 0])


def test_sigmoid_is_softmax_against_zero(tree):
    nn = load(tree, "nn")
    x = np.float32([1.0, -1.0, 0.0, 7.5])
    pairs = np.stack([x, np.zeros_like(x)], axis=-1)
    assert_close(nn.sigmoid(x), as_numpy(nn.softmax(pairs))[:, 0])


def test_tf_gradient_of_stable_sigmoid_cross_entropy():
    from course_lib.quiet import tf
    from course_lib.tf import nn

    x = tf.constant([-1e4, -1.0, 0.0, 0.0, 1.0, 1e4])
    z = tf.constant([1.0, 0.0, 0.0, 0.7, 1.0, 0.0])
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = nn.sigmoid_cross_entropy_with_logits(labels=z, logits=x)
    expected = np.where(x.numpy() >= 0, 1 / (1 + np.exp(-np.abs(x.numpy()))), np.exp(-np.abs(x.numpy())) / (1 + np.exp(-np.abs(x.numpy())))) - z.numpy()
    assert_close(tape.gradient(loss, x), expected.astype(np.float32))


# --------------------------------------------------------------------------
# to_categorical
# --------------------------------------------------------------------------


@given(shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=5), num_classes=st.sampled_from([None, 7]), seed=st.integers(0, 1000))
def test_to_categorical_matches_keras(tree, shape, num_classes, seed):
    labels = np.random.default_rng(seed).integers(0, 5, size=shape)
    expected = keras.utils.to_categorical(labels, num_classes)
    got = as_numpy(load(tree, "utils").to_categorical(labels, num_classes))
    assert got.dtype == expected.dtype == np.float64
    np.testing.assert_array_equal(got, expected)


def test_to_categorical_trailing_axis_rule(tree):
    utils = load(tree, "utils")
    assert as_numpy(utils.to_categorical(np.array([[0], [1], [2]]))).shape == (3, 3)
    assert as_numpy(utils.to_categorical(np.array([[0], [1], [2]]), num_classes=4)).shape == (3, 4)
    assert as_numpy(utils.to_categorical(np.array([[0, 1]]))).shape == (1, 2, 2)


# --------------------------------------------------------------------------
# Bad input: a clear error, never a silent wrong number
# --------------------------------------------------------------------------

BAD_INPUTS = [
    ("label above range", lambda m: m["utils"].to_categorical([0, 4], num_classes=3), ValueError, "label 4.*\\[0, 3\\)"),
    ("negative label", lambda m: m["utils"].to_categorical([0, -1], num_classes=3), ValueError, "label -1"),
    ("fractional label", lambda m: m["utils"].to_categorical([0.5, 1]), ValueError, "integer"),
    ("text labels", lambda m: m["utils"].to_categorical(["a", "b"]), TypeError, "dtype"),
    ("cce shapes", lambda m: m["losses"].categorical_crossentropy(np.eye(3), np.ones((3, 4)) / 4), ValueError, "shape"),
    ("sparse label range", lambda m: m["losses"].sparse_categorical_crossentropy(np.array([0, 3]), np.full((2, 3), 1 / 3)), ValueError, "label 3"),
    ("sparse rank", lambda m: m["losses"].sparse_categorical_crossentropy(np.zeros((2, 2), int), np.full((2, 3), 1 / 3)), ValueError, "shape"),
    ("sparse axis", lambda m: m["losses"].sparse_categorical_crossentropy(np.array([0]), np.full((3, 1), 1 / 3), axis=0), ValueError, "axis=-1"),
    ("unknown reduction", lambda m: m["losses"].CategoricalCrossentropy(reduction="auto"), ValueError, "sum_over_batch_size"),
    ("bad reduction", lambda m: m["losses"].MeanSquaredError(reduction="average"), ValueError, "reduction"),
    ("bce shapes", lambda m: m["losses"].binary_crossentropy(np.zeros((2, 3)), np.zeros((2, 4))), ValueError, "shape"),
    ("sigmoid xent shapes", lambda m: m["nn"].sigmoid_cross_entropy_with_logits(labels=np.zeros(7), logits=np.zeros(6)), ValueError, "shape"),
    ("string predictions", lambda m: m["losses"].mean_squared_error(np.zeros(2), np.array(["a", "b"])), TypeError, "dtype"),
    ("smoothing out of range", lambda m: m["losses"].categorical_crossentropy(np.eye(2), np.eye(2), label_smoothing=1.5), ValueError, "label_smoothing"),
    ("axis out of range", lambda m: m["losses"].categorical_crossentropy(np.eye(2), np.eye(2), axis=2), ValueError, "axis"),
    ("weights shape", lambda m: m["losses"].MeanSquaredError()(np.zeros((4, 2)), np.ones((4, 2)), sample_weight=np.ones(3)), ValueError, "sample_weight"),
]


@pytest.mark.parametrize("description, call, error, pattern", BAD_INPUTS, ids=[b[0] for b in BAD_INPUTS])
def test_bad_input_raises_clear_error(tree, description, call, error, pattern):
    modules = {name: load(tree, name) for name in ("losses", "utils", "nn")}
    with pytest.raises(error, match=pattern):
        call(modules)
