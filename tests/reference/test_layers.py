"""`course_lib.{numpy,tf}.layers` against Keras 3's own layers.

Same weights -> same outputs and same gradients (GradientTape for the TF
tree, `backward` against the tape for the NumPy tree); `GaussianNoise` is the
identity at inference and has the right mean and spread in training;
`ActivityRegularization` and the weight regularizers put the same numbers into
`layer.losses` as Keras; every TF layer survives `get_config`/`from_config`
and a `.keras` file; bad input raises a clear error.
"""

import os
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from parity import as_numpy, assert_close, load, numeric_gradient

ACTIVATIONS = [None, "relu", "sigmoid", "tanh", "softplus", "softmax", "elu", "selu", "exponential"]


def random_inputs(shape, seed=0, scale=1.0):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(np.float32)


def keras_dense_like(units, weights, input_shape, **kwargs):
    """A built `keras.layers.Dense` holding `weights`."""
    layer = keras.layers.Dense(units, **kwargs)
    layer.build(input_shape)
    layer.set_weights([np.asarray(w) for w in weights])
    return layer


def keras_gradients(layer, x, upstream):
    """d(sum(layer(x) * upstream)) / d(x, kernel[, bias]) with a tape."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = layer(x)
        objective = tf.reduce_sum(y * upstream)
    grads = tape.gradient(objective, [x] + list(layer.trainable_weights))
    return as_numpy(y), [as_numpy(g) for g in grads]


# --------------------------------------------------------------------------
# The notes' worked examples (numbers from ../shared/api-inventory.md)
# --------------------------------------------------------------------------


def test_notes_dense_example(tree):
    layers = load(tree, "layers")
    layer = layers.Dense(3, activation="relu", kernel_initializer="ones")
    assert not layer.built
    y = layer(np.ones((2, 4), np.float32))
    assert_close(y, [[4, 4, 4], [4, 4, 4]])
    assert layer.built and as_numpy(layer.kernel).shape == (4, 3) and as_numpy(layer.bias).shape == (3,)
    assert layer.compute_output_shape((None, 4)) == (None, 3)
    assert layer.compute_output_shape((7, 5, 4)) == (7, 5, 3)


def test_lazy_build_and_weights(tree):
    layers = load(tree, "layers")
    layer = layers.Dense(5, use_bias=False)
    assert layer.weights == [] or len(layer.weights) == 0
    layer(np.ones((3, 2), np.float32))
    assert len(layer.weights) == 1 and layer.bias is None
    assert as_numpy(layer.weights[0]).shape == (2, 5)
    assert len(layer.trainable_weights) == 1 and len(layer.non_trainable_weights) == 0


# --------------------------------------------------------------------------
# Dense: outputs and gradients against keras.layers.Dense
# --------------------------------------------------------------------------


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("input_shape", [(6, 4), (2, 3, 4), (1, 4)])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense_matches_keras(tree, activation, input_shape, use_bias):
    layers = load(tree, "layers")
    units = 3
    seed = hash((activation, input_shape, use_bias)) % 1000
    x = random_inputs(input_shape, seed)
    ours = layers.Dense(units, activation=activation, use_bias=use_bias, kernel_initializer="glorot_uniform")
    ours(x)
    weights = [random_inputs((4, units), seed + 1)] + ([random_inputs((units,), seed + 2)] if use_bias else [])
    ours.set_weights(weights)
    theirs = keras_dense_like(units, weights, input_shape, activation=activation, use_bias=use_bias)
    upstream = random_inputs(input_shape[:-1] + (units,), seed + 3)
    expected_y, expected_grads = keras_gradients(theirs, x, upstream)
    if tree == "tf":
        got_y, got_grads = keras_gradients(ours, x, upstream)
    else:
        got_y = ours(x)
        got_grads = [ours.backward(upstream), ours.grad_kernel] + ([ours.grad_bias] if use_bias else [])
        assert (ours.grad_bias is None) == (not use_bias)
    assert_close(got_y, expected_y, rtol=1e-5, atol=1e-5)
    assert len(got_grads) == len(expected_grads)
    for got, expected in zip(got_grads, expected_grads):
        assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_numpy_dense_backward_passes_a_numeric_gradient_check():
    """Central differences in float64 against `backward`, for every activation with a derivative."""
    layers = load("numpy", "layers")
    rng = np.random.default_rng(7)
    for activation in ACTIVATIONS:
        layer = layers.Dense(3, activation=activation, dtype="float64")
        x = rng.standard_normal((4, 5))
        layer(x)
        upstream = rng.standard_normal((4, 3))

        def objective():
            return float(np.sum(layer(x) * upstream))

        layer(x)
        grad_x = layer.backward(upstream)
        analytic = {"x": grad_x, "kernel": layer.grad_kernel, "bias": layer.grad_bias}
        for name in ("x", "kernel", "bias"):
            target = x if name == "x" else getattr(layer, name)
            numeric = numeric_gradient(objective, target)
            np.testing.assert_allclose(analytic[name], numeric, rtol=1e-6, atol=1e-7, err_msg=f"{activation} d/d{name}")


def test_numpy_backward_before_call_is_an_error():
    layers = load("numpy", "layers")
    with pytest.raises(RuntimeError, match="before calling backward"):
        layers.Dense(2).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="before calling backward"):
        layers.ActivityRegularization(l1=0.1).backward(np.ones((1, 2)))


def test_numpy_backward_of_noise_and_activity_layers():
    layers = load("numpy", "layers")
    x = random_inputs((4, 3), 11)
    g = random_inputs((4, 3), 12)
    noise = layers.GaussianNoise(0.5, seed=1)
    noise(x, training=True)
    assert_close(noise.backward(g), g)
    act = layers.ActivityRegularization(l1=0.1, l2=0.3)
    act(x)
    keras_layer = keras.layers.ActivityRegularization(l1=0.1, l2=0.3)
    xt = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(xt)
        y = keras_layer(xt)
        total = tf.reduce_sum(y * g) + tf.add_n(keras_layer.losses)
    assert_close(act.backward(g), tape.gradient(total, xt), rtol=1e-5, atol=1e-6)


# --------------------------------------------------------------------------
# Regularizers, constraints and losses
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        dict(kernel_regularizer="l2"),
        dict(kernel_regularizer="l1", bias_regularizer="l2"),
        dict(activity_regularizer="l2"),
        dict(kernel_regularizer="l1", bias_regularizer="l1", activity_regularizer="l1"),
    ],
    ids=lambda kw: "+".join(f"{k}={v}" for k, v in kw.items()),
)
def test_dense_losses_match_keras(tree, kwargs):
    layers = load(tree, "layers")
    x = random_inputs((5, 4), 3)
    ours = layers.Dense(3, **kwargs)
    ours(x)
    weights = [random_inputs((4, 3), 4), random_inputs((3,), 5)]
    ours.set_weights(weights)
    ours(x)
    theirs = keras_dense_like(3, weights, (5, 4), **kwargs)
    theirs(x)
    assert len(ours.losses) == len(theirs.losses)
    for got, expected in zip(sorted(map(float, map(as_numpy, ours.losses))), sorted(map(float, map(as_numpy, theirs.losses)))):
        assert got == pytest.approx(expected, rel=1e-5)


def test_notes_regularizer_example(tree):
    """HOML's MyL1Regularizer(0.01) on a ones(3, 2) kernel gives 0.06 in layer.losses."""
    layers, regularizers = load(tree, "layers"), load(tree, "regularizers")
    layer = layers.Dense(2, kernel_initializer="ones", kernel_regularizer=regularizers.L1(0.01))
    layer(np.ones((1, 3), np.float32))
    assert float(as_numpy(layer.losses[0])) == pytest.approx(0.06, rel=1e-6)


def test_numpy_apply_constraints():
    layers = load("numpy", "layers")
    layer = layers.Dense(2, kernel_constraint="non_neg", bias_constraint=layers.get_constraint("max_norm"))
    layer(np.ones((1, 3), np.float32))
    layer.set_weights([np.float32([[-1, 2], [3, -4], [0.5, -0.5]]), np.float32([3.0, 4.0])])
    layer.apply_constraints()
    assert layer.kernel.min() >= 0
    assert_close(layer.kernel, [[0, 2], [3, 0], [0.5, 0]])
    assert_close(layer.bias, keras.constraints.MaxNorm()(np.float32([3.0, 4.0])))


def test_tf_constraint_applied_after_each_step_in_fit():
    layers = load("tf", "layers")
    keras.utils.set_random_seed(1)
    x = random_inputs((64, 3), 8)
    y = (x @ np.float32([[1.0], [-2.0], [0.5]])).astype(np.float32)
    model = keras.Sequential([keras.Input((3,)), layers.Dense(1, kernel_constraint="non_neg")])
    model.compile(optimizer=keras.optimizers.SGD(0.1), loss="mse")
    model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    kernel = as_numpy(model.layers[0].kernel)
    assert kernel.min() >= 0 and kernel[1, 0] == 0  # the weight that wants to be -2 is held at 0


@pytest.mark.parametrize("l1, l2", [(0.0, 0.0), (0.1, 0.0), (0.0, 0.05), (0.01, 0.2)])
@pytest.mark.parametrize("shape", [(4, 3), (2, 3, 5), (1, 6), (0, 3)])
def test_activity_regularization_matches_keras(tree, l1, l2, shape):
    layers = load(tree, "layers")
    x = random_inputs(shape, 21, scale=3.0)
    ours, theirs = layers.ActivityRegularization(l1=l1, l2=l2), keras.layers.ActivityRegularization(l1=l1, l2=l2)
    assert_close(ours(x), x)
    theirs(x)
    assert len(ours.losses) == len(theirs.losses) == 1
    assert_close(ours.losses[0], theirs.losses[0], rtol=1e-5, atol=1e-6)
    ours(x[:1] if shape[0] else x)  # a second call replaces the first call's penalty
    assert len(ours.losses) == 1


def test_activity_penalty_is_part_of_the_training_loss():
    layers = load("tf", "layers")
    keras.utils.set_random_seed(2)
    x, y = random_inputs((8, 3), 30), random_inputs((8, 2), 31)
    dense = keras.layers.Dense(2, kernel_initializer="ones")
    model = keras.Sequential([keras.Input((3,)), dense, layers.ActivityRegularization(l2=0.5)])
    model.compile(optimizer="sgd", loss="mse")
    prediction = x @ np.ones((3, 2), np.float32)
    expected = np.mean((prediction - y) ** 2) + 0.5 * np.sum(prediction**2) / 8
    assert model.evaluate(x, y, batch_size=8, verbose=0) == pytest.approx(expected, rel=1e-5)
    history = model.fit(x, y, batch_size=8, epochs=1, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)


def test_losses_inside_a_nested_layer():
    """A layer that owns other layers collects their losses (weight tracking)."""
    layers = load("tf", "layers")

    class Block(keras.layers.Layer):
        def __init__(self):
            super().__init__()
            self.dense = layers.Dense(4, kernel_regularizer="l2")
            self.act = layers.ActivityRegularization(l1=0.01)

        def call(self, x):
            return self.act(self.dense(x))

    block = Block()
    block(np.ones((2, 3), np.float32))
    assert len(block.weights) == 2 and len(block.losses) == 2


# --------------------------------------------------------------------------
# GaussianNoise
# --------------------------------------------------------------------------


def test_gaussian_noise_is_the_identity_at_inference(tree):
    layers = load(tree, "layers")
    x = random_inputs((5, 7), 40)
    layer = layers.GaussianNoise(0.3, seed=3)
    assert_close(layer(x), x, rtol=0, atol=0)
    assert_close(layer(x, training=False), x, rtol=0, atol=0)
    assert_close(layers.GaussianNoise(0.0)(x, training=True), x, rtol=0, atol=0)


@pytest.mark.parametrize("stddev", [0.05, 0.5, 1.0])
def test_gaussian_noise_statistics_in_training(tree, stddev):
    layers = load(tree, "layers")
    x = np.full((400, 500), 2.0, np.float32)
    layer = layers.GaussianNoise(stddev, seed=4)
    first = as_numpy(layer(x, training=True))
    noise = first - x
    n = noise.size  # standard errors: mean sigma/sqrt(n), std sigma/sqrt(2n)
    assert abs(noise.mean()) < 5 * stddev / np.sqrt(n)
    assert abs(noise.std() - stddev) < 5 * stddev / np.sqrt(2 * n)
    second = as_numpy(layer(x, training=True))
    assert not np.allclose(first, second)  # fresh noise at every training call
    again = layers.GaussianNoise(stddev, seed=4)
    assert_close(again(x, training=True), first, rtol=0, atol=0)  # the same seed repeats


def test_tf_gaussian_noise_equals_keras_draw_for_draw():
    layers = load("tf", "layers")
    x = random_inputs((3, 4), 41)
    ours, theirs = layers.GaussianNoise(0.2, seed=9), keras.layers.GaussianNoise(0.2, seed=9)
    for _ in range(3):
        assert_close(ours(x, training=True), theirs(x, training=True), rtol=0, atol=0)


def test_tf_gaussian_noise_in_fit_and_predict():
    layers = load("tf", "layers")
    x = random_inputs((16, 3), 42)
    model = keras.Sequential([keras.Input((3,)), layers.GaussianNoise(0.5, seed=1)])
    assert_close(model.predict(x, verbose=0), x, rtol=0, atol=0)
    model.compile(optimizer="sgd", loss="mse")
    loss = model.evaluate(x, x, verbose=0)  # evaluate runs at inference: no noise, zero error
    assert loss == pytest.approx(0.0)
    tf_step = tf.function(lambda inputs: model(inputs, training=True))
    noisy = as_numpy(tf_step(tf.constant(x)))
    assert not np.allclose(noisy, x)


# --------------------------------------------------------------------------
# Configuration and saving
# --------------------------------------------------------------------------

LAYER_CASES = [
    ("Dense", dict(units=3, activation="relu", kernel_regularizer="l2", kernel_constraint="non_neg")),
    ("Dense", dict(units=2, use_bias=False, kernel_initializer="ones", activity_regularizer="l1")),
    ("GaussianNoise", dict(stddev=0.1, seed=5)),
    ("ActivityRegularization", dict(l1=0.01, l2=0.02)),
]


@pytest.mark.parametrize("class_name, kwargs", LAYER_CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(LAYER_CASES)])
def test_config_round_trip(tree, class_name, kwargs):
    cls = getattr(load(tree, "layers"), class_name)
    layer = cls(name="original", **kwargs)
    config = layer.get_config()
    clone = cls.from_config(config)
    assert clone.get_config() == config
    for key in ("units", "stddev", "seed", "l1", "l2", "use_bias"):
        if key in kwargs:
            assert config[key] == kwargs[key]


@pytest.mark.parametrize("class_name, kwargs", LAYER_CASES, ids=[f"{c}-{i}" for i, (c, _) in enumerate(LAYER_CASES)])
def test_tf_layers_survive_a_keras_file(class_name, kwargs):
    layers = load("tf", "layers")
    keras.utils.set_random_seed(3)
    x = random_inputs((4, 3), 50)
    inputs = keras.Input((3,))
    outputs = getattr(layers, class_name)(**kwargs)(layers.Dense(3)(inputs))
    model = keras.Model(inputs, outputs)
    expected = model.predict(x, verbose=0)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "tiny.keras")
        model.save(path)
        restored = keras.saving.load_model(path)  # registered: no custom_objects needed
    assert [type(layer) for layer in restored.layers] == [type(layer) for layer in model.layers]
    assert_close(restored.predict(x, verbose=0), expected, rtol=0, atol=0)
    assert restored.layers[-1].get_config() == model.layers[-1].get_config()


def test_numpy_get_rebuilds_from_a_config_dict():
    layers = load("numpy", "layers")
    layer = layers.Dense(4, activation="tanh", kernel_regularizer="l1")
    rebuilt = layers.get({"class_name": "Dense", "config": layer.get_config()})
    assert isinstance(rebuilt, layers.Dense) and rebuilt.get_config() == layer.get_config()
    with pytest.raises(ValueError):
        layers.get({"class_name": "Conv2D", "config": {}})


def test_tf_dense_accepts_keras_components():
    layers = load("tf", "layers")
    layer = layers.Dense(
        2,
        activation=keras.activations.relu,
        kernel_initializer=keras.initializers.GlorotNormal(seed=1),
        kernel_regularizer=keras.regularizers.L2(0.1),
        kernel_constraint=keras.constraints.MaxNorm(1.0),
    )
    layer(np.ones((1, 3), np.float32))
    clone = layers.Dense.from_config(layer.get_config())
    assert isinstance(clone.kernel_initializer, keras.initializers.GlorotNormal)
    assert isinstance(clone.kernel_regularizer, keras.regularizers.L2)
    assert isinstance(clone.kernel_constraint, keras.constraints.MaxNorm)


def test_tf_dense_in_a_symbolic_model_and_tf_function():
    layers = load("tf", "layers")
    model = keras.Sequential([keras.Input((4,)), layers.Dense(3), layers.Dense(2, activation="softmax")])
    assert model.output_shape == (None, 2)
    fn = tf.function(lambda x: model(x), input_signature=[tf.TensorSpec((None, 4), tf.float32)])
    assert fn(tf.ones((5, 4))).shape == (5, 2)


# --------------------------------------------------------------------------
# Bad input
# --------------------------------------------------------------------------


def test_wrong_input_after_build_raises(tree):
    layers = load(tree, "layers")
    layer = layers.Dense(3)
    layer(np.ones((2, 4), np.float32))
    with pytest.raises(ValueError, match="last dimension 4"):
        layer(np.ones((2, 5), np.float32))
    with pytest.raises(ValueError, match="rank >= 2"):
        layer(np.ones((4,), np.float32))
    with pytest.raises(ValueError, match="rank >= 2"):
        layers.Dense(3)(np.ones((4,), np.float32))  # before build too
    with pytest.raises(ValueError):
        keras.layers.Dense(3)(np.ones((4,), np.float32))  # Keras agrees on the exception type


@pytest.mark.parametrize(
    "class_name, kwargs",
    [
        ("Dense", dict(units=0)),
        ("Dense", dict(units=2.0)),
        ("Dense", dict(units=2, activation="no_such_activation")),
        ("GaussianNoise", dict(stddev=1.5)),
        ("GaussianNoise", dict(stddev=-0.1)),
        ("ActivityRegularization", dict(l1=-0.1)),
    ],
)
def test_bad_arguments_raise_like_keras(tree, class_name, kwargs):
    with pytest.raises(ValueError):
        getattr(keras.layers, class_name)(**kwargs)
    with pytest.raises(ValueError):
        getattr(load(tree, "layers"), class_name)(**kwargs)


def test_numpy_set_weights_checks_shapes():
    layers = load("numpy", "layers")
    layer = layers.Dense(2)
    layer(np.ones((1, 3), np.float32))
    with pytest.raises(ValueError, match="shape"):
        layer.set_weights([np.ones((2, 2)), np.zeros(2)])
    with pytest.raises(ValueError, match="expects 2 weights"):
        layer.set_weights([np.ones((3, 2))])
