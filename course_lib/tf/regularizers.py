r"""`keras.regularizers` rebuilt from TensorFlow ops: `L1`, `L2`, `L1L2` (and `l1`, `l2`, `l1_l2`).

The penalties, argument checks and Keras quirks are those of
`course_lib.numpy.regularizers` (read its docstring for the table). The
classes subclass the public `keras.regularizers.Regularizer` and are
registered with Keras (package "course_lib"), so
`keras.layers.Dense(3, kernel_regularizer=regularizers.L2(0.01))` puts their
penalty into `layer.losses` and `fit` adds it to the loss. A layer calls the
regularizer with its `keras.Variable`; inside `fit` that happens while
tracing a `tf.function`, so everything here is a TF op on the variable's
current value (never a NumPy copy).
"""

from .._common import check_regularization_factor, object_from_identifier
from ..quiet import tf

import keras  # noqa: E402  (after `quiet`, which imports TensorFlow silently)
from ._convert import as_float_tensor


def weights_tensor(x, name="x"):
    """A float tensor of `x`, reading a `keras.Variable` through its `tf.Variable` (graph-safe)."""
    if isinstance(x, keras.Variable):
        x = x.value
    return as_float_tensor(x, name)


@keras.saving.register_keras_serializable(package="course_lib")
class L1L2(keras.regularizers.Regularizer):
    r"""$\lambda_1\sum_i |w_i| + \lambda_2\sum_i w_i^2$; a term whose factor is 0 is skipped."""

    def __init__(self, l1=0.0, l2=0.0):
        self.l1 = check_regularization_factor(0.0 if l1 is None else l1, "l1")
        self.l2 = check_regularization_factor(0.0 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = weights_tensor(x)
        regularization = tf.zeros((), dtype=x.dtype)
        if self.l1 != 0.0:
            regularization += tf.cast(self.l1, x.dtype) * tf.reduce_sum(tf.abs(x))
        if self.l2 != 0.0:
            regularization += tf.cast(self.l2, x.dtype) * tf.reduce_sum(tf.square(x))
        return regularization

    def get_config(self):
        return {"l1": self.l1, "l2": self.l2}


@keras.saving.register_keras_serializable(package="course_lib")
class L1(keras.regularizers.Regularizer):
    r"""$\lambda_1\sum_i |w_i|$ (the factor is kept as float32, as Keras does)."""

    def __init__(self, l1=0.01):
        self.l1 = tf.constant(check_regularization_factor(0.01 if l1 is None else l1, "l1"), dtype=tf.float32)

    def __call__(self, x):
        x = weights_tensor(x)
        return tf.cast(self.l1, x.dtype) * tf.reduce_sum(tf.abs(x))

    def get_config(self):
        return {"l1": float(self.l1)}


@keras.saving.register_keras_serializable(package="course_lib")
class L2(keras.regularizers.Regularizer):
    r"""$\lambda_2\sum_i w_i^2$ (no factor 1/2)."""

    def __init__(self, l2=0.01):
        self.l2 = check_regularization_factor(0.01 if l2 is None else l2, "l2")

    def __call__(self, x):
        x = weights_tensor(x)
        return tf.cast(self.l2, x.dtype) * tf.reduce_sum(tf.square(x))

    def get_config(self):
        return {"l2": self.l2}


l1 = L1
l2 = L2
l1_l2 = L1L2


def get(identifier):
    """A regularizer from a name (`"l2"`, `"L2"`), a config dict, a class or an instance (None stays None)."""
    classes = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2, "l1_l2": L1L2}
    return object_from_identifier(identifier, classes, keras.regularizers.Regularizer, "regularizer")
