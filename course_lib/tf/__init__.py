"""The TensorFlow reference tree: `from course_lib.tf import losses` mirrors `keras.losses` with TF ops."""

from ..quiet import tf as _tf  # noqa: F401  (first: import TensorFlow without its log lines)
from . import activations, blocks, constraints, initializers, layers, losses, metrics, nn, ops, optimizers, regularizers, utils

__all__ = [
    "activations",
    "blocks",
    "constraints",
    "initializers",
    "layers",
    "losses",
    "metrics",
    "nn",
    "ops",
    "optimizers",
    "regularizers",
    "utils",
]
