"""`course_lib.{numpy,tf}.{activations,initializers,regularizers,constraints}` against Keras 3.

The notes' examples, property tests against Keras over shapes, dtypes and
arguments, distribution tests for the NumPy tree's random initializers
(whose random stream differs from Keras's by design), exact equality of the
TF tree's initializers with Keras for a seed, a `Dense` layer built and
trained with the TF tree's components, and the errors for bad input.
"""

import math
import warnings

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp
from keras.src.initializers.random_initializers import compute_fans as keras_compute_fans
from parity import as_numpy, assert_close, load

from course_lib._common import TRUNCATED_NORMAL_STDDEV, compute_fans

FLOAT_DTYPES = st.sampled_from([np.float32, np.float64])


def tolerance(dtype):
    return dict(rtol=1e-5, atol=1e-6) if dtype == np.float32 else dict(rtol=1e-12, atol=1e-14)


# --------------------------------------------------------------------------
# The notes' worked examples (../shared/api-inventory.md)
# --------------------------------------------------------------------------


def test_notes_examples(tree):
    activations, regularizers, constraints = (load(tree, m) for m in ("activations", "regularizers", "constraints"))
    assert activations.serialize(activations.get("relu")) == "relu"
    assert activations.serialize(activations.get("selu")) == "selu"
    assert activations.get(None) is activations.linear
    assert activations.serialize(activations.get(None)) == "linear"
    assert_close(regularizers.l2(0.01)(np.ones((3, 2), np.float32)), 0.06)
    assert_close(constraints.NonNeg()(np.float32([-1.0, 2.0])), [0.0, 2.0])
    assert not np.signbit(as_numpy(constraints.NonNeg()(np.float32([-1.0])))).any()  # Keras 3 gives 0, not -0
    assert_close(constraints.MaxNorm(1.0)(np.float32([[3.0], [4.0]])), [[0.6], [0.8]])
    assert_close(activations.relu([-10, -5, 0.0, 5, 10]), [0, 0, 0, 5, 10])


def test_notes_custom_regularizer_in_a_dense_layer():
    """HOML's `MyL1Regularizer`-style check with the TF tree: `layer.losses` after a call on ones(1, 3)."""
    regularizers = load("tf", "regularizers")
    layer = keras.layers.Dense(2, kernel_initializer="ones", kernel_regularizer=regularizers.L1(0.01))
    layer(np.ones((1, 3), np.float32))
    assert_close(np.array([float(loss) for loss in layer.losses]), [0.06])
    assert regularizers.L1.from_config(regularizers.L1(0.01).get_config()).get_config() == {"l1": float(np.float32(0.01))}


# --------------------------------------------------------------------------
# Activations
# --------------------------------------------------------------------------

UNARY = ["sigmoid", "softplus", "exponential", "tanh", "elu", "selu", "linear", "relu"]


@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=3, max_side=5),
    dtype=FLOAT_DTYPES,
    scale=st.sampled_from([1.0, 10.0, 80.0]),
    seed=st.integers(0, 2**31 - 1),
    name=st.sampled_from(UNARY),
)
def test_activations_match_keras(tree, shape, dtype, scale, seed, name):
    x = (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)
    expected = as_numpy(getattr(keras.activations, name)(x))
    got = as_numpy(getattr(load(tree, "activations"), name)(x))
    assert got.dtype == expected.dtype and got.shape == expected.shape
    np.testing.assert_allclose(got, expected, **tolerance(dtype))


@pytest.mark.filterwarnings("ignore:You are using a softmax over axis")  # Keras warns on size-1 axes
@given(
    shape=hnp.array_shapes(min_dims=1, max_dims=3, max_side=5),
    dtype=FLOAT_DTYPES,
    scale=st.sampled_from([1.0, 30.0, 1e4]),
    seed=st.integers(0, 2**31 - 1),
    data=st.data(),
)
def test_softmax_matches_keras(tree, shape, dtype, scale, seed, data):
    x = (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)
    axis = data.draw(st.sampled_from(list(range(-len(shape), len(shape)))))
    expected = as_numpy(keras.activations.softmax(x, axis=axis))
    got = as_numpy(load(tree, "activations").softmax(x, axis=axis))
    np.testing.assert_allclose(got, expected, **tolerance(dtype))
    np.testing.assert_allclose(got.sum(axis=axis), 1.0, rtol=1e-5 if dtype == np.float32 else 1e-12)


RELU_OPTIONS = [
    {},
    {"negative_slope": 0.1},
    {"max_value": 5.0},
    {"max_value": 6},
    {"threshold": 1.0},
    {"threshold": -1.0},
    {"threshold": -1.0, "max_value": 5.0},  # Keras clips (-1, 0) up to 0 here
    {"negative_slope": 0.2, "threshold": 1.0},
    {"negative_slope": 0.1, "max_value": 4.0, "threshold": 0.5},
    {"negative_slope": 0.5, "max_value": 3.0},
]


@pytest.mark.parametrize("kwargs", RELU_OPTIONS, ids=[",".join(f"{k}={v}" for k, v in kw.items()) or "plain" for kw in RELU_OPTIONS])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_options_match_keras(tree, kwargs, dtype):
    x = np.concatenate([np.linspace(-8, 8, 33), [-1.0, -0.5, 0.0, 0.5, 1.0, 5.0, 6.0]]).astype(dtype)
    expected = as_numpy(keras.activations.relu(x, **kwargs))
    got = as_numpy(load(tree, "activations").relu(x, **kwargs))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, **tolerance(dtype))


def test_relu_keeps_integers_like_keras(tree):
    x = np.array([-2, 0, 3, 9])
    got, expected = as_numpy(load(tree, "activations").relu(x, max_value=6)), as_numpy(keras.activations.relu(x, max_value=6))
    assert got.dtype == expected.dtype == np.int64
    np.testing.assert_array_equal(got, expected)


def test_activations_are_stable_at_extremes(tree):
    activations = load(tree, "activations")
    x = np.float32([-1e4, -100.0, -1e-8, 0.0, 1e-8, 100.0, 1e4])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warnings
        for name in ["sigmoid", "softplus", "tanh", "elu", "selu"]:
            values = as_numpy(getattr(activations, name)(x))
            assert np.all(np.isfinite(values)), name
            np.testing.assert_allclose(values, as_numpy(getattr(keras.activations, name)(x)), rtol=1e-6, atol=1e-7, err_msg=name)
    # Full relative precision near 0 (expm1): TF's Elu op computes exp(x) - 1 and returns 0 for elu(-1e-8).
    assert as_numpy(activations.tanh(np.float32(1e-8))) == np.float32(1e-8)
    assert as_numpy(activations.elu(np.float32(-1e-8))) == pytest.approx(-1e-8, rel=1e-6)
    assert as_numpy(keras.activations.elu(np.float32(-1e-8))) == 0.0
    assert np.isinf(as_numpy(activations.exponential(np.float32(1e4))))


def test_integer_input_is_computed_in_float32(tree):
    """Keras on TF raises for integer input to sigmoid & co.; course_lib computes in float32."""
    activations = load(tree, "activations")
    for name in ["sigmoid", "softplus", "exponential", "tanh"]:
        got = as_numpy(getattr(activations, name)(np.array([1, 2])))
        assert got.dtype == np.float32
        assert_close(got, as_numpy(getattr(keras.activations, name)(np.float32([1, 2]))))


def test_get_and_serialize_match_keras(tree):
    activations = load(tree, "activations")
    for name in ["relu", "sigmoid", "softplus", "softmax", "exponential", "linear", "tanh", "elu", "selu"]:
        fn = activations.get(name)
        assert fn is getattr(activations, name)
        assert activations.serialize(fn) == keras.activations.serialize(keras.activations.get(name)) == name
        assert activations.deserialize(activations.serialize(fn)) is fn
        assert activations.get(keras.saving.serialize_keras_object(keras.activations.get(name))) is fn

    def custom(x):
        return x

    assert activations.get(custom) is custom  # callables pass through, as in Keras
    assert keras.activations.get(None) is keras.activations.linear


def test_tf_activation_in_a_layer_config():
    activations = load("tf", "activations")
    layer = keras.layers.Dense(2, activation=activations.relu)
    config = layer.get_config()
    assert keras.layers.Dense.from_config(config).activation is activations.relu
    assert_close(layer(np.float32([[-1.0, 2.0]])).shape, (1, 2))


ACTIVATION_ERRORS = [
    ("unknown name", lambda A: A.get("nope"), ValueError, "Could not interpret activation function identifier: 'nope'"),
    ("wrong case", lambda A: A.get("ReLU"), ValueError, "Could not interpret"),
    ("Keras-only name", lambda A: A.get("gelu"), ValueError, "Keras has it, but course_lib"),
    ("number", lambda A: A.get(3), ValueError, "Could not interpret"),
    ("serialize lambda", lambda A: A.serialize(lambda x: x), ValueError, "cannot be serialized"),
    ("text input", lambda A: A.relu(np.array(["a", "b"])), TypeError, "dtype"),
    ("text input sigmoid", lambda A: A.sigmoid(["a"]), TypeError, "dtype"),
    ("softmax axis", lambda A: A.softmax(np.ones((2, 3)), axis=2), ValueError, "axis"),
]


@pytest.mark.parametrize("description, call, error, pattern", ACTIVATION_ERRORS, ids=[e[0] for e in ACTIVATION_ERRORS])
def test_activation_errors(tree, description, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(load(tree, "activations"))


def test_keras_also_rejects_unknown_activation_names():
    for bad in ("nope", "ReLU", 3):
        with pytest.raises(ValueError, match="Could not interpret activation function identifier"):
            keras.activations.get(bad)


# --------------------------------------------------------------------------
# Initializers
# --------------------------------------------------------------------------

FAN_SHAPES = [(), (7,), (3, 5), (3, 3, 4, 8), (2, 5, 6), (2, 3, 3, 4, 5), (1, 1), (0, 4)]


@pytest.mark.parametrize("shape", FAN_SHAPES, ids=str)
def test_compute_fans_matches_keras(shape):
    assert compute_fans(shape) == keras_compute_fans(shape)
    if len(shape) >= 2:
        axes = dict(input_axes=[0], output_axes=[len(shape) - 1])
        assert compute_fans(shape, **axes) == keras_compute_fans(shape, **axes)


def test_glorot_fans_of_a_conv_kernel():
    """A 3x3 convolution from 4 to 8 channels: both fans are multiplied by the 9 window positions."""
    assert compute_fans((3, 3, 4, 8)) == (36, 72)


RANDOM_INITIALIZERS = [
    ("GlorotUniform", {}),
    ("GlorotNormal", {}),
    ("HeUniform", {}),
    ("HeNormal", {}),
    ("RandomNormal", {"mean": 0.5, "stddev": 0.2}),
    ("VarianceScaling", {"scale": 2.0, "mode": "fan_out", "distribution": "untruncated_normal"}),
]
INIT_IDS = [n + ("-" + "-".join(f"{v}" for v in kw.values()) if kw else "") for n, kw in RANDOM_INITIALIZERS]


@pytest.mark.parametrize("name, kwargs", RANDOM_INITIALIZERS, ids=INIT_IDS)
@pytest.mark.parametrize("shape", [(4, 5), (3, 3, 2, 4), (6,), ()], ids=str)
@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_tf_random_initializers_equal_keras_for_a_seed(name, kwargs, shape, dtype):
    """The TF tree uses Keras's stateless generators and seed pair, so the numbers are identical."""
    ours = getattr(load("tf", "initializers"), name)(seed=7, **kwargs)(shape, dtype=dtype)
    theirs = getattr(keras.initializers, name)(seed=7, **kwargs)(shape, dtype=dtype)
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(as_numpy(ours), as_numpy(theirs))


def _expected_spread(name, kwargs, shape):
    """(mean, target standard deviation, bound or None) of a random initializer for `shape`."""
    fan_in, fan_out = compute_fans(shape)
    if name == "RandomNormal":
        return kwargs["mean"], kwargs["stddev"], None
    scale, mode, distribution = {
        "GlorotUniform": (1.0, "fan_avg", "uniform"),
        "GlorotNormal": (1.0, "fan_avg", "truncated_normal"),
        "HeUniform": (2.0, "fan_in", "uniform"),
        "HeNormal": (2.0, "fan_in", "truncated_normal"),
        "VarianceScaling": (kwargs.get("scale"), kwargs.get("mode"), kwargs.get("distribution")),
    }[name]
    n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[mode]
    std = math.sqrt(scale / n)
    if distribution == "uniform":
        return 0.0, std, math.sqrt(3) * std  # limit sqrt(6 / (fan_in + fan_out)) for Glorot
    if distribution == "truncated_normal":
        return 0.0, std, 2 * std / TRUNCATED_NORMAL_STDDEV  # cut at 2 sigma of the *corrected* normal
    return 0.0, std, None


@pytest.mark.parametrize("name, kwargs", RANDOM_INITIALIZERS, ids=INIT_IDS)
@pytest.mark.parametrize("tree_name", ["numpy", "tf"])
def test_random_initializer_distributions(tree_name, name, kwargs):
    """Mean, spread and bounds on 200,000 draws (the NumPy tree's stream differs from Keras's).

    With N = 2e5 draws the sample mean is within 5 sigma/sqrt(N) = 0.011 sigma of
    the truth and the sample standard deviation within 1% (its relative
    standard error is about 1/sqrt(2N) = 0.16%, at most 0.3% for the uniform
    and truncated shapes), so these bounds fail by chance with probability < 1e-6.
    """
    shape = (500, 400)
    values = as_numpy(getattr(load(tree_name, "initializers"), name)(seed=11, **kwargs)(shape))
    assert values.shape == shape and values.dtype == np.float32
    mean, std, bound = _expected_spread(name, kwargs, shape)
    values = values.astype(np.float64)
    assert abs(values.mean() - mean) < 5 * std / math.sqrt(values.size)
    assert values.std() == pytest.approx(std, rel=0.01)
    if bound is not None:
        assert np.abs(values - mean).max() <= np.float32(bound) * (1 + 1e-6)
        assert np.abs(values - mean).max() >= 0.99 * bound  # the bound is reached: the spread is not too small
    if name == "GlorotUniform":
        assert bound == pytest.approx(math.sqrt(6 / (500 + 400)))
        hist, _ = np.histogram(values, bins=10, range=(-bound, bound))
        np.testing.assert_allclose(hist / values.size, 0.1, atol=0.005)  # flat


def test_truncated_normal_is_cut_at_two_sigma():
    """Without the 0.8796 correction the standard deviation would be 12% too small."""
    initializers = load("numpy", "initializers")
    values = initializers.GlorotNormal(seed=3)((400, 600)).astype(np.float64)
    sigma = math.sqrt(2 / 1000) / TRUNCATED_NORMAL_STDDEV  # of the normal before truncation
    assert np.abs(values).max() <= 2 * sigma * (1 + 1e-6)
    # A normal cut at +-2 sigma keeps 95.45% of its mass; its std is 0.8796 sigma.
    assert values.std() == pytest.approx(math.sqrt(2 / 1000), rel=0.01)
    assert np.mean(np.abs(values) > sigma) == pytest.approx((0.9545 - 0.6827) / 0.9545, abs=0.005)


@pytest.mark.parametrize("name", ["GlorotUniform", "GlorotNormal", "RandomNormal"])
def test_seeds_behave_like_keras(tree, name):
    initializers = load(tree, "initializers")
    cls, keras_cls = getattr(initializers, name), getattr(keras.initializers, name)
    shape = (6, 5)

    def same(a, b):
        return np.array_equal(as_numpy(a), as_numpy(b))

    assert same(cls(seed=1)(shape), cls(seed=1)(shape))  # same seed, same values
    assert not same(cls(seed=1)(shape), cls(seed=2)(shape))  # different seeds differ
    unseeded, other = cls(), cls()
    assert not same(unseeded(shape), other(shape))  # two unseeded initializers differ ...
    assert same(unseeded(shape), unseeded(shape))  # ... but each repeats itself, exactly as in Keras 3:
    keras_unseeded = keras_cls()
    assert same(keras_unseeded(shape), keras_unseeded(shape))
    assert not same(keras_cls()(shape), keras_cls()(shape))
    assert cls().get_config()["seed"] is None


CONSTANT_INITIALIZERS = [("Zeros", {}), ("Ones", {}), ("Constant", {"value": 0.1}), ("Constant", {"value": 3})]


@pytest.mark.parametrize("name, kwargs", CONSTANT_INITIALIZERS)
@pytest.mark.parametrize("dtype", [None, "float32", "float64", "int32"])
def test_constant_initializers_match_keras(tree, name, kwargs, dtype):
    ours = as_numpy(getattr(load(tree, "initializers"), name)(**kwargs)((2, 3), dtype=dtype))
    theirs = as_numpy(getattr(keras.initializers, name)(**kwargs)((2, 3), dtype=dtype))
    assert ours.dtype == theirs.dtype
    np.testing.assert_array_equal(ours, theirs)  # Constant(0.1) in float64 is float32(0.1), as in Keras


ALL_INITIALIZERS = RANDOM_INITIALIZERS + CONSTANT_INITIALIZERS


@pytest.mark.parametrize("name, kwargs", ALL_INITIALIZERS)
def test_initializer_get_config_matches_keras(tree, name, kwargs):
    seed = {} if name in ("Zeros", "Ones", "Constant") else {"seed": 5}
    ours = getattr(load(tree, "initializers"), name)(**kwargs, **seed)
    theirs = getattr(keras.initializers, name)(**kwargs, **seed)
    assert ours.get_config() == theirs.get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_initializers_get(tree):
    initializers = load(tree, "initializers")
    for name in ["glorot_uniform", "GlorotNormal", "he_normal", "zeros", "ones", "random_normal"]:
        ours, theirs = initializers.get(name), keras.initializers.get(name)
        assert type(ours).__name__ == type(theirs).__name__
    assert initializers.get(None) is None
    with pytest.raises(ValueError, match="Could not interpret initializer identifier"):
        initializers.get("glorot")


INITIALIZER_ERRORS = [
    ("int dtype for a random initializer", lambda I: I.GlorotUniform(seed=1)((2, 2), dtype="int32"), TypeError, "float dtype"),
    ("float seed", lambda I: I.GlorotNormal(seed=1.5), ValueError, "seed"),
    ("negative dimension", lambda I: I.Zeros()((2, -1)), ValueError, "shape"),
    ("text shape", lambda I: I.Ones()("ab"), ValueError, "shape"),
    ("bad mode", lambda I: I.VarianceScaling(mode="fan_sum"), ValueError, "mode"),
    ("bad distribution", lambda I: I.VarianceScaling(distribution="cauchy"), ValueError, "distribution"),
    ("non-positive scale", lambda I: I.VarianceScaling(scale=0.0), ValueError, "scale"),
]


@pytest.mark.parametrize("description, call, error, pattern", INITIALIZER_ERRORS, ids=[e[0] for e in INITIALIZER_ERRORS])
def test_initializer_errors(tree, description, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(load(tree, "initializers"))


# --------------------------------------------------------------------------
# Regularizers
# --------------------------------------------------------------------------

REGULARIZERS = [
    ("L1", {"l1": 0.01}),
    ("L1", {}),
    ("L2", {"l2": 0.3}),
    ("L2", {}),
    ("L1L2", {"l1": 0.1, "l2": 0.2}),
    ("L1L2", {"l1": 0.05}),
    ("L1L2", {}),
]


@given(
    shape=hnp.array_shapes(min_dims=0, max_dims=4, max_side=6),
    dtype=FLOAT_DTYPES,
    seed=st.integers(0, 2**31 - 1),
    case=st.sampled_from(REGULARIZERS),
)
def test_regularizers_match_keras(tree, shape, dtype, seed, case):
    name, kwargs = case
    x = (np.random.default_rng(seed).standard_normal(shape) * 3).astype(dtype)
    expected = as_numpy(getattr(keras.regularizers, name)(**kwargs)(x))
    got = as_numpy(getattr(load(tree, "regularizers"), name)(**kwargs)(x))
    assert got.dtype == expected.dtype == dtype and got.shape == ()
    np.testing.assert_allclose(got, expected, **tolerance(dtype))


@pytest.mark.parametrize("name, kwargs", REGULARIZERS)
def test_regularizer_config_matches_keras(tree, name, kwargs):
    ours = getattr(load(tree, "regularizers"), name)(**kwargs)
    theirs = getattr(keras.regularizers, name)(**kwargs)
    assert ours.get_config() == theirs.get_config()  # incl. L1's float32 factor 0.009999999776482582
    clone = type(ours).from_config(ours.get_config())
    x = np.linspace(-1, 1, 6, dtype=np.float32)
    assert_close(clone(x), ours(x))


def test_regularizer_aliases_and_defaults(tree):
    regularizers = load(tree, "regularizers")
    assert regularizers.l1 is regularizers.L1 and regularizers.l2 is regularizers.L2 and regularizers.l1_l2 is regularizers.L1L2
    assert keras.regularizers.l2 is keras.regularizers.L2  # the same in Keras
    assert regularizers.L2(None).get_config() == keras.regularizers.L2(None).get_config() == {"l2": 0.01}
    assert regularizers.L1L2(l1=None).get_config() == {"l1": 0.0, "l2": 0.0}
    assert regularizers.L2(True).get_config() == keras.regularizers.L2(True).get_config()
    assert type(regularizers.get("l2")) is regularizers.L2


def test_regularizer_integer_weights_are_cast_to_float(tree):
    """Keras computes the penalty of an int array in ints (L2(0.01) of it is 0); course_lib uses float32."""
    regularizers = load(tree, "regularizers")
    assert int(as_numpy(keras.regularizers.L2(0.01)(np.array([1, 2])))) == 0
    assert_close(regularizers.L2(0.01)(np.array([1, 2])), 0.05)


REGULARIZER_ERRORS = [
    ("negative l2", lambda R: R.L2(-0.01), ValueError, "Invalid value for argument l2: expected a non-negative float"),
    ("negative l1", lambda R: R.L1L2(l1=-1.0), ValueError, "argument l1"),
    ("nan", lambda R: R.L1(float("nan")), ValueError, "non-negative"),
    ("inf", lambda R: R.L2(float("inf")), ValueError, "non-negative"),
    ("text factor", lambda R: R.L2("0.1"), ValueError, "non-negative"),
    ("text weights", lambda R: R.L2()(np.array(["a", "b"])), TypeError, "dtype"),
    ("unknown name", lambda R: R.get("l3"), ValueError, "Could not interpret regularizer identifier"),
]


@pytest.mark.parametrize("description, call, error, pattern", REGULARIZER_ERRORS, ids=[e[0] for e in REGULARIZER_ERRORS])
def test_regularizer_errors(tree, description, call, error, pattern):
    with pytest.raises(error, match=pattern):
        call(load(tree, "regularizers"))


@pytest.mark.parametrize("call", [lambda R: R.L2(-0.01), lambda R: R.L1(float("nan")), lambda R: R.L2("0.1")])
def test_keras_rejects_the_same_factors(call):
    with pytest.raises(ValueError, match="expected a non-negative float"):
        call(keras.regularizers)


# --------------------------------------------------------------------------
# Constraints
# --------------------------------------------------------------------------

CONSTRAINTS = [
    ("NonNeg", {}),
    ("MaxNorm", {}),
    ("MaxNorm", {"max_value": 1.0}),
    ("MaxNorm", {"max_value": 0.5, "axis": 1}),
    ("MaxNorm", {"max_value": 3, "axis": [0, 1]}),
]


@given(
    shape=st.sampled_from([(4, 3), (5, 2), (2, 3, 4)]),
    dtype=FLOAT_DTYPES,
    seed=st.integers(0, 2**31 - 1),
    scale=st.sampled_from([0.1, 1.0, 10.0]),
    case=st.sampled_from(CONSTRAINTS),
)
def test_constraints_match_keras(tree, shape, dtype, seed, scale, case):
    name, kwargs = case
    w = (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)
    if seed % 3 == 0:
        w[0] = 0  # an all-zero slice must stay zero
    expected = as_numpy(getattr(keras.constraints, name)(**kwargs)(w))
    got = as_numpy(getattr(load(tree, "constraints"), name)(**kwargs)(w))
    assert got.dtype == expected.dtype
    np.testing.assert_allclose(got, expected, **tolerance(dtype))


def test_max_norm_caps_the_norm_of_each_unit(tree):
    w = np.random.default_rng(0).standard_normal((20, 6)).astype(np.float32) * 3
    capped = as_numpy(load(tree, "constraints").MaxNorm(2.0)(w))
    norms = np.linalg.norm(capped, axis=0)
    assert np.all(norms <= 2.0 + 1e-5)
    np.testing.assert_allclose(capped / np.linalg.norm(capped, axis=0), w / np.linalg.norm(w, axis=0), rtol=1e-5)  # directions kept


@pytest.mark.parametrize("name, kwargs", CONSTRAINTS)
def test_constraint_config_matches_keras(tree, name, kwargs):
    ours = getattr(load(tree, "constraints"), name)(**kwargs)
    assert ours.get_config() == getattr(keras.constraints, name)(**kwargs).get_config()
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def test_constraint_integer_input_like_keras(tree):
    constraints = load(tree, "constraints")
    pairs = [(constraints.NonNeg(), keras.constraints.NonNeg()), (constraints.MaxNorm(1.0), keras.constraints.MaxNorm(1.0))]
    for constraint, keras_constraint in pairs:
        w = np.array([[3], [-4]])
        got, expected = as_numpy(constraint(w)), as_numpy(keras_constraint(w))
        assert got.dtype == expected.dtype
        np.testing.assert_allclose(got, expected, rtol=1e-6)


@pytest.mark.parametrize("name", ["NonNeg", "MaxNorm"])
def test_constraint_errors(tree, name):
    with pytest.raises(TypeError, match="dtype"):
        getattr(load(tree, "constraints"), name)()(np.array(["a", "b"]))


# --------------------------------------------------------------------------
# The TF tree's components inside a Keras layer and `fit`
# --------------------------------------------------------------------------


def _dense_model(modules, optimizer):
    activations, initializers, regularizers, constraints = modules
    layer = keras.layers.Dense(
        3,
        activation=activations.relu,
        kernel_initializer=initializers.GlorotNormal(seed=4),
        bias_initializer=initializers.Constant(0.1),
        kernel_regularizer=regularizers.L1L2(l1=0.01, l2=0.02),
        bias_regularizer=regularizers.L2(0.05),
        kernel_constraint=constraints.MaxNorm(0.8),
        bias_constraint=constraints.NonNeg(),
    )
    model = keras.Sequential([keras.Input((4,)), layer])
    model.compile(optimizer=optimizer, loss="mse")
    return model, layer


def test_tf_components_in_a_dense_layer_match_keras():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((24, 4)).astype(np.float32), rng.standard_normal((24, 3)).astype(np.float32)
    tf_tree = [load("tf", m) for m in ("activations", "initializers", "regularizers", "constraints")]
    ours = _dense_model(tf_tree, keras.optimizers.Adam(0.05))
    theirs = _dense_model([keras.activations, keras.initializers, keras.regularizers, keras.constraints], keras.optimizers.Adam(0.05))
    for model, layer in (ours, theirs):
        model.build((None, 4))
    np.testing.assert_array_equal(ours[1].kernel.numpy(), theirs[1].kernel.numpy())  # same seed, same draws
    np.testing.assert_array_equal(ours[1].bias.numpy(), np.float32([0.1, 0.1, 0.1]))

    histories = [model.fit(x, y, epochs=1, batch_size=6, shuffle=False, verbose=0).history["loss"] for model, _ in (ours, theirs)]
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)
    model, layer = ours
    kernel, bias = layer.kernel.numpy(), layer.bias.numpy()
    np.testing.assert_allclose(kernel, theirs[1].kernel.numpy(), rtol=1e-5, atol=1e-6)
    assert np.all(np.linalg.norm(kernel, axis=0) <= 0.8 + 1e-5) and np.all(bias >= 0)  # constraints applied after steps
    penalties = [float(loss) for loss in layer.losses]
    expected = [0.01 * np.abs(kernel).sum() + 0.02 * np.square(kernel).sum(), 0.05 * np.square(bias).sum()]
    np.testing.assert_allclose(penalties, expected, rtol=1e-5)
    restored = keras.layers.Dense.from_config(layer.get_config())  # registered: the classes come back
    assert type(restored.kernel_regularizer) is type(layer.kernel_regularizer)
    assert type(restored.kernel_constraint) is type(layer.kernel_constraint)
    assert type(restored.kernel_initializer) is type(layer.kernel_initializer)


def test_tf_components_subclass_the_public_keras_bases():
    initializers, regularizers, constraints = (load("tf", m) for m in ("initializers", "regularizers", "constraints"))
    assert isinstance(initializers.GlorotUniform(), keras.initializers.Initializer)
    assert isinstance(regularizers.L2(), keras.regularizers.Regularizer)
    assert isinstance(constraints.NonNeg(), keras.constraints.Constraint)
