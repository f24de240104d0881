r"""`keras.regularizers` in NumPy: penalties on a layer's weights, added to the loss.

A regularizer is a callable `reg(weights) -> scalar`. A layer built with
`kernel_regularizer=L2(0.01)` adds `reg(kernel)` to `layer.losses`, and
`fit` adds those to the loss it minimises:

| regularizer      | penalty                                                  |
|------------------|----------------------------------------------------------|
| `L1(l1=0.01)`    | $\lambda_1 \sum_i \lvert w_i\rvert$  (pushes weights to exactly 0) |
| `L2(l2=0.01)`    | $\lambda_2 \sum_i w_i^2$  (shrinks all weights; "weight decay") |
| `L1L2(l1=0, l2=0)` | $\lambda_1 \sum_i \lvert w_i\rvert + \lambda_2 \sum_i w_i^2$ |

Note that `L2` is $\lambda\sum w^2$, **without** the factor 1/2 some texts
use: `keras.regularizers.l2(0.01)(ones((3, 2)))` is `0.06`.

`l1`, `l2` and `l1_l2` are the same classes under their lower-case names,
as in Keras. A factor must be a finite, non-negative number (Keras raises a
ValueError otherwise); `None` means the default.

Two Keras details kept here: the factor is cast to the weights' dtype through
float32, and `L1(0.01).get_config()` reports `0.009999999776482582` (`L1`
stores its factor as a float32 tensor, `L2` and `L1L2` as Python floats).
One deliberate difference: Keras computes the penalty of an *integer* array
in integers (so `L2(0.01)` of it is 0); here integer input is cast to float32.
"""

import numpy as np

from .._common import check_regularization_factor, keras_cast, object_from_identifier
from ._convert import as_float_array


class Regularizer:
    """Base class: `__call__(x)` returns the penalty (0.0 here); subclasses also define `get_config`."""

    def __call__(self, x):
        return 0.0

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def get_config(self):
        raise NotImplementedError(f"{self} does not implement get_config()")

    def __repr__(self):
        try:
            args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        except NotImplementedError:
            args = ""
        return f"{type(self).__name__}({args})"


class L1L2(Regularizer):
    r"""$\lambda_1\sum_i |w_i| + \lambda_2\sum_i w_i^2$; a term whose factor is 0 is skipped."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = check_regularization_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = check_regularization_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = as_float_array(x, "x")
        regularization = x.dtype.type(0)
        if self.l1 != 0.0:
            regularization += keras_cast(self.l1, x.dtype) * np.sum(np.abs(x))
        if self.l2 != 0.0:
            regularization += keras_cast(self.l2, x.dtype) * np.sum(np.square(x))
        return regularization

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


class L1(Regularizer):
    r"""$\lambda_1\sum_i |w_i|$: its gradient $\lambda_1\operatorname{sign}(w)$ drives small weights to exactly 0."""

    def __init__(self, l1=0.01):
        self.l1 = np.float32(check_regularization_factor(0.01 if l1 is None else l1, "l1"))

    def __call__(self, x):
        x = as_float_array(x, "x")
        return keras_cast(self.l1, x.dtype) * np.sum(np.abs(x))

    def get_config(self):
        return {"l1": float(self.l1)}


class L2(Regularizer):
    r"""$\lambda_2\sum_i w_i^2$: its gradient $2\lambda_2 w$ shrinks every weight in proportion to its size."""

    def __init__(self, l2=0.01):
        self.l2 = check_regularization_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = as_float_array(x, "x")
        return keras_cast(self.l2, x.dtype) * np.sum(np.square(x))

    def get_config(self):
        return {"l2": self.l2}


# Keras exports the classes under lower-case names too (they are the same objects).
l1 = L1
l2 = L2
l1_l2 = L1L2


def get(identifier):
    """A regularizer from a name (`"l2"`, `"L2"`), a config dict, a class or an instance (None stays None)."""
    classes = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": L1L2}
    return object_from_identifier(identifier, classes, Regularizer, "regularizer")
