"""`course_lib.{numpy,tf}.blocks` and `course_lib.numpy.training` against Keras and TensorFlow.

- `ResidualBlock`: same weights -> same outputs and same gradients as the
  same computation written with `keras.layers.Dense` layers (GradientTape for
  the TF tree, `backward` against the tape for the NumPy tree), plus a
  numeric gradient check of the NumPy `backward`.
- `Sampling`: mean and spread of many draws, seeding (same seed, same draws;
  new draws at every call), the reparameterisation gradients, and, for the
  TF tree, equality with `keras.random.normal` under the same seed.
- `kl_divergence`: the closed form against the formula in `keras.ops`, and
  against a Monte-Carlo estimate of E_q[log q(z) - log p(z)].
- `training`: the NumPy MLP's gradients equal `tf.GradientTape`'s for the
  same weights, pass a numeric gradient check, and `train_step` updates in place.
- Every TF custom object round-trips through `get_config`/`from_config` and
  a `.keras` file in a temporary directory.
"""

import os
import tempfile

import keras
import numpy as np
import pytest
import tensorflow as tf
from parity import as_numpy, assert_close, load, numeric_gradient

from course_lib.numpy import training


def random_inputs(shape, seed=0, scale=1.0, dtype=np.float32):
    return (np.random.default_rng(seed).standard_normal(shape) * scale).astype(dtype)


def keras_residual(weights, activation, n_neurons):
    """The residual block's computation with keras.layers.Dense layers holding `weights`."""
    layers = []
    for kernel, bias in zip(weights[::2], weights[1::2]):
        dense = keras.layers.Dense(n_neurons, activation=activation)
        dense.build((None, n_neurons))
        dense.set_weights([np.asarray(kernel), np.asarray(bias)])
        layers.append(dense)

    def block(x):
        z = x
        for dense in layers:
            z = dense(z)
        return x + z

    variables = [v for dense in layers for v in dense.trainable_weights]
    return block, variables


def tape_gradients(function, variables, x, upstream):
    """Output, d(sum(out * upstream))/dx and /d(variables) with a tape."""
    x = tf.constant(x)
    with tf.GradientTape() as tape:
        tape.watch(x)
        y = function(x)
        objective = tf.reduce_sum(y * upstream)
    grads = tape.gradient(objective, [x] + list(variables))
    return as_numpy(y), [as_numpy(g) for g in grads]


# --------------------------------------------------------------------------
# ResidualBlock
# --------------------------------------------------------------------------


@pytest.mark.parametrize("n_layers", [1, 2, 3])
@pytest.mark.parametrize("activation", ["elu", "relu", "tanh"])
@pytest.mark.parametrize("input_shape", [(5, 4), (1, 4), (2, 3, 4)])
def test_residual_block_matches_keras_dense(tree, n_layers, activation, input_shape):
    blocks = load(tree, "blocks")
    seed = 100 * n_layers + len(activation) + len(input_shape)
    x = random_inputs(input_shape, seed)
    ours = blocks.ResidualBlock(n_layers, 4, activation=activation)
    ours(x)
    weights = []
    for i in range(n_layers):
        weights += [random_inputs((4, 4), seed + 2 * i + 1, 0.7), random_inputs((4,), seed + 2 * i + 2, 0.3)]
    ours.set_weights(weights)
    upstream = random_inputs(input_shape, seed + 99)
    keras_block, keras_variables = keras_residual(weights, activation, 4)
    expected_y, expected_grads = tape_gradients(keras_block, keras_variables, x, upstream)
    if tree == "tf":
        got_y, got_grads = tape_gradients(ours, ours.trainable_weights, x, upstream)
    else:
        got_y = ours(x)
        got_grads = [ours.backward(upstream)] + ours.gradients
    assert_close(got_y, expected_y, rtol=1e-5, atol=1e-5)
    assert len(got_grads) == len(expected_grads) == 1 + 2 * n_layers
    for got, expected in zip(got_grads, expected_grads):
        assert_close(got, expected, rtol=1e-4, atol=1e-5)


def test_residual_block_is_the_identity_when_its_layers_output_zero(tree):
    """Zero kernels and biases: F(x) = elu(0) = 0, so the block passes x through (and d/dx = I)."""
    blocks = load(tree, "blocks")
    block = blocks.ResidualBlock(3, 6)
    x = random_inputs((4, 6), 1)
    block(x)
    block.set_weights([np.zeros_like(as_numpy(w)) for w in block.weights])
    assert_close(block(x), x, rtol=0, atol=0)


def test_residual_block_jacobian_is_identity_plus_f_jacobian():
    blocks = load("tf", "blocks")
    keras.utils.set_random_seed(3)
    block = blocks.ResidualBlock(2, 3)
    x = tf.constant(random_inputs((1, 3), 2))
    block(x)
    with tf.GradientTape(persistent=True) as tape:
        tape.watch(x)
        y = block(x)
        f = y - x
    jac_y = tape.jacobian(y, x)[0, :, 0, :]
    jac_f = tape.jacobian(f, x)[0, :, 0, :]
    assert_close(jac_y, np.eye(3) + as_numpy(jac_f), rtol=1e-5, atol=1e-6)


def test_numpy_residual_block_passes_a_numeric_gradient_check():
    blocks = load("numpy", "blocks")
    rng = np.random.default_rng(5)
    block = blocks.ResidualBlock(2, 3, dtype="float64")
    x = rng.standard_normal((4, 3))
    block(x)
    block.set_weights([rng.standard_normal(np.shape(w)) * 0.8 for w in block.weights])
    upstream = rng.standard_normal((4, 3))

    def objective():
        return float(np.sum(block(x) * upstream))

    block(x)
    analytic = [block.backward(upstream)] + block.gradients
    targets = [x] + block.weights
    for target, grad in zip(targets, analytic):
        np.testing.assert_allclose(grad, numeric_gradient(objective, target), rtol=1e-6, atol=1e-7)


def test_residual_block_weights_and_defaults(tree):
    blocks = load(tree, "blocks")
    block = blocks.ResidualBlock(2, 30)
    block(np.ones((2, 30), np.float32))
    assert [tuple(as_numpy(w).shape) for w in block.weights] == [(30, 30), (30,), (30, 30), (30,)]
    assert sum(as_numpy(w).size for w in block.weights) == 1860
    config = block.get_config()
    assert config["n_layers"] == 2 and config["n_neurons"] == 30 and config["activation"] == "elu"
    assert "HeNormal" in str(config["kernel_initializer"])
    assert block.compute_output_shape((None, 30)) == (None, 30)


@pytest.mark.parametrize(
    "args, message",
    [((0, 3), "n_layers"), ((2, 0), "n_neurons"), ((2.0, 3), "n_layers"), ((True, 3), "n_layers"), ((2, -1), "n_neurons")],
)
def test_residual_block_rejects_bad_sizes(tree, args, message):
    blocks = load(tree, "blocks")
    with pytest.raises(ValueError, match=message):
        blocks.ResidualBlock(*args)


def test_residual_block_rejects_an_input_of_the_wrong_width(tree):
    blocks = load(tree, "blocks")
    with pytest.raises(ValueError, match="must have 4 features"):
        blocks.ResidualBlock(2, 4)(np.ones((3, 5), np.float32))


def test_numpy_residual_backward_before_call_is_an_error():
    blocks = load("numpy", "blocks")
    with pytest.raises(RuntimeError, match="before calling backward"):
        blocks.ResidualBlock(1, 2).backward(np.ones((1, 2)))
    with pytest.raises(RuntimeError, match="before calling backward"):
        blocks.Sampling(seed=1).backward(np.ones((1, 2)))


def test_residual_block_trains_inside_fit():
    """In a Sequential model, in graph mode: the loss goes down and the block's weights move."""
    blocks = load("tf", "blocks")
    keras.utils.set_random_seed(4)
    x = random_inputs((64, 8), 7)
    y = np.sin(x[:, :1]) + x[:, 1:2] ** 2
    block = blocks.ResidualBlock(2, 16)
    model = keras.Sequential([keras.Input((8,)), keras.layers.Dense(16, activation="elu"), block, keras.layers.Dense(1)])
    before = [w.copy() for w in block.get_weights()]
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    history = model.fit(x, y, epochs=10, batch_size=16, verbose=0)
    assert history.history["loss"][-1] < 0.5 * history.history["loss"][0]
    assert all(not np.allclose(a, b) for a, b in zip(before, block.get_weights()))


# --------------------------------------------------------------------------
# Sampling
# --------------------------------------------------------------------------


def test_sampling_statistics(tree):
    """z = mean + exp(log_var / 2) * eps: per-column mean and standard deviation of 20000 draws."""
    blocks = load(tree, "blocks")
    layer = blocks.Sampling(seed=11)
    n = 20000
    mean = np.tile(np.float32([[1.0, -2.0, 0.0, 5.0]]), (n, 1))
    std = np.float32([1.0, 2.0, 0.1, 3.0])
    log_var = np.tile(np.log(std**2)[None, :], (n, 1)).astype(np.float32)
    z = as_numpy(layer((mean, log_var)))
    assert z.shape == (n, 4) and z.dtype == np.float32
    np.testing.assert_allclose(z.mean(axis=0), mean[0], atol=5 * std.max() / np.sqrt(n))
    np.testing.assert_allclose(z.std(axis=0), std, rtol=0.03)
    standardized = (z - mean) / std
    assert abs(np.mean(standardized**4) - 3.0) < 0.15  # normal, not uniform


def test_sampling_seeding(tree):
    blocks = load(tree, "blocks")
    mean, log_var = np.zeros((3, 2), np.float32), np.zeros((3, 2), np.float32)
    a, b, c = blocks.Sampling(seed=5), blocks.Sampling(seed=5), blocks.Sampling(seed=6)
    a1, a2 = as_numpy(a((mean, log_var))), as_numpy(a((mean, log_var)))
    b1, b2 = as_numpy(b((mean, log_var))), as_numpy(b((mean, log_var)))
    c1 = as_numpy(c((mean, log_var)))
    assert np.array_equal(a1, b1) and np.array_equal(a2, b2)
    assert not np.array_equal(a1, a2)
    assert not np.array_equal(a1, c1)


def test_tf_sampling_equals_keras_random_normal_with_the_same_seed():
    blocks = load("tf", "blocks")
    layer = blocks.Sampling(seed=3)
    generator = keras.random.SeedGenerator(3)
    mean = random_inputs((4, 3), 1)
    log_var = random_inputs((4, 3), 2, 0.5)
    for _ in range(3):
        epsilon = as_numpy(keras.random.normal((4, 3), seed=generator))
        assert_close(layer((mean, log_var)), mean + np.exp(0.5 * log_var) * epsilon, rtol=1e-6, atol=1e-6)


def test_sampling_gradients(tree):
    """dz/dmean = 1 and dz/dlog_var = 0.5 * (z - mean), element by element."""
    blocks = load(tree, "blocks")
    mean = random_inputs((5, 3), 1)
    log_var = random_inputs((5, 3), 2, 0.5)
    upstream = random_inputs((5, 3), 3)
    layer = blocks.Sampling(seed=8)
    if tree == "tf":
        m, v = tf.constant(mean), tf.constant(log_var)
        with tf.GradientTape() as tape:
            tape.watch([m, v])
            z = layer((m, v))
            objective = tf.reduce_sum(z * upstream)
        grad_mean, grad_log_var = tape.gradient(objective, [m, v])
    else:
        z = layer((mean, log_var))
        grad_mean, grad_log_var = layer.backward(upstream)
    z = as_numpy(z)
    assert_close(grad_mean, upstream)
    assert_close(grad_log_var, upstream * 0.5 * (z - mean), rtol=1e-5, atol=1e-6)


def test_tf_sampling_in_graph_mode_draws_new_noise_each_call():
    blocks = load("tf", "blocks")
    layer = blocks.Sampling(seed=2)
    step = tf.function(lambda m, v: layer((m, v)))
    zeros = tf.zeros((2, 3))
    first, second = as_numpy(step(zeros, zeros)), as_numpy(step(zeros, zeros))
    assert not np.array_equal(first, second)
    again = blocks.Sampling(seed=2)
    assert_close(again((zeros, zeros)), first, rtol=0, atol=0)


def test_sampling_rejects_bad_input(tree):
    blocks = load(tree, "blocks")
    with pytest.raises(ValueError, match="same shape|same rank"):
        blocks.Sampling(seed=1)((np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32)))
    with pytest.raises(ValueError, match="pair"):
        blocks.Sampling(seed=1)(np.zeros((2, 3), np.float32))


# --------------------------------------------------------------------------
# kl_divergence
# --------------------------------------------------------------------------


def keras_ops_kl(mean, log_var):
    ops = keras.ops
    return as_numpy(-0.5 * ops.sum(1 + log_var - ops.square(mean) - ops.exp(log_var), axis=-1))


@pytest.mark.parametrize("shape", [(4, 2), (1, 16), (3, 5, 2), (7,)])
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_kl_divergence_matches_keras_ops(tree, shape, dtype):
    blocks = load(tree, "blocks")
    mean = random_inputs(shape, 1, 2.0, dtype)
    log_var = random_inputs(shape, 2, 1.5, dtype)
    got = blocks.kl_divergence(mean, log_var)
    assert as_numpy(got).shape == shape[:-1]
    assert as_numpy(got).dtype == dtype
    assert_close(got, keras_ops_kl(mean, log_var), dtype=dtype, rtol=1e-5 if dtype == np.float32 else 1e-10)


def test_kl_divergence_worked_example(tree):
    """mean 1, log_var 0 in each of 3 latent dimensions: 0.5 * 3 * 1 = 1.5; the prior itself gives 0."""
    blocks = load(tree, "blocks")
    assert_close(blocks.kl_divergence(np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)), [1.5, 1.5])
    assert_close(blocks.kl_divergence(np.zeros((1, 4), np.float32), np.zeros((1, 4), np.float32)), [0.0], atol=0)
    # sigma = 2 (log_var = log 4), mean 0: 0.5 * (4 - 1 - log 4)
    assert_close(blocks.kl_divergence(np.zeros((1, 1)), np.log([[4.0]])), [0.5 * (3 - np.log(4.0))], dtype=np.float64)


def test_kl_divergence_is_precise_near_the_prior(tree):
    """Tiny log_var: 1 + v - e^v cancels; the expm1 form keeps the v**2 / 2 term."""
    blocks = load(tree, "blocks")
    v = np.float32([[1e-4, -1e-4, 3e-4]])
    expected = 0.5 * np.sum(np.expm1(v.astype(np.float64)) - v.astype(np.float64))
    assert_close(blocks.kl_divergence(np.zeros_like(v), v), [expected], rtol=1e-4, atol=0)


def test_kl_divergence_against_monte_carlo():
    """E_q[log q(z) - log p(z)] with 400000 draws from q = N(mean, exp(log_var))."""
    blocks = load("numpy", "blocks")
    rng = np.random.default_rng(0)
    mean = np.array([0.5, -1.0, 2.0])
    log_var = np.array([0.0, np.log(0.25), np.log(3.0)])
    sigma = np.exp(0.5 * log_var)
    z = mean + sigma * rng.standard_normal((400_000, 3))
    log_q = -0.5 * (np.log(2 * np.pi) + log_var + ((z - mean) / sigma) ** 2)
    log_p = -0.5 * (np.log(2 * np.pi) + z**2)
    estimate = np.mean(np.sum(log_q - log_p, axis=1))
    exact = float(blocks.kl_divergence(mean[None, :], log_var[None, :])[0])
    assert estimate == pytest.approx(exact, abs=0.02)


def test_kl_divergence_rejects_bad_input(tree):
    blocks = load(tree, "blocks")
    with pytest.raises(ValueError):
        blocks.kl_divergence(np.zeros((2, 3), np.float32), np.zeros((2, 4), np.float32))
    with pytest.raises(ValueError, match="latent"):
        blocks.kl_divergence(np.float32(0.0), np.float32(0.0))


# --------------------------------------------------------------------------
# Saving the TF objects
# --------------------------------------------------------------------------


def round_trip_objects():
    blocks = load("tf", "blocks")
    return {
        "residual_block": (blocks.ResidualBlock(2, 5, activation="tanh"), np.ones((3, 5), np.float32)),
        "residual_block_default": (blocks.ResidualBlock(1, 5), np.ones((3, 5), np.float32)),
    }


@pytest.mark.parametrize("name", ["residual_block", "residual_block_default"])
def test_residual_block_config_and_keras_file_round_trip(name):
    blocks = load("tf", "blocks")
    keras.utils.set_random_seed(5)
    layer, x = round_trip_objects()[name]
    y = layer(x)
    clone = blocks.ResidualBlock.from_config(layer.get_config())
    clone(x)
    clone.set_weights(layer.get_weights())
    assert clone.get_config() == layer.get_config()
    assert_close(clone(x), y, rtol=0, atol=0)
    model = keras.Sequential([keras.Input((5,)), layer, keras.layers.Dense(2)])
    expected = as_numpy(model(x))
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "block.keras")
        model.save(path)
        restored = keras.saving.load_model(path)  # registered: no custom_objects needed
    assert type(restored.layers[0]) is blocks.ResidualBlock
    assert_close(restored(x), expected, rtol=0, atol=0)


def test_sampling_config_and_keras_file_round_trip():
    blocks = load("tf", "blocks")
    layer = blocks.Sampling(seed=12, name="sampler")
    config = layer.get_config()
    assert config["seed"] == 12 and config["name"] == "sampler"
    clone = blocks.Sampling.from_config(config)
    zeros = np.zeros((2, 3), np.float32)
    assert_close(clone((zeros, zeros)), layer((zeros, zeros)), rtol=0, atol=0)
    mean_in, log_var_in = keras.Input((3,)), keras.Input((3,))
    z = blocks.Sampling(seed=4)((mean_in, log_var_in))
    model = keras.Model([mean_in, log_var_in], z)
    with tempfile.TemporaryDirectory() as folder:
        path = os.path.join(folder, "sampling.keras")
        model.save(path)
        restored = keras.saving.load_model(path)
    # the seed state is a weight: the restored layer continues the same sequence
    assert_close(restored([zeros, zeros]), model([zeros, zeros]), rtol=0, atol=0)


def test_numpy_config_round_trip():
    blocks = load("numpy", "blocks")
    block = blocks.ResidualBlock(3, 4, activation="relu")
    clone = blocks.ResidualBlock.from_config(block.get_config())
    assert clone.get_config()["n_layers"] == 3 and clone.get_config()["activation"] == "relu"
    sampler = blocks.Sampling.from_config(blocks.Sampling(seed=3).get_config())
    zeros = np.zeros((2, 2), np.float32)
    assert np.array_equal(sampler((zeros, zeros)), blocks.Sampling(seed=3)((zeros, zeros)))


# --------------------------------------------------------------------------
# The NumPy MLP training step
# --------------------------------------------------------------------------


def keras_mlp(params):
    """A Sequential MLP (ReLU hidden layers, logits out) holding `params`."""
    count = training.n_layers(params)
    layers = [keras.Input((params["W1"].shape[0],))]
    for i in range(1, count + 1):
        layers.append(keras.layers.Dense(params[f"W{i}"].shape[1], activation="relu" if i < count else None))
    model = keras.Sequential(layers)
    model.set_weights([params[k] for i in range(1, count + 1) for k in (f"W{i}", f"b{i}")])
    return model


def tape_loss_and_gradients(params, x, y):
    model = keras_mlp(params)
    loss_fn = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    with tf.GradientTape() as tape:
        loss = loss_fn(y, model(x))
    grads = tape.gradient(loss, model.trainable_weights)
    keys = [k for i in range(1, training.n_layers(params) + 1) for k in (f"W{i}", f"b{i}")]
    return float(loss), {key: as_numpy(g) for key, g in zip(keys, grads)}


@pytest.mark.parametrize("sizes", [[4, 3], [6, 5, 3], [8, 16, 8, 10], [64, 32, 10]])
@pytest.mark.parametrize("batch", [1, 7])
def test_mlp_gradients_match_gradient_tape(sizes, batch):
    params = training.init_mlp(sizes, seed=sum(sizes) + batch)
    rng = np.random.default_rng(batch)
    for key in params:
        if key.startswith("b"):
            params[key] = (rng.standard_normal(params[key].shape) * 0.1).astype(np.float32)
    x = rng.standard_normal((batch, sizes[0])).astype(np.float32)
    y = rng.integers(0, sizes[-1], size=batch)
    loss, grads = training.loss_and_gradients(params, x, y)
    expected_loss, expected_grads = tape_loss_and_gradients(params, x, y)
    assert float(loss) == pytest.approx(expected_loss, rel=1e-5)
    assert list(grads) == list(params)
    for key in params:
        assert_close(grads[key], expected_grads[key], rtol=1e-4, atol=1e-6, err_msg=key)


def test_mlp_passes_a_numeric_gradient_check():
    params = training.init_mlp([5, 4, 4, 3], seed=2, dtype="float64")
    rng = np.random.default_rng(3)
    x = rng.standard_normal((6, 5))
    y = rng.integers(0, 3, size=6)
    _, grads = training.loss_and_gradients(params, x, y)
    for key, value in params.items():
        numeric = numeric_gradient(lambda: training.loss_and_gradients(params, x, y)[0], value)
        np.testing.assert_allclose(grads[key], numeric, rtol=1e-5, atol=1e-8, err_msg=key)


def test_train_step_updates_in_place_like_sgd():
    params = training.init_mlp([6, 5, 3], seed=4)
    arrays = {k: v for k, v in params.items()}
    rng = np.random.default_rng(5)
    x = rng.standard_normal((8, 6)).astype(np.float32)
    y = rng.integers(0, 3, size=8)
    expected_loss, grads = tape_loss_and_gradients(params, x, y)
    model = keras_mlp(params)
    keras.optimizers.SGD(0.3).apply_gradients(zip([tf.constant(grads[k]) for k in params], model.trainable_weights))
    loss = training.train_step(params, x, y, 0.3)
    assert isinstance(loss, float) and loss == pytest.approx(expected_loss, rel=1e-5)
    for (key, value), variable in zip(params.items(), model.trainable_weights):
        assert value is arrays[key]  # the same array objects, updated in place
        assert_close(value, variable, rtol=1e-5, atol=1e-6)


def test_training_on_digits_reaches_high_accuracy():
    from sklearn.datasets import load_digits

    digits = load_digits()
    x = (digits.data / 16.0).astype(np.float32)
    y = digits.target
    order = np.random.default_rng(0).permutation(len(x))
    train, test = order[:1400], order[1400:]
    params = training.init_mlp([64, 32, 10], seed=0)
    rng = np.random.default_rng(1)
    for _epoch in range(15):
        for batch in np.array_split(rng.permutation(train), len(train) // 32):
            training.train_step(params, x[batch], y[batch], 0.1)
    assert training.accuracy(params, x[test], y[test]) > 0.93


def test_large_logits_stay_finite():
    params = {"W1": np.eye(3, dtype=np.float32) * 1e4, "b1": np.zeros(3, np.float32)}
    x = np.float32([[1.0, -1.0, 0.5]])
    loss, grads = training.loss_and_gradients(params, x, [1])
    assert np.isfinite(loss) and all(np.all(np.isfinite(g)) for g in grads.values())
    assert float(loss) == pytest.approx(2e4, rel=1e-6)


@pytest.mark.parametrize(
    "params, x, y, message",
    [
        ({"W1": np.ones((2, 2)), "b1": np.zeros(2)}, np.ones((3, 2)), [0, 1], "one integer label per row"),
        ({"W1": np.ones((2, 2)), "b1": np.zeros(2)}, np.ones((2, 2)), [0, 2], "outside the valid range"),
        ({"W1": np.ones((2, 2)), "b1": np.zeros(2)}, np.ones((2, 2)), [0.5, 1], "integer"),
        ({"W1": np.ones((2, 2))}, np.ones((2, 2)), [0, 1], "no 'b1'"),
        ({"W1": np.ones((2, 2)), "b1": np.zeros(2), "c": 1}, np.ones((2, 2)), [0, 1], "Unexpected parameter"),
        ({"W1": np.ones((2, 2)), "b1": np.zeros(2)}, np.ones(2), [0], "matrix"),
    ],
)
def test_training_rejects_bad_input(params, x, y, message):
    with pytest.raises(ValueError, match=message):
        training.loss_and_gradients(params, x, y)
