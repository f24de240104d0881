"""Shared fixtures: both reference trees side by side, and Keras to compare them with."""

import os
import sys

import pytest
from hypothesis import HealthCheck, settings

import course_lib.quiet  # noqa: F401  (TensorFlow without its start-up lines)

settings.register_profile(
    "course",
    max_examples=int(os.environ.get("HYPOTHESIS_MAX_EXAMPLES", "40")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=True,
)
settings.load_profile("course")

TREES = ("numpy", "tf")


@pytest.fixture(params=TREES, scope="session")
def tree(request):
    """Name of the reference tree under test: "numpy" or "tf"."""
    return request.param

# Shared helpers (course copies, submissions) importable from every test directory.
sys.path.insert(0, os.path.join(os.path.dirname(__file__), "helpers"))
