"""`course_lib.{numpy,tf}.optimizers` against Keras 3.

The notes' RMSprop example to 1e-6, 50-step trajectories equal to Keras's for
every optimizer and option on random gradients, a quadratic and the
Rosenbrock function, a property test over hyperparameters, clipping, weight
decay and schedules, in-place updates in the NumPy tree, `fit` in the TF
tree, `get_config`, and the errors for bad input.
"""

import functools
import warnings

import keras
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from parity import as_numpy, assert_close, load

from course_lib.quiet import tf

# --------------------------------------------------------------------------
# Driving an optimizer of any of the three kinds the same way
# --------------------------------------------------------------------------


def optimizer_module(kind):
    """`"keras"` -> `keras.optimizers`; `"numpy"` / `"tf"` -> that tree's module."""
    return keras.optimizers if kind == "keras" else load(kind, "optimizers")


def make_variable(kind, value):
    """A NumPy array (updated in place by the NumPy tree) or a `keras.Variable`."""
    value = np.array(value)  # a private copy either way
    return value if kind == "numpy" else keras.Variable(value)


def read(variable):
    return np.array(as_numpy(variable))


def run(kind, name, kwargs, initial_values, gradient_fn, steps):
    """Apply `steps` steps; return the values of every variable after each step, shape (steps, ...).

    `gradient_fn(step, values)` returns the gradients from the current values
    (NumPy arrays), so state-dependent problems follow each optimizer's own path.
    """
    optimizer = getattr(optimizer_module(kind), name)(**kwargs)
    variables = [make_variable(kind, v) for v in initial_values]
    history = []
    for step in range(steps):
        values = [read(v) for v in variables]
        grads = gradient_fn(step, values)
        count = optimizer.apply_gradients(zip(grads, variables))
        assert int(as_numpy(count)) == step + 1
        history.append([read(v) for v in variables])
    return [np.stack([h[i] for h in history]) for i in range(len(variables))]


def random_gradients(shapes, dtype, seed=0, scale=1.0):
    """A gradient function replaying the same random gradients for every optimizer."""
    rng = np.random.default_rng(seed)
    table = [[(rng.standard_normal(s) * scale).astype(dtype) for s in shapes] for _ in range(50)]
    return lambda step, values: table[step]


def quadratic_gradient(step, values):
    """Gradient of $\\sum_i \\frac{a_i}{2} w_i^2$ with fixed curvatures $a_i \\in [0.5, 2]$."""
    return [(np.linspace(0.5, 2.0, v.size).reshape(v.shape) * v).astype(v.dtype) for v in values]


def rosenbrock_gradient(step, values):
    """Gradient of $(1-x)^2 + 100(y-x^2)^2$ at $(x, y)$."""
    (w,) = values
    x, y = w[0], w[1]
    return [np.array([-2 * (1 - x) - 400 * x * (y - x * x), 200 * (y - x * x)], dtype=w.dtype)]


# Float32 tolerance for 50 steps. Both sides do the same IEEE float32
# operations in the same order (TF-tree results are in fact bit-identical to
# Keras's); the NumPy tree differs only where NumPy's and Eigen's `pow` (and,
# when clipping, the summation order of norms) round differently, by about
# one ulp (6e-8 relative). Even if each of 50 steps added a few ulps of its
# step size, the values would agree to about 50 * 4 * 6e-8 = 1.2e-5 of the
# largest step, so rtol=1e-5 of the values plus atol=1e-5 of their scale
# is sound; the differences observed are below 3e-7 relative.
RTOL = 1e-5


def assert_trajectories_close(got, expected, rtol=RTOL, err_msg=""):
    for g, e in zip(got, expected):
        scale = float(np.max(np.abs(e))) + 1.0
        np.testing.assert_allclose(g, e, rtol=rtol, atol=rtol * scale, err_msg=err_msg)


# --------------------------------------------------------------------------
# The notes' worked example (numbers from ../shared/api-inventory.md, section 9)
# --------------------------------------------------------------------------

RMSPROP_NOTES = [
    ({}, [9.683772, 9.45788]),
    ({"momentum": 0.9}, [9.683772, 9.173275]),
    ({"centered": True}, [9.666667, 9.415902]),
    ({"momentum": 0.9, "centered": True}, [9.666667, 9.115902]),
]


@pytest.mark.parametrize("kwargs, expected", RMSPROP_NOTES, ids=["plain", "momentum", "centered", "both"])
def test_notes_rmsprop_example(tree, kwargs, expected):
    """`RMSprop(learning_rate=0.1)`, var1 = 10, loss var1**2 / 2 (so the gradient is var1)."""
    optimizer = load(tree, "optimizers").RMSprop(learning_rate=0.1, **kwargs)
    var1 = make_variable(tree, np.float32(10.0))
    values, counts = [], []
    for _ in range(2):
        if tree == "tf":
            with tf.GradientTape() as tape:
                loss = var1**2 / 2
            grads = tape.gradient(loss, [var1])
        else:
            grads = [var1 * 1]  # d(var1**2 / 2) / d var1
        counts.append(int(as_numpy(optimizer.apply_gradients(zip(grads, [var1])))))
        values.append(float(read(var1)))
    assert counts == [1, 2]
    np.testing.assert_allclose(values, expected, rtol=0, atol=1e-6)
    assert int(as_numpy(optimizer.iterations)) == 2


def test_notes_apply_and_minimize(tree):
    """`opt.apply(grads, vars)` is the other Keras 3 spelling; `minimize` is gone."""
    optimizer = load(tree, "optimizers").RMSprop(learning_rate=0.1)
    var1 = make_variable(tree, np.float32(10.0))
    assert optimizer.apply([np.float32(10.0)], [var1]) is None
    assert_close(read(var1), 9.683772, atol=1e-6)
    optimizer.apply([np.float32(9.683772)])  # after building, the variables may be left out
    assert int(as_numpy(optimizer.iterations)) == 2
    assert not hasattr(optimizer, "minimize")
    assert not hasattr(keras.optimizers.RMSprop(), "minimize")


# --------------------------------------------------------------------------
# 50-step trajectories against Keras
# --------------------------------------------------------------------------

CONFIGS = [
    ("SGD", {"learning_rate": 0.05}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"learning_rate": 0.01}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.9}),
    ("RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("RMSprop", {"learning_rate": 0.01, "momentum": 0.5, "centered": True, "rho": 0.8}),
    ("Adam", {"learning_rate": 0.02}),
    ("Adam", {"learning_rate": 0.02, "amsgrad": True, "beta_1": 0.8}),
    ("Nadam", {"learning_rate": 0.02}),
]
CONFIG_IDS = [f"{name}-{'-'.join(f'{k}={v}' for k, v in kw.items() if k != 'learning_rate') or 'default'}" for name, kw in CONFIGS]
SHAPES = [(), (5,), (3, 4), (2, 3, 2)]


@functools.lru_cache(maxsize=None)
def keras_trajectory(name, kwargs_items, problem, dtype_name):
    """Keras's trajectory for a problem (cached: each tree compares with the same run)."""
    initial, gradient_fn, steps = PROBLEMS[problem](np.dtype(dtype_name))
    return run("keras", name, dict(kwargs_items), initial, gradient_fn, steps)


def _random_problem(dtype):
    rng = np.random.default_rng(1)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES], random_gradients(SHAPES, dtype), 50


def _quadratic_problem(dtype):
    return [np.linspace(-3, 3, 12).reshape(3, 4).astype(dtype)], quadratic_gradient, 50


def _rosenbrock_problem(dtype):
    return [np.array([-1.2, 1.0], dtype=dtype)], rosenbrock_gradient, 50


PROBLEMS = {"random": _random_problem, "quadratic": _quadratic_problem, "rosenbrock": _rosenbrock_problem}


@pytest.mark.parametrize("problem", list(PROBLEMS))
@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_trajectory_matches_keras(tree, name, kwargs, problem):
    if problem == "rosenbrock" and name == "SGD":
        kwargs = {**kwargs, "learning_rate": 0.0005}  # the valley is steep: keep plain SGD stable
    expected = keras_trajectory(name, tuple(sorted(kwargs.items())), problem, "float32")
    initial, gradient_fn, steps = PROBLEMS[problem](np.dtype(np.float32))
    got = run(tree, name, kwargs, initial, gradient_fn, steps)
    for g in got:
        assert g.dtype == np.float32
    assert_trajectories_close(got, expected, err_msg=f"{name} {kwargs} on {problem}")


@pytest.mark.parametrize("name, kwargs", [CONFIGS[2], CONFIGS[6], CONFIGS[8], CONFIGS[9]], ids=["SGD", "RMSprop", "Adam", "Nadam"])
def test_float64_trajectory_matches_keras(tree, name, kwargs):
    """Float64 too, to 1e-12: including Keras's casts of Python constants through float32."""
    expected = keras_trajectory(name, tuple(sorted(kwargs.items())), "random", "float64")
    initial, gradient_fn, steps = _random_problem(np.dtype(np.float64))
    got = run(tree, name, kwargs, initial, gradient_fn, steps)
    assert got[0].dtype == np.float64
    assert_trajectories_close(got, expected, rtol=1e-12)


@pytest.mark.parametrize("name, kwargs", CONFIGS, ids=CONFIG_IDS)
def test_slot_variables_like_keras(tree, name, kwargs):
    """The same optimizer variables, in the same order and shapes, as Keras builds."""
    initial = [np.zeros(s, np.float32) for s in SHAPES]
    ours = getattr(optimizer_module(tree), name)(**kwargs)
    theirs = getattr(keras.optimizers, name)(**kwargs)
    ours.build([make_variable(tree, v) for v in initial])
    theirs.build([keras.Variable(v) for v in initial])
    assert [tuple(as_numpy(v).shape) for v in ours.variables] == [tuple(v.shape) for v in theirs.variables]
    assert [as_numpy(v).dtype for v in ours.variables] == [np.dtype(v.dtype) for v in theirs.variables]


# --------------------------------------------------------------------------
# Property test over hyperparameters
# --------------------------------------------------------------------------


@st.composite
def optimizer_settings(draw):
    name = draw(st.sampled_from(["SGD", "RMSprop", "Adam", "Nadam"]))
    kwargs = {"learning_rate": draw(st.floats(1e-4, 0.5))}
    if name == "SGD":
        kwargs["momentum"] = draw(st.sampled_from([0.0, 0.5, 0.9, 0.99]) | st.floats(0.0, 1.0))
        kwargs["nesterov"] = draw(st.booleans())
    elif name == "RMSprop":
        kwargs.update(
            rho=draw(st.floats(0.5, 0.99)),
            momentum=draw(st.sampled_from([0.0, 0.9]) | st.floats(0.0, 0.99)),
            epsilon=draw(st.sampled_from([1e-7, 1e-3, 1.0])),
            centered=draw(st.booleans()),
        )
    else:
        kwargs.update(
            beta_1=draw(st.floats(0.5, 0.99)),
            beta_2=draw(st.sampled_from([0.999, 0.9]) | st.floats(0.9, 0.9999)),
            epsilon=draw(st.sampled_from([1e-7, 1e-3, 1.0])),
        )
        if name == "Adam":
            kwargs["amsgrad"] = draw(st.booleans())
    return name, kwargs


@given(
    settings=optimizer_settings(),
    shape=st.sampled_from(SHAPES),
    seed=st.integers(0, 2**31 - 1),
    scale=st.sampled_from([1e-3, 1.0, 100.0]),
)
def test_random_hyperparameters_match_keras(tree, settings, shape, seed, scale):
    name, kwargs = settings
    initial = [np.random.default_rng(seed).standard_normal(shape).astype(np.float32)]
    gradient_fn = random_gradients([shape], np.float32, seed=seed, scale=scale)
    expected = run("keras", name, kwargs, initial, gradient_fn, 10)
    got = run(tree, name, kwargs, initial, gradient_fn, 10)
    assert_trajectories_close(got, expected, err_msg=f"{name} {kwargs}")


# --------------------------------------------------------------------------
# Clipping, weight decay, loss scaling, schedules
# --------------------------------------------------------------------------

EXTRAS = [
    ("SGD", {"momentum": 0.9, "clipnorm": 1.0}),
    ("Adam", {"clipvalue": 0.5}),
    ("RMSprop", {"global_clipnorm": 1.5}),
    ("Adam", {"weight_decay": 0.1}),
    ("Nadam", {"loss_scale_factor": 4.0, "clipnorm": 0.5}),
]


@pytest.mark.parametrize("name, kwargs", EXTRAS, ids=[f"{n}-{'-'.join(k)}" for n, k in EXTRAS])
def test_clipping_and_weight_decay_match_keras(tree, name, kwargs):
    initial, _, _ = _random_problem(np.dtype(np.float32))
    gradient_fn = random_gradients(SHAPES, np.float32, seed=3, scale=3.0)
    kwargs = {"learning_rate": 0.05, **kwargs}
    expected = run("keras", name, kwargs, initial, gradient_fn, 20)
    got = run(tree, name, kwargs, initial, gradient_fn, 20)
    assert_trajectories_close(got, expected)


def test_learning_rate_schedule_matches_keras(tree):
    def schedule():
        return keras.optimizers.schedules.ExponentialDecay(0.1, decay_steps=2, decay_rate=0.5)

    initial, _, _ = _random_problem(np.dtype(np.float32))
    gradient_fn = random_gradients(SHAPES, np.float32, seed=4)
    expected = run("keras", "SGD", {"learning_rate": schedule(), "momentum": 0.5}, initial, gradient_fn, 8)
    got = run(tree, "SGD", {"learning_rate": schedule(), "momentum": 0.5}, initial, gradient_fn, 8)
    assert_trajectories_close(got, expected)


def test_learning_rate_is_a_float32_variable_and_settable(tree):
    optimizer = load(tree, "optimizers").Adam(learning_rate=0.1)
    assert float(as_numpy(optimizer.learning_rate)) == float(np.float32(0.1))
    optimizer.learning_rate = 0.5
    assert float(as_numpy(optimizer.learning_rate)) == 0.5
    assert optimizer.get_config()["learning_rate"] == 0.5


# --------------------------------------------------------------------------
# The NumPy tree updates the caller's arrays in place
# --------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "Nadam"])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_numpy_updates_in_place(name, dtype):
    optimizers = load("numpy", "optimizers")
    kwargs = {"momentum": 0.9} if name == "SGD" else {}
    optimizer = getattr(optimizers, name)(**kwargs)
    scalar = np.array(2.0, dtype=dtype)  # 0-d arrays too
    matrix = np.ones((2, 3), dtype=dtype)
    view = matrix[0]  # a view of the caller's array sees the update
    ids = (id(scalar), id(matrix))
    before = (scalar.copy(), matrix.copy())
    result = optimizer.apply_gradients([(np.ones((), dtype), scalar), (np.ones((2, 3)), matrix)])
    assert (id(scalar), id(matrix)) == ids
    assert scalar.shape == () and scalar.dtype == dtype and matrix.dtype == dtype
    assert scalar < before[0] and np.all(matrix < before[1])
    np.testing.assert_array_equal(view, matrix[0])
    assert result is optimizer.iterations and result.dtype == np.int64 and int(result) == 1
    optimizer.apply_gradients([(np.ones(()), scalar)])  # a subset of the variables
    assert int(result) == 2  # the same live counter, like Keras's `iterations` variable


def test_numpy_gradient_aliasing_the_variable():
    """`apply_gradients([(var, var)])` (gradient of var**2/2 is var) must use the old value throughout."""
    optimizers = load("numpy", "optimizers")
    for name in ["SGD", "RMSprop", "Adam", "Nadam"]:
        var, other = np.array([10.0, -3.0], np.float32), np.array([10.0, -3.0], np.float32)
        kwargs = {"momentum": 0.9, "nesterov": True} if name == "SGD" else {}
        getattr(optimizers, name)(**kwargs).apply_gradients([(var, var)])
        getattr(optimizers, name)(**kwargs).apply_gradients([(other.copy(), other)])
        np.testing.assert_array_equal(var, other)


def test_none_gradients_are_skipped_with_a_warning(tree):
    optimizer = load(tree, "optimizers").SGD(learning_rate=0.5)
    a, b = make_variable(tree, np.float32([1.0, 1.0])), make_variable(tree, np.float32(1.0))
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        optimizer.apply_gradients([(np.float32([1.0, 2.0]), a), (None, b)])
    np.testing.assert_allclose(read(a), [0.5, 0.0])
    assert read(b) == 1.0
    with pytest.raises(ValueError, match="No gradients provided"):
        optimizer.apply_gradients([(None, a)])


# --------------------------------------------------------------------------
# get_config, serialization, and `fit` with the TF tree
# --------------------------------------------------------------------------

CONFIG_CASES = [
    ("SGD", {}),
    ("SGD", {"learning_rate": 0.1, "momentum": 0.9, "nesterov": True}),
    ("RMSprop", {}),
    ("RMSprop", {"learning_rate": 0.1, "rho": 0.8, "momentum": 0.5, "epsilon": 1e-4, "centered": True}),
    ("Adam", {}),
    ("Adam", {"learning_rate": 0.1, "beta_1": 0.8, "beta_2": 0.99, "epsilon": 1e-3, "amsgrad": True, "clipnorm": 1.0}),
    ("Nadam", {}),
    ("Nadam", {"learning_rate": 0.01, "beta_1": 0.8, "weight_decay": 0.01}),
]


@pytest.mark.parametrize("name, kwargs", CONFIG_CASES)
def test_get_config_matches_keras(tree, name, kwargs):
    ours = getattr(optimizer_module(tree), name)(name="opt", **kwargs)
    theirs = getattr(keras.optimizers, name)(name="opt", **kwargs)
    assert ours.get_config() == theirs.get_config()
    clone = type(ours).from_config(ours.get_config())
    assert clone.get_config() == ours.get_config()


def test_default_names_and_rms_defaults(tree):
    optimizers = load(tree, "optimizers")
    assert optimizers.RMSprop().get_config()["name"].startswith("rm_sprop")
    config = optimizers.RMSprop().get_config()
    assert {k: config[k] for k in ("learning_rate", "rho", "momentum", "epsilon", "centered")} == {
        "learning_rate": float(np.float32(0.001)),
        "rho": 0.9,
        "momentum": 0.0,
        "epsilon": 1e-07,
        "centered": False,
    }


def test_tf_optimizers_round_trip_through_keras_serialization():
    optimizers = load("tf", "optimizers")
    for cls in (optimizers.SGD, optimizers.RMSprop, optimizers.Adam, optimizers.Nadam):
        restored = keras.optimizers.deserialize(keras.optimizers.serialize(cls(learning_rate=0.25)))
        assert type(restored) is cls
        assert float(restored.learning_rate) == 0.25
        assert isinstance(restored, keras.optimizers.Optimizer)


@pytest.mark.parametrize("name", ["SGD", "RMSprop", "Adam", "Nadam"])
def test_tf_optimizer_in_compile_and_fit_matches_keras(name):
    """`model.compile(optimizer=course_lib.tf.optimizers.X())` + `fit` gives Keras's weights."""
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 3)).astype(np.float32), rng.standard_normal((32, 2)).astype(np.float32)
    weights = []
    for module in (load("tf", "optimizers"), keras.optimizers):
        optimizer = getattr(module, name)(learning_rate=0.02)
        model = keras.Sequential(
            [
                keras.Input((3,)),
                keras.layers.Dense(4, activation="tanh", kernel_initializer=keras.initializers.GlorotUniform(seed=1)),
                keras.layers.Dense(2, kernel_initializer=keras.initializers.GlorotUniform(seed=2)),
            ]
        )
        model.compile(optimizer=optimizer, loss="mse")
        history = model.fit(x, y, epochs=2, batch_size=8, shuffle=False, verbose=0)
        assert np.isfinite(history.history["loss"]).all()
        assert int(optimizer.iterations) == 8
        weights.append([w.numpy() for w in model.weights])
    for ours, theirs in zip(*weights):
        np.testing.assert_allclose(ours, theirs, rtol=RTOL, atol=RTOL)


# --------------------------------------------------------------------------
# Bad input: Keras 3's errors, and clear ones where Keras has none
# --------------------------------------------------------------------------

BAD_ARGUMENTS = [
    ("lr keyword", lambda O: O.Nadam(lr=0.01), ValueError, r"Argument\(s\) not recognized: \{'lr': 0.01\}"),
    ("lr with decay", lambda O: O.SGD(lr=0.01, decay=1e-4), ValueError, r"not recognized: \{'lr': 0.01\}"),
    ("unknown keyword", lambda O: O.Adam(beta1=0.9), ValueError, r"not recognized: \{'beta1': 0.9\}"),
    ("int learning rate", lambda O: O.SGD(learning_rate=1), ValueError, "learning_rate"),
    ("int momentum", lambda O: O.SGD(momentum=0), ValueError, r"`momentum` must be a float between \[0, 1\]"),
    ("momentum above 1", lambda O: O.SGD(momentum=1.5), ValueError, "momentum"),
    ("two clip options", lambda O: O.Adam(clipnorm=1.0, clipvalue=1.0), ValueError, "Only one of"),
]


@pytest.mark.parametrize("description, make, error, pattern", BAD_ARGUMENTS, ids=[b[0] for b in BAD_ARGUMENTS])
def test_bad_arguments_raise_like_keras(tree, description, make, error, pattern):
    with pytest.raises(error, match=pattern):
        make(keras.optimizers)  # what Keras 3 does ...
    with pytest.raises(error, match=pattern):
        make(load(tree, "optimizers"))  # ... and the reference tree


def test_decay_is_ignored_with_a_warning(tree):
    for module in (keras.optimizers, load(tree, "optimizers")):
        with pytest.warns(UserWarning, match="`decay` is no longer supported"):
            optimizer = module.SGD(learning_rate=0.1, decay=1e-4)
        assert float(as_numpy(optimizer.learning_rate)) == float(np.float32(0.1))
        assert "decay" not in optimizer.get_config()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load(tree, "optimizers").SGD(decay=None)  # None is not a value: no warning


def test_negative_learning_rate_is_accepted_like_keras(tree):
    """Keras does not reject it; the step then goes *up* the gradient."""
    for kind in ("keras", tree):
        optimizer = optimizer_module(kind).SGD(learning_rate=-0.1)
        var = make_variable(kind, np.float32(1.0))
        optimizer.apply_gradients([(np.float32(1.0), var)])
        assert_close(read(var), 1.1)


NUMPY_BAD_STEPS = [
    ("python float", lambda: 1.0, lambda: 1.0, TypeError, "cannot be updated in place"),
    ("numpy scalar", lambda: np.float32(1.0), lambda: 1.0, TypeError, "float32.*cannot be updated in place"),
    ("list", lambda: [1.0, 2.0], lambda: [1.0, 1.0], TypeError, "list"),
    ("int array", lambda: np.array([1, 2]), lambda: np.ones(2), TypeError, "int64.*float array"),
    ("read-only", lambda: np.frombuffer(np.ones(2).tobytes()), lambda: np.ones(2), ValueError, "read-only"),
    ("shape mismatch", lambda: np.ones(2, np.float32), lambda: np.ones(3), ValueError, r"gradient.shape=\(3,\), variable.shape=\(2,\)"),
    ("rank mismatch", lambda: np.ones((2, 1), np.float32), lambda: np.ones(2), ValueError, r"same rank.*\(2,\).*\(2, 1\)"),
    ("text gradient", lambda: np.ones(2, np.float32), lambda: np.array(["a", "b"]), TypeError, "dtype"),
]


@pytest.mark.parametrize("description, variable, gradient, error, pattern", NUMPY_BAD_STEPS, ids=[b[0] for b in NUMPY_BAD_STEPS])
def test_numpy_bad_variables_and_gradients(description, variable, gradient, error, pattern):
    optimizer = load("numpy", "optimizers").Adam()
    with pytest.raises(error, match=pattern):
        optimizer.apply_gradients([(gradient(), variable())])


def test_numpy_failed_step_changes_nothing():
    optimizer = load("numpy", "optimizers").SGD(learning_rate=0.1)
    good, bad = np.ones(2, np.float32), np.ones(3, np.float32)
    with pytest.raises(ValueError, match="shape"):
        optimizer.apply_gradients([(np.ones(2), good), (np.ones(2), bad)])
    np.testing.assert_array_equal(good, 1.0)
    assert int(optimizer.iterations) == 0


def test_unknown_variable_after_build(tree):
    for kind in ("keras", tree):
        optimizer = optimizer_module(kind).SGD()
        optimizer.apply_gradients([(np.float32([1.0]), make_variable(kind, np.float32([1.0])))])
        with pytest.raises(ValueError, match="Unknown variable"):
            optimizer.apply_gradients([(np.float32([1.0]), make_variable(kind, np.float32([1.0])))])


def test_not_implemented_options_in_numpy_tree():
    optimizers = load("numpy", "optimizers")
    with pytest.raises(NotImplementedError, match="use_ema"):
        optimizers.Adam(use_ema=True)
    with pytest.raises(NotImplementedError, match="gradient_accumulation_steps"):
        optimizers.Adam(gradient_accumulation_steps=2)
    with pytest.raises(ValueError, match="must be an integer >= 2"):
        optimizers.Adam(gradient_accumulation_steps=1)
