r"""Building blocks of custom models as Keras layers: `ResidualBlock`, the VAE's `Sampling`, `kl_divergence`.

The math is in `course_lib.numpy.blocks`; these versions use TensorFlow ops
and subclass `keras.layers.Layer`, so they go into `Sequential`, functional
and subclassed models, train with `fit`, and save to `.keras` files
(every class is registered with
`@keras.saving.register_keras_serializable(package="course_lib")`).

- `ResidualBlock(n_layers, n_neurons, activation="elu", kernel_initializer="he_normal")`
  owns a list `hidden` of `course_lib.tf.layers.Dense` layers. Keras tracks
  layers kept in a list attribute, so their kernels and biases show up in
  the block's `weights` (and in any model that holds the block), and
  `build` builds them all at once, which is what lets a saved block be
  rebuilt before its weights are loaded.
- `Sampling(seed=None)` draws $\varepsilon$ with `tf.random.stateless_normal`
  keyed by a two-integer seed state `[seed, counter]` (a non-trainable
  weight that each call advances): every call draws new noise, the same
  `seed` repeats the same sequence, and it works inside `tf.function` and
  `fit`. This is Keras's `SeedGenerator` scheme, so for the same seed the
  draws equal `keras.random.normal(shape, seed=keras.random.SeedGenerator(seed))`.
- `kl_divergence(mean, log_var, axis=-1)`: one KL value per sample.
"""

from .._common import check_block_sizes, check_residual_input, check_seed
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from ._convert import as_float_tensor, check_compatible_shapes, static_shape
from .layers import Dense, _SeededNoise, _serialize, _serialize_activation


def kl_divergence(mean, log_var, axis=-1):
    r"""$-\frac12\sum(1 + \log\sigma^2 - \mu^2 - \sigma^2)$ along `axis`, as $\frac12\sum(\mu^2 + \operatorname{expm1}(v) - v)$."""
    mean = as_float_tensor(mean, "mean")
    log_var = as_float_tensor(log_var, "log_var", like=mean)
    check_compatible_shapes(mean, log_var, "mean", "log_var")
    if mean.shape.rank == 0:
        raise ValueError("`mean` and `log_var` must have at least one (latent) axis. Received scalars.")
    terms = tf.square(mean) + tf.math.expm1(log_var) - log_var
    return 0.5 * tf.reduce_sum(terms, axis=axis)


@keras.saving.register_keras_serializable(package="course_lib")
class ResidualBlock(keras.layers.Layer):
    r"""`inputs + F(inputs)`, $F$ = `n_layers` `Dense(n_neurons, activation)` layers in a row (HOML's block)."""

    def __init__(self, n_layers, n_neurons, activation="elu", kernel_initializer="he_normal", **kwargs):
        super().__init__(**kwargs)
        self.n_layers, self.n_neurons = check_block_sizes(n_layers, n_neurons)
        self.hidden = [
            Dense(self.n_neurons, activation=activation, kernel_initializer=kernel_initializer)
            for _ in range(self.n_layers)
        ]

    def build(self, input_shape):
        shape = check_residual_input(self.name, input_shape, self.n_neurons)
        for layer in self.hidden:
            layer.build(shape)

    def call(self, inputs):
        shape = static_shape(inputs)
        if shape is not None:
            check_residual_input(self.name, shape, self.n_neurons)
        z = inputs
        for layer in self.hidden:
            z = layer(z)
        return inputs + z

    def compute_output_shape(self, input_shape):
        return tuple(check_residual_input(self.name, input_shape, self.n_neurons))

    def get_config(self):
        first = self.hidden[0]
        return {
            **super().get_config(),
            "n_layers": self.n_layers,
            "n_neurons": self.n_neurons,
            "activation": _serialize_activation(first.activation),
            "kernel_initializer": _serialize(first.kernel_initializer),
        }


@keras.saving.register_keras_serializable(package="course_lib")
class Sampling(_SeededNoise, keras.layers.Layer):
    r"""$z = \mu + e^{\log\sigma^2/2}\,\varepsilon$ for a pair `(mean, log_var)`; new $\varepsilon$ at every call."""

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._initial_seed = check_seed(seed)

    def build(self, input_shape):
        self._build_seed_state()

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"Sampling is called on a pair `(mean, log_var)`. Received: {type(inputs).__name__}")
        mean, log_var = inputs
        mean = as_float_tensor(mean, "mean")
        log_var = as_float_tensor(log_var, "log_var", like=mean)
        check_compatible_shapes(mean, log_var, "mean", "log_var")
        epsilon = self._next_normal(tf.shape(mean), mean.dtype)
        return mean + tf.exp(0.5 * log_var) * epsilon

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


__all__ = ["ResidualBlock", "Sampling", "kl_divergence"]
