"""Import TensorFlow without its start-up log lines.

`import course_lib.quiet` (or `from course_lib.quiet import tf`) before any
`import tensorflow` keeps these out of notebooks and test output:

- C++ INFO/WARNING lines (`cpu_feature_guard`, `op_kernel` warnings), which
  `TF_CPP_MIN_LOG_LEVEL` controls;
- the absl banner and the `cudart_stub` "Could not find cuda drivers" line,
  which no environment variable silences: they are written straight to
  file descriptor 2, so it is pointed at /dev/null while TensorFlow loads;
- Python-side `tf.function` retracing warnings (the `tensorflow` logger).

Real errors still surface: a failing import raises its Python exception.
"""

import contextlib
import logging
import os
import sys

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")


@contextlib.contextmanager
def silenced_stderr_fd():
    """Point the process's file descriptor 2 at /dev/null for the duration."""
    try:
        sys.stderr.flush()
        saved = os.dup(2)
    except (OSError, ValueError):  # no usable fd 2 (some embedded interpreters)
        yield
        return
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def import_tensorflow():
    """Import TensorFlow (once) with its start-up noise silenced, and return it."""
    if "tensorflow" not in sys.modules:
        with silenced_stderr_fd():
            import tensorflow  # noqa: F401
            import keras  # noqa: F401  (keras's own import logs nothing, but load it here too)
    import tensorflow as tf

    tf.get_logger().setLevel(logging.ERROR)
    return tf


tf = import_tensorflow()
