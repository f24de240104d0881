"""The NumPy reference tree: `from course_lib.numpy import losses` mirrors `keras.losses`."""

from . import activations, blocks, constraints, initializers, layers, losses, metrics, nn, ops, optimizers, regularizers, training, utils

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
    "training",
    "utils",
]
