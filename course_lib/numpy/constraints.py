r"""`keras.constraints` in NumPy: projections applied to a weight after each update.

A constraint is a callable `c(w) -> w'`. A layer built with
`kernel_constraint=MaxNorm(2.0)` has the optimizer replace the kernel by
`c(kernel)` after every step, keeping it in an allowed set:

- `NonNeg()`: $w' = \max(w, 0)$, element-wise (integer input stays integer).
- `MaxNorm(max_value=2, axis=0)`: every slice along `axis` (for a Dense
  kernel of shape `(n_in, n_out)` and `axis=0`: the weights *into* each
  unit) is scaled down to norm at most $M$:
  $$w' = w\,\frac{\operatorname{clip}(\lVert w\rVert, 0, M)}{\epsilon + \lVert w\rVert}, \qquad \epsilon = 10^{-7}$$
  so slices with a small norm are (almost) unchanged, and an all-zero slice stays 0.

Keras 2 -> 3: `NonNeg` now returns `max(w, 0)` (Keras 2 multiplied by
`w >= 0` and so could return `-0.0`).
"""

import numpy as np

from .._common import EPSILON
from ._convert import as_float_array, convert_to_array


class Constraint:
    """Base class: `__call__(w)` returns the projected weights (here `w` unchanged)."""

    def __call__(self, w):
        return w

    def get_config(self):
        return {}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"{type(self).__name__}({', '.join(f'{k}={v!r}' for k, v in self.get_config().items())})"


class NonNeg(Constraint):
    r"""$\max(w, 0)$: negative weights become 0."""

    def __call__(self, w):
        w = convert_to_array(w, name="w")
        return np.maximum(w, 0)


class MaxNorm(Constraint):
    r"""Scale each slice along `axis` down to Euclidean norm at most `max_value` (see the module docstring)."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = as_float_array(w, "w")
        axis = tuple(self.axis) if isinstance(self.axis, (list, tuple)) else self.axis
        norms = np.sqrt(np.sum(np.square(w), axis=axis, keepdims=True))
        desired = np.clip(norms, 0, float(self.max_value))
        return w * (desired / (EPSILON + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


max_norm = MaxNorm
non_neg = NonNeg
