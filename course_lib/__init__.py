"""Reference implementations of the Keras 3 / TensorFlow APIs taught in this course.

- `course_lib.numpy`: NumPy only (TensorFlow is never imported under it).
- `course_lib.tf`: TensorFlow primitives (`tf.math`, `tf.exp`, ...), never the
  Keras or `tf.nn` function being re-implemented.

Both trees use Keras's module names (`losses`, `metrics`, `optimizers`,
`utils`, `activations`, `initializers`, `regularizers`, `constraints`) and
`tf.nn`'s function names under `nn`.
"""
