r"""`keras.layers` in NumPy: `Dense`, `GaussianNoise` and `ActivityRegularization`.

A layer is a function with state. It is *created* with its hyper-parameters
(`Dense(3, activation="relu")`), *built* the first time it is called, when
the input's last dimension is finally known (that is when `Dense` draws its
kernel), and *called* on arrays afterwards:

```python
layer = Dense(3, activation="relu")   # no weights yet: layer.built is False
y = layer(np.ones((2, 4)))            # build((2, 4)): kernel (4, 3), bias (3,)
```

The weights are plain NumPy arrays (`layer.kernel`, `layer.bias`). Each layer
also has a `backward(grad_output)` in the style of Stanford's cs231n: given
$\partial L/\partial y$ for the output of the *last* call, it returns
$\partial L/\partial x$ and, for `Dense`, stores $\partial L/\partial W$ and
$\partial L/\partial b$ as `grad_kernel` and `grad_bias`:

$$y = f(z),\quad z = xW + b \qquad\Longrightarrow\qquad
\frac{\partial L}{\partial z} = \frac{\partial L}{\partial y}\odot f'(z),\quad
\frac{\partial L}{\partial W} = x^\top \frac{\partial L}{\partial z},\quad
\frac{\partial L}{\partial b} = \sum_{\text{rows}} \frac{\partial L}{\partial z},\quad
\frac{\partial L}{\partial x} = \frac{\partial L}{\partial z} W^\top .$$

`losses` lists the penalties the layer adds to the training loss, as Keras's
`layer.losses` does: weight regularizers (`kernel_regularizer(kernel)`, ...)
and activity penalties of the last call. Keras divides an activity penalty by
the batch size (the output's first dimension), so its strength does not
depend on how large the batches are; these layers do the same.

The TensorFlow versions, which plug into `fit`, are in `course_lib.tf.layers`.
"""

import numbers

import numpy as np

from .._common import auto_name, check_seed
from . import activations, constraints, initializers, regularizers
from ._convert import as_float_array

# --------------------------------------------------------------------------
# Argument and shape checks (shared with course_lib.tf.layers)
# --------------------------------------------------------------------------


def check_units(units):
    """`units` must be a positive int (as in Keras, a float such as 3.0 is refused)."""
    if isinstance(units, bool) or not isinstance(units, numbers.Integral) or units <= 0:
        raise ValueError(f"Received an invalid value for `units`, expected a positive integer. Received: units={units!r}")
    return int(units)


def check_stddev(stddev):
    """`GaussianNoise`'s `stddev`: a number in [0, 1] (Keras's own rule)."""
    if isinstance(stddev, bool) or not isinstance(stddev, numbers.Real) or not 0 <= stddev <= 1:
        raise ValueError(
            "Invalid value received for argument `stddev`. Expected a float value between 0 and 1. "
            f"Received: stddev={stddev!r}"
        )
    return stddev


def check_dense_input_shape(layer_name, shape, input_dim=None):
    """Raise a ValueError unless `shape` can go into a Dense layer.

    The input needs rank >= 2 (a batch axis and a feature axis), a known last
    dimension, and, once the layer is built, that last dimension must equal
    the kernel's number of rows (`input_dim`). `None` entries (unknown while
    tracing) are accepted except in the last position.
    """
    shape = tuple(shape)
    if len(shape) < 2:
        raise ValueError(
            f"Input of layer '{layer_name}' is incompatible with the layer: expected rank >= 2 "
            f"(a batch axis and a feature axis), but received an input of rank {len(shape)} with shape {shape}."
        )
    last = shape[-1]
    if last is None:
        raise ValueError(
            f"Input of layer '{layer_name}' must have a known last dimension to build the kernel. "
            f"Received shape {shape}."
        )
    if input_dim is not None and int(last) != int(input_dim):
        raise ValueError(
            f"Input of layer '{layer_name}' is incompatible with the layer: its kernel was built for "
            f"inputs with last dimension {input_dim}, but received an input with shape {shape}."
        )
    return shape


def _batch_size(array):
    """The first dimension, which activity penalties are divided by (1 for a scalar)."""
    return array.shape[0] if array.ndim > 0 else 1


def _divide_no_nan(value, count):
    """`value / count`, and 0 when `count` is 0 (an empty batch), like `keras.ops.divide_no_nan`."""
    return value / value.dtype.type(count) if count else value.dtype.type(0)


# --------------------------------------------------------------------------
# Serialising the pieces a layer is made of
# --------------------------------------------------------------------------


def _serialize(obj):
    """A plain-data description of an initializer, regularizer or constraint (None stays None)."""
    if obj is None:
        return None
    if hasattr(obj, "get_config"):
        return {"class_name": type(obj).__name__, "config": obj.get_config()}
    raise ValueError(f"Cannot serialize {obj!r}: it has no get_config() (only course_lib objects can be saved).")


_CONSTRAINTS = {
    "NonNeg": constraints.NonNeg, "non_neg": constraints.NonNeg,
    "MaxNorm": constraints.MaxNorm, "max_norm": constraints.MaxNorm,
}  # fmt: skip


def get_constraint(identifier):
    """A constraint from None, a name (`"non_neg"`), a config dict or a callable (like `keras.constraints.get`)."""
    if identifier is None:
        return None
    if isinstance(identifier, dict) and identifier.get("class_name") in _CONSTRAINTS:
        return _CONSTRAINTS[identifier["class_name"]].from_config(dict(identifier.get("config", {})))
    if isinstance(identifier, str) and identifier in _CONSTRAINTS:
        return _CONSTRAINTS[identifier]()
    if callable(identifier) and not isinstance(identifier, (str, dict)):
        return identifier
    raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")


# --------------------------------------------------------------------------
# Activations and their derivatives (for Dense.backward)
# --------------------------------------------------------------------------


def _activation_backward(activation, z, y, grad_y):
    r"""$\partial L/\partial z$ from $\partial L/\partial y$ for $y = f(z)$ (course_lib's activations only)."""
    a = activations
    if activation is a.linear:
        return grad_y
    if activation is a.relu:
        return grad_y * (z > 0)
    if activation is a.sigmoid:
        return grad_y * y * (1 - y)
    if activation is a.tanh:
        return grad_y * (1 - y * y)
    if activation is a.softplus:
        return grad_y * a.sigmoid(z)
    if activation is a.exponential:
        return grad_y * y
    if activation is a.elu:  # alpha = 1: y = e^z - 1 below 0, so f'(z) = y + 1 there
        return grad_y * np.where(z > 0, 1, y + 1)
    if activation is a.selu:  # below 0, f'(z) = scale * alpha * e^z = y + scale * alpha
        return grad_y * np.where(z > 0, a.SELU_SCALE, y + a.SELU_SCALE * a.SELU_ALPHA)
    if activation is a.softmax:  # Jacobian-vector product of softmax along the last axis
        return y * (grad_y - np.sum(grad_y * y, axis=-1, keepdims=True))
    raise NotImplementedError(
        f"Dense.backward knows the derivatives of course_lib's activations only, not of {activation!r}."
    )


# --------------------------------------------------------------------------
# The layers
# --------------------------------------------------------------------------


class Layer:
    """What every NumPy layer shares: a name, lazy building, weights and losses.

    Subclasses implement `call(inputs, ...)`, and `build(input_shape)` if
    they own weights. Calling the layer builds it on the first call.
    """

    def __init__(self, name=None, trainable=True, dtype="float32"):
        self.name = name or auto_name(type(self).__name__)
        self.trainable = trainable
        self.dtype = np.dtype(dtype).name
        self.built = False
        self._activity_losses = []

    # -- building and calling --------------------------------------------------

    def build(self, input_shape):
        self.built = True

    def __call__(self, inputs, *args, **kwargs):
        inputs = as_float_array(inputs, "inputs")
        if not self.built:
            self.build(inputs.shape)
            self.built = True
        self._activity_losses = []
        return self.call(inputs, *args, **kwargs)

    def call(self, inputs):
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def add_loss(self, value):
        """Record a penalty of the current call (cleared at the next call)."""
        self._activity_losses.append(value)

    # -- weights ---------------------------------------------------------------

    def _weight_names(self):
        return []

    @property
    def weights(self):
        """The weight arrays, trainable first (in creation order)."""
        return [getattr(self, name) for name in self._weight_names() if getattr(self, name, None) is not None]

    @property
    def trainable_weights(self):
        return self.weights if self.trainable else []

    @property
    def non_trainable_weights(self):
        return [] if self.trainable else self.weights

    def get_weights(self):
        return [w.copy() for w in self.weights]

    def set_weights(self, weights):
        """Replace the weights (same number, shapes and order as `weights`)."""
        names = [n for n in self._weight_names() if getattr(self, n, None) is not None]
        if len(weights) != len(names):
            raise ValueError(f"Layer '{self.name}' expects {len(names)} weights, but received {len(weights)}.")
        for name, value in zip(names, weights):
            value = np.asarray(value)
            current = getattr(self, name)
            if value.shape != current.shape:
                raise ValueError(
                    f"Layer '{self.name}' weight '{name}' has shape {current.shape}, "
                    f"but the value given has shape {value.shape}."
                )
            setattr(self, name, value.astype(current.dtype, copy=True))

    @property
    def losses(self):
        """Penalties to add to the training loss: weight regularizers, then the last call's `add_loss` values."""
        return list(self._activity_losses)

    # -- configuration ---------------------------------------------------------

    def get_config(self):
        return {"name": self.name, "trainable": self.trainable, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name!r}, built={self.built}>"


class Dense(Layer):
    r"""$y = f(xW + b)$: every output unit sees every input feature.

    Keras's LoRA and quantisation options (`lora_rank`, `lora_alpha`,
    `quantization_config`) are not part of the course and not mirrored.

    Args:
        units: the number of outputs (a positive int).
        activation: a name (`"relu"`), a function, or None (the identity).
        use_bias: whether to add the bias vector $b$.
        kernel_initializer, bias_initializer: how build() fills $W$ and $b$.
        kernel_regularizer, bias_regularizer: penalties on $W$ and $b$, listed in `losses`.
        activity_regularizer: a penalty on the output, divided by the batch size.
        kernel_constraint, bias_constraint: projections applied by `apply_constraints()`
            (a training loop calls it after each update, as Keras's optimizers do).

    The input may have any rank >= 2: the kernel acts on the last axis.
    """

    def __init__(
        self,
        units,
        activation=None,
        use_bias=True,
        kernel_initializer="glorot_uniform",
        bias_initializer="zeros",
        kernel_regularizer=None,
        bias_regularizer=None,
        activity_regularizer=None,
        kernel_constraint=None,
        bias_constraint=None,
        **kwargs,
    ):
        super().__init__(**kwargs)
        self.units = check_units(units)
        self.activation = activations.get(activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.get(kernel_initializer)
        self.bias_initializer = initializers.get(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = get_constraint(kernel_constraint)
        self.bias_constraint = get_constraint(bias_constraint)
        self.kernel = self.bias = None
        self.grad_kernel = self.grad_bias = None
        self._cache = None

    def _weight_names(self):
        return ["kernel", "bias"]

    def build(self, input_shape):
        """Create the kernel `(input_shape[-1], units)` and the bias `(units,)` now that the input size is known."""
        shape = check_dense_input_shape(self.name, input_shape)
        input_dim = int(shape[-1])
        self.kernel = np.asarray(self.kernel_initializer((input_dim, self.units), dtype=self.dtype), dtype=self.dtype)
        if self.use_bias:
            self.bias = np.asarray(self.bias_initializer((self.units,), dtype=self.dtype), dtype=self.dtype)
        self.built = True

    def call(self, inputs):
        check_dense_input_shape(self.name, inputs.shape, self.kernel.shape[0])
        inputs = inputs.astype(self.kernel.dtype, copy=False)
        z = inputs @ self.kernel
        if self.bias is not None:
            z = z + self.bias
        y = self.activation(z)
        self._cache = (inputs, z, y)
        if self.activity_regularizer is not None:
            self.add_loss(_divide_no_nan(np.asarray(self.activity_regularizer(y)), _batch_size(y)))
        return y

    def backward(self, grad_output):
        r"""$\partial L/\partial x$ for the last call; stores `grad_kernel` and `grad_bias`.

        Only the path through the output is differentiated: the penalties in
        `losses` have their own gradients ($\lambda_1\operatorname{sign}(w)$
        for L1, $2\lambda_2 w$ for L2), which a training loop adds itself.
        """
        if self._cache is None:
            raise RuntimeError(f"Call layer '{self.name}' on an input before calling backward().")
        inputs, z, y = self._cache
        grad_output = as_float_array(grad_output, "grad_output", like=y)
        if grad_output.shape != y.shape:
            raise ValueError(f"grad_output must have the output's shape {y.shape}. Received: {grad_output.shape}")
        grad_z = _activation_backward(self.activation, z, y, grad_output)
        flat_x = inputs.reshape(-1, inputs.shape[-1])
        flat_g = grad_z.reshape(-1, self.units)
        self.grad_kernel = (flat_x.T @ flat_g).astype(self.kernel.dtype, copy=False)
        self.grad_bias = flat_g.sum(axis=0).astype(self.kernel.dtype, copy=False) if self.bias is not None else None
        return grad_z @ self.kernel.T

    def apply_constraints(self):
        """Replace each weight by its constraint's projection (what Keras does after every optimizer step)."""
        if self.kernel_constraint is not None:
            self.kernel = np.asarray(self.kernel_constraint(self.kernel), dtype=self.kernel.dtype)
        if self.bias is not None and self.bias_constraint is not None:
            self.bias = np.asarray(self.bias_constraint(self.bias), dtype=self.bias.dtype)

    @property
    def losses(self):
        penalties = []
        if self.built and self.kernel_regularizer is not None:
            penalties.append(np.asarray(self.kernel_regularizer(self.kernel)))
        if self.built and self.bias is not None and self.bias_regularizer is not None:
            penalties.append(np.asarray(self.bias_regularizer(self.bias)))
        return penalties + list(self._activity_losses)

    def compute_output_shape(self, input_shape):
        shape = check_dense_input_shape(self.name, input_shape, self.kernel.shape[0] if self.built else None)
        return shape[:-1] + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": activations.serialize(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": _serialize(self.kernel_initializer),
            "bias_initializer": _serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(self.kernel_regularizer),
            "bias_regularizer": _serialize(self.bias_regularizer),
            "activity_regularizer": _serialize(self.activity_regularizer),
            "kernel_constraint": _serialize(self.kernel_constraint),
            "bias_constraint": _serialize(self.bias_constraint),
        }


class GaussianNoise(Layer):
    r"""Adds $\varepsilon \sim \mathcal N(0, \sigma^2)$ to every entry, but only when `training=True`.

    At inference (`training=False`, the default) it is the identity, so a
    model's predictions are deterministic. Each training call draws fresh
    noise from a generator seeded once (`seed`, or a random one when None).
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = check_stddev(stddev)
        self.seed = seed
        self._rng = np.random.default_rng(check_seed(seed))

    def call(self, inputs, training=False):
        if training and self.stddev > 0:
            noise = self._rng.standard_normal(inputs.shape)
            return (inputs + self.stddev * noise).astype(inputs.dtype, copy=False)
        return inputs

    def backward(self, grad_output):
        """The noise is added, not multiplied: the gradient passes through unchanged."""
        return as_float_array(grad_output, "grad_output")

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


class ActivityRegularization(Layer):
    r"""The identity, plus the penalty $\big(\lambda_1\sum|x| + \lambda_2\sum x^2\big)/\text{batch size}$ in `losses`.

    The penalty goes into `losses` through `add_loss` at each call (and
    replaces the previous call's), exactly like Keras's layer.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self._penalty = regularizers.L1L2(l1=l1, l2=l2)  # checks the factors
        self.l1 = l1
        self.l2 = l2
        self._inputs = None

    def call(self, inputs):
        self._inputs = inputs
        self.add_loss(_divide_no_nan(np.asarray(self._penalty(inputs)), _batch_size(inputs)))
        return inputs

    def backward(self, grad_output):
        r"""$\partial L/\partial x$ = `grad_output` + the penalty's own gradient $(\lambda_1\operatorname{sign}x + 2\lambda_2 x)/n$."""
        if self._inputs is None:
            raise RuntimeError(f"Call layer '{self.name}' on an input before calling backward().")
        x = self._inputs
        n = _batch_size(x)
        grad_penalty = (self._penalty.l1 * np.sign(x) + 2 * self._penalty.l2 * x) / max(n, 1)
        return (as_float_array(grad_output, "grad_output", like=x) + grad_penalty).astype(x.dtype, copy=False)

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


def get(identifier):
    """A layer from a config dict `{"class_name": "Dense", "config": {...}}` (or a layer itself)."""
    if isinstance(identifier, Layer):
        return identifier
    classes = {cls.__name__: cls for cls in (Dense, GaussianNoise, ActivityRegularization)}
    if isinstance(identifier, dict) and identifier.get("class_name") in classes:
        return classes[identifier["class_name"]].from_config(dict(identifier.get("config", {})))
    raise ValueError(f"Could not interpret layer identifier: {identifier!r}")


__all__ = ["Layer", "Dense", "GaussianNoise", "ActivityRegularization", "get", "get_constraint"]
