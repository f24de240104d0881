r"""`keras.constraints` rebuilt from TensorFlow ops: `NonNeg` and `MaxNorm`.

The projections are those of `course_lib.numpy.constraints` (read its
docstring for the formulas). The classes subclass the public
`keras.constraints.Constraint` and are registered with Keras (package
"course_lib"): with `keras.layers.Dense(3, kernel_constraint=constraints.NonNeg())`
the optimizer assigns `constraint(kernel)` to the kernel after every step,
inside `fit`'s `tf.function`, so these are TF ops on the variable's value.
"""

from .._common import EPSILON
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from ._convert import convert_to_tensor
from .regularizers import weights_tensor


@keras.saving.register_keras_serializable(package="course_lib")
class NonNeg(keras.constraints.Constraint):
    r"""$\max(w, 0)$, element-wise (integer input stays integer)."""

    def __call__(self, w):
        w = convert_to_tensor(w.value if isinstance(w, keras.Variable) else w, name="w")
        return tf.maximum(w, tf.zeros_like(w))


@keras.saving.register_keras_serializable(package="course_lib")
class MaxNorm(keras.constraints.Constraint):
    r"""$w\,\operatorname{clip}(\lVert w\rVert, 0, M)/(\epsilon + \lVert w\rVert)$, norms taken along `axis`."""

    def __init__(self, max_value=2, axis=0):
        self.max_value = max_value
        self.axis = axis

    def __call__(self, w):
        w = weights_tensor(w, "w")
        axis = list(self.axis) if isinstance(self.axis, (list, tuple)) else self.axis
        norms = tf.sqrt(tf.reduce_sum(tf.square(w), axis=axis, keepdims=True))
        desired = tf.clip_by_value(norms, tf.zeros((), norms.dtype), tf.constant(self.max_value, dtype=norms.dtype))
        return w * (desired / (EPSILON + norms))

    def get_config(self):
        return {"max_value": self.max_value, "axis": self.axis}


max_norm = MaxNorm
non_neg = NonNeg
