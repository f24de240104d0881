r"""Building blocks of custom models in NumPy: `ResidualBlock`, the VAE's `Sampling`, `kl_divergence`.

**Residual block** (He et al., 2016; the block of HOML chapter 12). A stack
of `n_layers` dense layers $F$ whose output is added back to the input:

$$y = x + F(x), \qquad F = f_n \circ \dots \circ f_1,\quad f_i(z) = \phi(zW_i + b_i).$$

The sum needs $F(x)$ and $x$ to have the same width, so every dense layer
has `n_neurons` units and the input must have `n_neurons` features. The
Jacobian is $I + \partial F/\partial x$: the gradient reaching $x$ is the
upstream gradient *plus* what flows back through $F$, so it cannot vanish
through the skip connection. `backward` computes exactly that.

**Sampling** (the reparameterisation trick of a variational auto-encoder).
From an encoder's `mean` $\mu$ and `log_var` $\log\sigma^2$ it draws

$$z = \mu + e^{\frac12\log\sigma^2}\,\varepsilon = \mu + \sigma\,\varepsilon,\qquad \varepsilon\sim\mathcal N(0, I),$$

so that $z$ is a differentiable function of $\mu$ and $\log\sigma^2$
($\partial z/\partial\mu = 1$, $\partial z/\partial\log\sigma^2 = \tfrac12\sigma\varepsilon$),
and the randomness sits in $\varepsilon$ alone.

**KL divergence** of the encoder's diagonal Gaussian from the prior
$\mathcal N(0, I)$, summed over the latent axis:

$$D_\mathrm{KL}\big(\mathcal N(\mu, \sigma^2)\,\|\,\mathcal N(0, 1)\big)
= -\tfrac12\sum_j\big(1 + \log\sigma_j^2 - \mu_j^2 - \sigma_j^2\big).$$

The TensorFlow versions, which plug into Keras models, are in `course_lib.tf.blocks`.
"""

import numpy as np

from .._common import check_block_sizes, check_residual_input, check_same_shape, check_seed
from ._convert import as_float_array
from .layers import Dense, Layer


def kl_divergence(mean, log_var, axis=-1):
    r"""$-\frac12\sum(1 + \log\sigma^2 - \mu^2 - \sigma^2)$ along `axis`: one value per sample.

    Computed as $\frac12\sum\big(\mu^2 + (e^{v} - 1) - v\big)$ with `expm1`,
    the same number without the cancellation of $1 + v - e^{v}$ near $v = 0$.
    `mean` and `log_var` must have the same shape.
    """
    mean = as_float_array(mean, "mean")
    log_var = as_float_array(log_var, "log_var", like=mean)
    check_same_shape(mean.shape, log_var.shape, "mean", "log_var")
    if mean.ndim == 0:
        raise ValueError("`mean` and `log_var` must have at least one (latent) axis. Received scalars.")
    terms = np.square(mean) + np.expm1(log_var) - log_var
    return (0.5 * np.sum(terms, axis=axis)).astype(mean.dtype, copy=False)


class ResidualBlock(Layer):
    r"""`inputs + F(inputs)`, $F$ = `n_layers` `Dense(n_neurons, activation)` layers in a row.

    Args:
        n_layers: how many dense layers $F$ stacks (a positive int).
        n_neurons: their width, which must equal the input's last dimension.
        activation: the dense layers' activation (HOML: `"elu"`).
        kernel_initializer: their kernel initializer (HOML: `"he_normal"`).

    `hidden` is the list of dense layers; `weights` lists their kernels and
    biases in order. `backward(grad_output)` returns $\partial L/\partial x$
    and leaves each dense layer's `grad_kernel` and `grad_bias` in place.
    """

    def __init__(self, n_layers, n_neurons, activation="elu", kernel_initializer="he_normal", **kwargs):
        super().__init__(**kwargs)
        self.n_layers, self.n_neurons = check_block_sizes(n_layers, n_neurons)
        self.hidden = [
            Dense(self.n_neurons, activation=activation, kernel_initializer=kernel_initializer, dtype=self.dtype)
            for _ in range(self.n_layers)
        ]
        self.activation = self.hidden[0].activation
        self.kernel_initializer = self.hidden[0].kernel_initializer

    def build(self, input_shape):
        shape = check_residual_input(self.name, input_shape, self.n_neurons)
        for layer in self.hidden:
            layer.build(shape)
        self.built = True

    def call(self, inputs):
        check_residual_input(self.name, inputs.shape, self.n_neurons)
        z = inputs
        for layer in self.hidden:
            z = layer(z)
        return inputs + z

    def backward(self, grad_output):
        r"""$\partial L/\partial x = g + J_F^\top g$: the skip path plus the path through the dense layers."""
        if self.hidden[0]._cache is None:
            raise RuntimeError(f"Call layer '{self.name}' on an input before calling backward().")
        grad_output = as_float_array(grad_output, "grad_output")
        grad = grad_output
        for layer in reversed(self.hidden):
            grad = layer.backward(grad)
        return grad_output + grad

    @property
    def weights(self):
        return [w for layer in self.hidden for w in layer.weights]

    @property
    def gradients(self):
        """`grad_kernel`, `grad_bias` of every dense layer after `backward`, in the order of `weights`."""
        return [g for layer in self.hidden for g in (layer.grad_kernel, layer.grad_bias) if g is not None]

    def set_weights(self, weights):
        weights = list(weights)
        expected = sum(len(layer.weights) for layer in self.hidden)
        if len(weights) != expected:
            raise ValueError(f"Layer '{self.name}' expects {expected} weights, but received {len(weights)}.")
        for layer in self.hidden:
            count = len(layer.weights)
            layer.set_weights(weights[:count])
            weights = weights[count:]

    @property
    def losses(self):
        return [loss for layer in self.hidden for loss in layer.losses] + list(self._activity_losses)

    def compute_output_shape(self, input_shape):
        return check_residual_input(self.name, input_shape, self.n_neurons)

    def get_config(self):
        dense = self.hidden[0].get_config()
        return {
            **super().get_config(),
            "n_layers": self.n_layers,
            "n_neurons": self.n_neurons,
            "activation": dense["activation"],
            "kernel_initializer": dense["kernel_initializer"],
        }


class Sampling(Layer):
    r"""$z = \mu + e^{\log\sigma^2/2}\,\varepsilon$, $\varepsilon\sim\mathcal N(0, I)$, from `(mean, log_var)`.

    Called on a pair `(mean, log_var)` of equal shapes. Each call draws fresh
    $\varepsilon$ from a generator seeded once (`seed`, or a random seed when
    None), so two layers with the same seed give the same sequence of draws.
    `backward(grad_z)` returns `(grad_mean, grad_log_var)` for the last call.
    """

    def __init__(self, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.seed = seed
        self._rng = np.random.default_rng(check_seed(seed))
        self._cache = None

    def __call__(self, inputs):
        self._activity_losses = []
        self.built = True
        return self.call(inputs)

    def call(self, inputs):
        if not isinstance(inputs, (list, tuple)) or len(inputs) != 2:
            raise ValueError(f"Sampling is called on a pair `(mean, log_var)`. Received: {type(inputs).__name__}")
        mean, log_var = inputs
        mean = as_float_array(mean, "mean")
        log_var = as_float_array(log_var, "log_var", like=mean)
        check_same_shape(mean.shape, log_var.shape, "mean", "log_var")
        epsilon = self._rng.standard_normal(mean.shape).astype(mean.dtype, copy=False)
        std = np.exp(0.5 * log_var)
        self._cache = (std, epsilon)
        return mean + std * epsilon

    def backward(self, grad_output):
        r"""`(grad_mean, grad_log_var)` = $(g,\; g\cdot\tfrac12\sigma\varepsilon)$ for the last call."""
        if self._cache is None:
            raise RuntimeError(f"Call layer '{self.name}' on an input before calling backward().")
        std, epsilon = self._cache
        grad_output = as_float_array(grad_output, "grad_output", like=std)
        return grad_output, grad_output * 0.5 * std * epsilon

    def compute_output_shape(self, input_shape):
        return tuple(input_shape[0])

    def get_config(self):
        return {**super().get_config(), "seed": self.seed}


__all__ = ["ResidualBlock", "Sampling", "kl_divergence"]
