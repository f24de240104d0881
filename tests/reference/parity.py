"""Helpers for the parity tests: load a tree's module, compare with Keras."""

import importlib

import numpy as np

TREES = ("numpy", "tf")


def load(tree_name, module):
    """`load("tf", "losses")` -> the module `course_lib.tf.losses`."""
    return importlib.import_module(f"course_lib.{tree_name}.{module}")


def as_numpy(x):
    """A NumPy view of a NumPy array, a tf.Tensor, a Keras variable or a number."""
    if hasattr(x, "numpy"):
        return np.asarray(x.numpy())
    return np.asarray(x)


def tolerance(dtype):
    """(rtol, atol) for comparing two implementations computed in `dtype`."""
    return (1e-5, 1e-6) if np.dtype(dtype) == np.float32 else (1e-10, 1e-12)


def assert_close(got, expected, dtype=np.float32, rtol=None, atol=None, err_msg=""):
    """Values and shapes equal within the tolerance of `dtype`."""
    got, expected = as_numpy(got), as_numpy(expected)
    default_rtol, default_atol = tolerance(dtype)
    assert got.shape == expected.shape, f"shape {got.shape} != {expected.shape} {err_msg}"
    np.testing.assert_allclose(
        got, expected, rtol=rtol or default_rtol, atol=atol or default_atol, err_msg=err_msg
    )


def numeric_gradient(objective, target, h=1e-6):
    """Central differences of the scalar `objective()` with respect to every entry of array `target`.

    `target` is changed in place one entry at a time (and restored), so
    `objective` must read it: pass the very array the model uses.
    """
    numeric = np.zeros_like(target)
    for index in np.ndindex(target.shape):
        saved = target[index]
        target[index] = saved + h
        plus = objective()
        target[index] = saved - h
        minus = objective()
        target[index] = saved
        numeric[index] = (plus - minus) / (2 * h)
    return numeric
