"""Bilingual (Korean / English) descriptions of inputs, values and check results.

Visible checks show their data in full (a student can rerun them); hidden
checks describe their inputs by type and shape only and summarise a wrong
result at its worst element, so feedback never prints the hidden data.
"""

import re

import numpy as np

PASS, FAIL = "✓", "✗"
ANSI_ESCAPE = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")


def plain(text):
    """`text` without terminal colour codes (Keras wraps some errors in bold)."""
    return ANSI_ESCAPE.sub("", str(text))


def bilingual(ko, en):
    """One line in both languages, Korean first."""
    return f"{ko} / {en}" if ko != en else ko


def _array_text(value):
    return np.array2string(np.asarray(value), precision=6, threshold=24, edgeitems=3, separator=", ")


def show(value):
    """Full (abbreviated for large arrays) text of a value, for visible checks."""
    if isinstance(value, np.ndarray) or (hasattr(value, "shape") and hasattr(value, "dtype")):
        array = np.asarray(value)
        return f"{_array_text(array)} ({array.dtype}, shape {array.shape})" if array.ndim else f"{array.item()!r} ({array.dtype})"
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, np.ndarray) for v in value):
        inner = ", ".join(show(v) for v in value)
        return f"({inner})" if isinstance(value, tuple) else f"[{inner}]"
    text = repr(value)
    return text if len(text) <= 300 else text[:300] + "…"


def describe(value):
    """Type and shape only, for hidden checks: `float32[4, 3]`, `int`, `None`."""
    if isinstance(value, np.ndarray) or (hasattr(value, "shape") and hasattr(value, "dtype")):
        array = np.asarray(value)
        return f"{array.dtype}[{', '.join(map(str, array.shape))}]"
    if isinstance(value, (bool, type(None))):
        return repr(value)
    if isinstance(value, (int, float, str)):
        return type(value).__name__
    if isinstance(value, (list, tuple)):
        return f"{type(value).__name__} of {len(value)}"
    return type(value).__name__


def _one_line(text):
    """A matrix's rows side by side, so that a call stays on the one line it is indented on."""
    return re.sub(r"\n\s*", " ", text)


def call_text(name, args, kwargs, hidden):
    """`name(arg, ..., key=value)` with each argument shown or described, on one line."""

    def render(value):
        return describe(value) if hidden else _one_line(show(value))

    parts = [render(a) for a in args] + [f"{k}={render(v)}" for k, v in kwargs.items()]
    return f"{name}({', '.join(parts)})"


def worst_element(expected, got):
    """(index, expected value, got value) where the two arrays differ the most."""
    expected, got = np.asarray(expected, dtype=np.float64), np.asarray(got, dtype=np.float64)
    with np.errstate(invalid="ignore"):
        error = np.abs(expected - got)
    error = np.where(np.isnan(error), np.inf, error)
    index = np.unravel_index(int(np.argmax(error)), error.shape) if error.ndim else ()
    return index, expected[index], got[index]
