r"""`keras.layers` rebuilt on `keras.layers.Layer` with TensorFlow ops: `Dense`, `GaussianNoise`, `ActivityRegularization`.

These are what a custom layer looks like in Keras 3 (read
`course_lib.numpy.layers` for the math and a NumPy twin of each):

- `__init__` stores the hyper-parameters only; no weights yet.
- `build(input_shape)` runs once, on the first call, with the input shape as a
  *tuple* (Keras 3; Keras 2 passed a `TensorShape`). It creates the weights
  with `self.add_weight(name=..., shape=..., initializer=...)` (`name` must be
  a keyword in Keras 3), handing over `regularizer=` and `constraint=` so that
  Keras puts the penalty into `layer.losses` and the optimizer applies the
  constraint after every update.
- `call(inputs, training=None)` computes the output with TF ops; `training`
  is True inside `fit` and False in `predict`/`evaluate`.
- `compute_output_shape(input_shape)` takes and returns tuples.
- `get_config()` returns the constructor arguments, so `from_config` and
  `keras.saving.load_model` can rebuild the layer. Every class is registered
  with `@keras.saving.register_keras_serializable(package="course_lib")`, so a
  `.keras` file that uses it loads without `custom_objects`.

Initializers, activations and regularizers default to `course_lib.tf`'s
own (`"glorot_uniform"` means `course_lib.tf.initializers.GlorotUniform`);
Keras's objects, or any callable, are accepted too.
"""

from ..numpy.layers import check_dense_input_shape, check_stddev, check_units
from .._common import check_seed
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from . import activations, constraints, initializers, regularizers

_CONSTRAINTS = {
    "NonNeg": constraints.NonNeg, "non_neg": constraints.NonNeg,
    "MaxNorm": constraints.MaxNorm, "max_norm": constraints.MaxNorm,
}  # fmt: skip


def _lookup(module, identifier):
    """A component from a name, a callable, None, or a saved config dict (Keras's or course_lib's)."""
    if isinstance(identifier, dict):
        return keras.saving.deserialize_keras_object(identifier)
    if module is constraints:
        if identifier is None or (callable(identifier) and not isinstance(identifier, str)):
            return identifier
        if isinstance(identifier, str) and identifier in _CONSTRAINTS:
            return _CONSTRAINTS[identifier]()
        raise ValueError(f"Could not interpret constraint identifier: {identifier!r}")
    return module.get(identifier)


def _serialize(obj):
    """`None`, or the config dict `keras.saving.serialize_keras_object` makes (registered classes included)."""
    return None if obj is None else keras.saving.serialize_keras_object(obj)


def _serialize_activation(activation):
    """course_lib's activations by plain name (as Keras's Dense stores `"relu"`), anything else as a dict."""
    try:
        return activations.serialize(activation)
    except ValueError:
        return keras.saving.serialize_keras_object(activation)


@keras.saving.register_keras_serializable(package="course_lib")
class Dense(keras.layers.Layer):
    r"""$y = f(xW + b)$ on the last axis of the input (rank >= 2), like `keras.layers.Dense`.

    Keras's LoRA and quantisation options (`lora_rank`, `lora_alpha`,
    `quantization_config`) are not part of the course and not mirrored.

    Args: as `keras.layers.Dense` (`units`, `activation`, `use_bias`,
    `kernel_initializer`, `bias_initializer`, `kernel_regularizer`,
    `bias_regularizer`, `activity_regularizer`, `kernel_constraint`,
    `bias_constraint`), plus the base `Layer` keywords (`name`, `dtype`,
    `trainable`).
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
        super().__init__(activity_regularizer=_lookup(regularizers, activity_regularizer), **kwargs)
        self.units = check_units(units)
        self.activation = _lookup(activations, activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = _lookup(initializers, kernel_initializer)
        self.bias_initializer = _lookup(initializers, bias_initializer)
        self.kernel_regularizer = _lookup(regularizers, kernel_regularizer)
        self.bias_regularizer = _lookup(regularizers, bias_regularizer)
        self.kernel_constraint = _lookup(constraints, kernel_constraint)
        self.bias_constraint = _lookup(constraints, bias_constraint)

    def build(self, input_shape):
        """Create the kernel and the bias, now that the input's last dimension is known."""
        shape = check_dense_input_shape(self.name, input_shape)
        self.kernel = self.add_weight(
            name="kernel",
            shape=(int(shape[-1]), self.units),
            initializer=self.kernel_initializer,
            regularizer=self.kernel_regularizer,
            constraint=self.kernel_constraint,
        )
        if self.use_bias:
            self.bias = self.add_weight(
                name="bias",
                shape=(self.units,),
                initializer=self.bias_initializer,
                regularizer=self.bias_regularizer,
                constraint=self.bias_constraint,
            )
        else:
            self.bias = None

    def call(self, inputs):
        if inputs.shape.rank is not None:
            check_dense_input_shape(self.name, tuple(inputs.shape.as_list()), self.kernel.shape[0])
        if inputs.shape.rank == 2:
            outputs = tf.matmul(inputs, self.kernel)
        else:  # (batch, ..., input_dim): contract the last axis with the kernel's rows
            outputs = tf.tensordot(inputs, self.kernel, axes=1)
        if self.bias is not None:
            outputs = outputs + self.bias
        return self.activation(outputs)

    def compute_output_shape(self, input_shape):
        shape = check_dense_input_shape(self.name, input_shape, self.kernel.shape[0] if self.built else None)
        return tuple(shape[:-1]) + (self.units,)

    def get_config(self):
        return {
            **super().get_config(),
            "units": self.units,
            "activation": _serialize_activation(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": _serialize(self.kernel_initializer),
            "bias_initializer": _serialize(self.bias_initializer),
            "kernel_regularizer": _serialize(self.kernel_regularizer),
            "bias_regularizer": _serialize(self.bias_regularizer),
            "kernel_constraint": _serialize(self.kernel_constraint),
            "bias_constraint": _serialize(self.bias_constraint),
        }


class _SeededNoise:
    """A layer's own stream of Gaussian noise: seeded, different at every call, saved with the layer.

    The state is a non-trainable int64 weight `seed_state = [seed, counter]`;
    each draw uses it with `tf.random.stateless_normal` and then bumps the
    counter, so it works the same eagerly and inside `tf.function`.
    """

    def _build_seed_state(self):
        initial = self._initial_seed
        self.seed_state = self.add_weight(
            name="seed_state",
            shape=(2,),
            dtype="int64",
            initializer=lambda shape, dtype=None: tf.constant([initial, 0], dtype="int64"),
            trainable=False,
        )

    def _next_normal(self, shape, dtype):
        seed = tf.identity(self.seed_state.value)
        self.seed_state.assign_add(tf.constant([0, 1], dtype="int64"))
        seed = tf.cast(tf.math.floormod(seed, tf.int32.max - 1), tf.int32)  # stateless ops want int32 seeds
        return tf.random.stateless_normal(shape, seed=seed, dtype=dtype)


@keras.saving.register_keras_serializable(package="course_lib")
class GaussianNoise(_SeededNoise, keras.layers.Layer):
    r"""`inputs + noise`, noise $\sim\mathcal N(0, \sigma^2)$, when `training=True`; the identity otherwise.

    The random numbers come from `tf.random.stateless_normal` keyed by a
    two-integer seed state `[seed, counter]`, a non-trainable weight that each
    training call advances, so every call draws new noise, and a model with
    `seed=...` repeats its noise from run to run. This is the scheme of
    Keras's `SeedGenerator`, so for the same `seed` the noise equals
    `keras.layers.GaussianNoise`'s, draw for draw.
    """

    def __init__(self, stddev, seed=None, **kwargs):
        super().__init__(**kwargs)
        self.stddev = check_stddev(stddev)
        self.seed = seed
        self._initial_seed = check_seed(seed)

    def build(self, input_shape):
        self._build_seed_state()

    def call(self, inputs, training=None):
        if not training or self.stddev == 0:
            return inputs
        return inputs + self._next_normal(tf.shape(inputs), inputs.dtype) * tf.cast(self.stddev, inputs.dtype)

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "stddev": self.stddev, "seed": self.seed}


@keras.saving.register_keras_serializable(package="course_lib")
class ActivityRegularization(keras.layers.Layer):
    r"""The identity, with `add_loss(`$(\lambda_1\sum|x| + \lambda_2\sum x^2)/\text{batch size}$`)` at each call.

    The penalty shows up in `layer.losses` (and in a model's `losses`, which
    `fit` adds to the loss it minimises); each call replaces the previous one.
    """

    def __init__(self, l1=0.0, l2=0.0, **kwargs):
        super().__init__(**kwargs)
        self.penalty = regularizers.L1L2(l1=l1, l2=l2)  # checks the factors
        self.l1 = l1
        self.l2 = l2

    def call(self, inputs):
        penalty = self.penalty(inputs)
        if inputs.shape.rank != 0:
            batch_size = tf.cast(tf.shape(inputs)[0], penalty.dtype)
            penalty = tf.math.divide_no_nan(penalty, batch_size)
        self.add_loss(penalty)
        return inputs

    def compute_output_shape(self, input_shape):
        return tuple(input_shape)

    def get_config(self):
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}


__all__ = ["Dense", "GaussianNoise", "ActivityRegularization"]
