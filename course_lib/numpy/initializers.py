r"""`keras.initializers` in NumPy: the starting values of a layer's weights.

An initializer is called as `init(shape, dtype=None)` (dtype defaults to
float32) and returns a fresh array. The constant ones (`Zeros`, `Ones`,
`Constant`) need no randomness. The random ones draw from a distribution
whose spread depends on the weight's *fans* (see `compute_fans`):

| initializer      | distribution                       | spread                                        |
|------------------|------------------------------------|-----------------------------------------------|
| `RandomNormal`   | normal                             | `stddev` (0.05)                               |
| `GlorotUniform`  | uniform on $[-L, L]$               | $L = \sqrt{6/(n_\text{in}+n_\text{out})}$     |
| `GlorotNormal`   | normal truncated at $\pm 2\sigma$  | $\sigma = \sqrt{2/(n_\text{in}+n_\text{out})}\,/\,0.8796$ |
| `HeUniform`      | uniform on $[-L, L]$               | $L = \sqrt{6/n_\text{in}}$                    |
| `HeNormal`       | normal truncated at $\pm 2\sigma$  | $\sigma = \sqrt{2/n_\text{in}}\,/\,0.8796$     |

All are `VarianceScaling(scale, mode, distribution)`: the variance is
`scale / n` with $n$ = fan_in, fan_out or their average. Cutting a normal
at $\pm 2\sigma$ shrinks its standard deviation by the factor 0.87962566...,
so Keras divides by that factor first and the values keep the wanted variance.

Seeds work as in Keras 3: an initializer with `seed=42` returns the same
values at every call, and so does one with `seed=None`, which draws its seed
once, when it is created (two unseeded initializers differ from each other).
Keras 3 (`keras.random` on TensorFlow's stateless generators) and NumPy
(`np.random.default_rng(seed)`) produce *different* numbers for the same seed:
only the distributions agree. `course_lib.tf.initializers` reproduces Keras's
numbers exactly.

Keras 2 -> 3: the config of the Glorot/He initializers gained
`input_axes`/`output_axes`; unseeded initializers no longer differ between calls.
"""

import math

import numpy as np

from .._common import TRUNCATED_NORMAL_STDDEV, check_float_dtype, check_seed, compute_fans, keras_cast, object_from_identifier


def _standardize_shape(shape):
    """`shape` as a tuple of non-negative ints (a single int means a 1-D shape)."""
    if isinstance(shape, (int, np.integer)):
        shape = (shape,)
    try:
        dims = tuple(shape)
    except TypeError:
        raise ValueError(f"`shape` must be a tuple of non-negative integers. Received: shape={shape!r}") from None
    if any(isinstance(d, bool) or not isinstance(d, (int, np.integer)) or d < 0 for d in dims):
        raise ValueError(f"`shape` must be a tuple of non-negative integers. Received: shape={shape!r}")
    return tuple(int(d) for d in dims)


class Initializer:
    """Base class: subclasses implement `__call__(shape, dtype=None)`; `get_config` lists the constructor arguments."""

    def __call__(self, shape, dtype=None):
        raise NotImplementedError("Initializer subclasses must implement the `__call__()` method.")

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def clone(self):
        return type(self).from_config(self.get_config())

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class Zeros(Initializer):
    """All zeros (any numeric dtype)."""

    def __call__(self, shape, dtype=None):
        return np.zeros(_standardize_shape(shape), dtype=np.dtype(dtype or "float32"))


class Ones(Initializer):
    """All ones (any numeric dtype)."""

    def __call__(self, shape, dtype=None):
        return np.ones(_standardize_shape(shape), dtype=np.dtype(dtype or "float32"))


class Constant(Initializer):
    """Every entry equal to `value` (a number; an array broadcast to `shape` also works).

    As in Keras, a Python float is cast through float32 first, so
    `Constant(0.1)((1,), "float64")` holds `float32(0.1)`.
    """

    def __init__(self, value=0.0):
        self.value = value

    def __call__(self, shape, dtype=None):
        dtype = np.dtype(dtype or "float32")
        return keras_cast(self.value, dtype) * np.ones(_standardize_shape(shape), dtype=dtype)

    def get_config(self):
        value = self.value
        if isinstance(value, np.generic):
            value = value.item()
        return {"value": value}


class RandomInitializer(Initializer):
    """Base of the random initializers: holds the seed (see the module docstring)."""

    def __init__(self, seed=None):
        self._init_seed = seed
        self.seed = check_seed(seed)

    def _rng(self):
        """A generator that restarts from the seed at every call (so calls repeat, as in Keras)."""
        return np.random.default_rng(self.seed)

    def get_config(self):
        return {"seed": self._init_seed}


def _standard_normal(rng, shape, dtype):
    draw_dtype = dtype if dtype in (np.float32, np.float64) else np.float32
    return rng.standard_normal(shape, dtype=draw_dtype)


def _truncated_standard_normal(rng, shape, dtype):
    """Standard normal values, every one outside [-2, 2] drawn again until none is left."""
    values = _standard_normal(rng, shape, dtype)
    outside = np.abs(values) > 2
    while outside.any():
        values[outside] = _standard_normal(rng, int(outside.sum()), values.dtype)
        outside = np.abs(values) > 2
    return values


class RandomNormal(RandomInitializer):
    r"""Normal values with mean `mean` and standard deviation `stddev` (not truncated)."""

    def __init__(self, mean=0.0, stddev=0.05, seed=None):
        self.mean = mean
        self.stddev = stddev
        super().__init__(seed=seed)

    def __call__(self, shape, dtype=None):
        dtype = np.dtype(check_float_dtype(dtype, type(self).__name__))
        values = _standard_normal(self._rng(), _standardize_shape(shape), dtype)
        return (self.mean + self.stddev * values).astype(dtype)

    def get_config(self):
        return {**super().get_config(), "mean": self.mean, "stddev": self.stddev}


class VarianceScaling(RandomInitializer):
    r"""Variance $=$ `scale` $/\,n$, with $n$ = fan_in, fan_out or their mean (`mode`).

    `distribution`: `"truncated_normal"` (also spelled `"normal"`; cut at
    $\pm 2\sigma$ after dividing $\sigma$ by 0.8796...), `"untruncated_normal"`
    or `"uniform"` (on $[-L, L]$ with $L = \sqrt{3\,\mathrm{variance}}$).
    Fans below 1 count as 1.
    """

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
        dtype = np.dtype(check_float_dtype(dtype, type(self).__name__))
        shape = _standardize_shape(shape)
        variance = self.variance(shape)
        rng = self._rng()
        if self.distribution == "truncated_normal":
            values = math.sqrt(variance) / TRUNCATED_NORMAL_STDDEV * _truncated_standard_normal(rng, shape, dtype)
        elif self.distribution == "untruncated_normal":
            values = math.sqrt(variance) * _standard_normal(rng, shape, dtype)
        else:
            limit = math.sqrt(3.0 * variance)
            values = rng.uniform(-limit, limit, size=shape)
        return values.astype(dtype)

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


class GlorotUniform(_FixedVarianceScaling):
    r"""Uniform on $[-L, L]$, $L = \sqrt{6/(n_\text{in} + n_\text{out})}$ (Glorot & Bengio, 2010).

    Variance $L^2/3 = 2/(n_\text{in}+n_\text{out})$: a compromise between
    keeping the forward signal ($1/n_\text{in}$) and the backward gradient
    ($1/n_\text{out}$) at a constant scale. Keras's default kernel initializer.
    """

    _settings = dict(scale=1.0, mode="fan_avg", distribution="uniform")


class GlorotNormal(_FixedVarianceScaling):
    r"""Truncated normal, $\sigma = \sqrt{2/(n_\text{in} + n_\text{out})}\,/\,0.87962566$, cut at $\pm 2\sigma$."""

    _settings = dict(scale=1.0, mode="fan_avg", distribution="truncated_normal")


class HeUniform(_FixedVarianceScaling):
    r"""Uniform on $[-L, L]$, $L = \sqrt{6/n_\text{in}}$ (He et al., 2015): variance $2/n_\text{in}$ for ReLU layers."""

    _settings = dict(scale=2.0, mode="fan_in", distribution="uniform")


class HeNormal(_FixedVarianceScaling):
    r"""Truncated normal, $\sigma = \sqrt{2/n_\text{in}}\,/\,0.87962566$, cut at $\pm 2\sigma$."""

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
    return object_from_identifier(identifier, {**_INITIALIZERS, **_ALIASES}, Initializer, "initializer")
