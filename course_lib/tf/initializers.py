r"""`keras.initializers` rebuilt from TensorFlow ops; the same numbers as Keras for the same seed.

Same classes, formulas and seed rules as `course_lib.numpy.initializers`
(read its docstring for the table of distributions). Each class subclasses
the public `keras.initializers.Initializer` and is registered with Keras
(package "course_lib"), so it can be passed to a layer:
`keras.layers.Dense(3, kernel_initializer=initializers.GlorotUniform(seed=1))`.

Keras 3 on TensorFlow draws from TensorFlow's *stateless* generators
(`tf.random.stateless_uniform`, `stateless_normal`,
`stateless_truncated_normal`) keyed by the seed pair `[seed, 0]`; this module
does the same, so for an integer seed its values equal Keras's bit for bit.
That is also why an initializer repeats its values at every call: a stateless
generator has no state to advance.
"""

import math

from .._common import TRUNCATED_NORMAL_STDDEV, check_float_dtype, check_seed, compute_fans, object_from_identifier
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)


def _standardize_shape(shape):
    """`shape` as a tuple of non-negative ints (a single int means a 1-D shape)."""
    if isinstance(shape, tf.TensorShape):
        shape = shape.as_list()
    if isinstance(shape, int):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"`shape` must be a tuple of non-negative integers. Received: shape={shape!r}") from None
    if any(isinstance(d, bool) or not hasattr(d, "__index__") or d < 0 for d in dims):
        raise ValueError(f"`shape` must be a tuple of non-negative integers. Received: shape={shape!r}")
    return tuple(int(d) for d in dims)


def _dtype(dtype, who=None):
    """A `tf.DType` (float32 by default); random initializers accept only floats."""
    dtype = tf.as_dtype(dtype or keras.config.floatx())
    if who is not None and not dtype.is_floating:
        check_float_dtype(dtype.as_numpy_dtype, who)  # raises the shared TypeError
    return dtype


def seed_pair(seed):
    """The `[seed, 0]` key Keras gives TensorFlow's stateless generators.

    Keras builds it as int64 and folds it into int32 with
    `floormod(seed, 2**31 - 2)`, as the stateless ops want int32 under XLA.
    """
    pair = tf.constant([seed, 0], dtype=tf.int64)
    return tf.cast(tf.math.floormod(pair, tf.int32.max - 1), tf.int32)


@keras.saving.register_keras_serializable(package="course_lib")
class Zeros(keras.initializers.Initializer):
    """All zeros (any numeric dtype)."""

    def __call__(self, shape, dtype=None):
        return tf.zeros(_standardize_shape(shape), dtype=_dtype(dtype))


@keras.saving.register_keras_serializable(package="course_lib")
class Ones(keras.initializers.Initializer):
    """All ones (any numeric dtype)."""

    def __call__(self, shape, dtype=None):
        return tf.ones(_standardize_shape(shape), dtype=_dtype(dtype))


@keras.saving.register_keras_serializable(package="course_lib")
class Constant(keras.initializers.Initializer):
    """Every entry equal to `value`; a Python float passes through float32 first (`tf.cast`), as in Keras."""

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype)
        return tf.cast(self.value, dtype) * tf.ones(_standardize_shape(shape), dtype=dtype)

    def get_config(self):
        return {"value": self.value}


class _RandomInitializer(keras.initializers.Initializer):
    """Holds the seed: an int, or one drawn once at construction for `seed=None`."""

    def __init__(self, seed=None):
        self._init_seed = seed
        self.seed = check_seed(seed)

    def get_config(self):
        return {"seed": self._init_seed}


@keras.saving.register_keras_serializable(package="course_lib")
class RandomNormal(_RandomInitializer):
    r"""Normal values with mean `mean` and standard deviation `stddev` (not truncated)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype, type(self).__name__)
        return tf.random.stateless_normal(
            _standardize_shape(shape), seed=seed_pair(self.seed), mean=self.mean, stddev=self.stddev, dtype=dtype
        )

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


@keras.saving.register_keras_serializable(package="course_lib")
class VarianceScaling(_RandomInitializer):
    r"""Variance `scale / n`, $n$ = fan_in, fan_out or their mean; uniform, truncated or plain normal."""

    def __init__(
        self, scale=1.0, mode="fan_in", distribution="truncated_normal", seed=None, input_axes=None, output_axes=None
    ):
        if scale <= 0.0:
            raise ValueError(f"Argument `scale` must be positive float. Received: scale={scale}")
        modes = ("fan_in", "fan_out", "fan_avg")
        if mode not in modes:
            raise ValueError(f"Invalid `mode` argument: {mode!r}. Please use one of {modes}")
        distribution = str(distribution).lower()
        if distribution == "normal":
            distribution = "truncated_normal"
        distributions = ("uniform", "truncated_normal", "untruncated_normal")
        if distribution not in distributions:
            raise ValueError(f"Invalid `distribution` argument: {distribution!r}. Please use one of {distributions}")
        self.scale = scale
        self.mode = mode
        self.distribution = distribution
        self.input_axes = input_axes
        self.output_axes = output_axes
        super().__init__(seed=seed)

    def variance(self, shape):
        """`scale / n` for a weight of this shape."""
        fan_in, fan_out = compute_fans(_standardize_shape(shape), self.input_axes, self.output_axes)
        n = {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2.0}[self.mode]
        return self.scale / max(1.0, n)

    def __call__(self, shape, dtype=None):
        dtype = _dtype(dtype, type(self).__name__)
        shape = _standardize_shape(shape)
        variance = self.variance(shape)
        seed = seed_pair(self.seed)
        if self.distribution == "truncated_normal":
            stddev = math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV
            return tf.random.stateless_truncated_normal(shape, seed=seed, mean=0.0, stddev=stddev, dtype=dtype)
        if self.distribution == "untruncated_normal":
            return tf.random.stateless_normal(shape, seed=seed, mean=0.0, stddev=math.sqrt(variance), dtype=dtype)
        limit = math.sqrt(3.0 * variance)
        return tf.random.stateless_uniform(
            shape, seed=seed, minval=tf.cast(-limit, dtype), maxval=tf.cast(limit, dtype), dtype=dtype
        )

    def get_config(self):
        return {
            **super().get_config(),
            "scale": self.scale,
            "mode": self.mode,
            "distribution": self.distribution,
            "input_axes": self.input_axes,
            "output_axes": self.output_axes,
        }


class _FixedVarianceScaling(VarianceScaling):
    """A `VarianceScaling` with fixed scale/mode/distribution; config is only seed and axes."""

    _settings = {}

    def __init__(self, seed=None, input_axes=None, output_axes=None):
        super().__init__(**self._settings, seed=seed, input_axes=input_axes, output_axes=output_axes)

    def get_config(self):
        return {"seed": self._init_seed, "input_axes": self.input_axes, "output_axes": self.output_axes}


@keras.saving.register_keras_serializable(package="course_lib")
class GlorotUniform(_FixedVarianceScaling):
    r"""Uniform on $[-L, L]$, $L = \sqrt{6/(n_\text{in}+n_\text{out})}$; Keras's default kernel initializer."""

    _settings = dict(scale=1.0, mode="fan_avg", distribution="uniform")


@keras.saving.register_keras_serializable(package="course_lib")
class GlorotNormal(_FixedVarianceScaling):
    r"""Truncated normal, $\sigma = \sqrt{2/(n_\text{in}+n_\text{out})}/0.87962566$, cut at $\pm 2\sigma$."""

    _settings = dict(scale=1.0, mode="fan_avg", distribution="truncated_normal")


@keras.saving.register_keras_serializable(package="course_lib")
class HeUniform(_FixedVarianceScaling):
    r"""Uniform on $[-L, L]$, $L = \sqrt{6/n_\text{in}}$."""

    _settings = dict(scale=2.0, mode="fan_in", distribution="uniform")


@keras.saving.register_keras_serializable(package="course_lib")
class HeNormal(_FixedVarianceScaling):
    r"""Truncated normal, $\sigma = \sqrt{2/n_\text{in}}/0.87962566$, cut at $\pm 2\sigma$."""

    _settings = dict(scale=2.0, mode="fan_in", distribution="truncated_normal")


_INITIALIZERS = {
    cls.__name__: cls
    for cls in (Zeros, Ones, Constant, RandomNormal, VarianceScaling, GlorotUniform, GlorotNormal, HeUniform, HeNormal)
}
_ALIASES = {
    "zeros": Zeros, "zero": Zeros, "ones": Ones, "one": Ones, "constant": Constant,
    "random_normal": RandomNormal, "normal": RandomNormal, "variance_scaling": VarianceScaling,
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
}  # fmt: skip


def get(identifier):
    """An initializer from a name (`"glorot_uniform"` or `"GlorotUniform"`), a config dict, a class or an instance."""
    return object_from_identifier(identifier, {**_INITIALIZERS, **_ALIASES}, keras.initializers.Initializer, "initializer")
