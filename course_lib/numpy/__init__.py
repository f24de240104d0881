"""The NumPy reference tree: `from course_lib.numpy import losses` mirrors `keras.losses`."""

from . import activations, constraints, initializers, layers, losses, metrics, nn, ops, optimizers, regularizers, utils

__all__ = [
    "activations",
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
