"""The two reference trees mirror each other and Keras: same modules, names and signatures.

Also: the NumPy tree never imports TensorFlow, and the TF tree never calls
the Keras or `tf.nn` function it re-implements (checked by running each
public function under the grader's call monitor).
"""

import importlib
import inspect
import os
import subprocess
import sys

import keras
import pytest

import course_lib.numpy
import course_lib.tf

#: NumPy-only by nature: a hand-written forward/backward pass has no TF counterpart (TF has GradientTape).
NUMPY_ONLY_MODULES = {"training"}
MODULES = sorted(set(course_lib.numpy.__all__) | set(course_lib.tf.__all__))
#: Each module's counterpart: the public API both trees must mirror.
KERAS_COUNTERPARTS = {
    "activations": keras.activations,
    "constraints": keras.constraints,
    "initializers": keras.initializers,
    "losses": keras.losses,
    "metrics": keras.metrics,
    "optimizers": keras.optimizers,
    "regularizers": keras.regularizers,
    "utils": keras.utils,
    "ops": keras.ops,
    "layers": keras.layers,
}


def counterpart(module):
    if module == "nn":
        from course_lib.quiet import tf

        return tf.nn
    return KERAS_COUNTERPARTS.get(module)


def public(module):
    """Public functions and classes that course_lib defines (helpers imported from elsewhere excluded)."""
    names = {}
    for name, value in vars(module).items():
        if name.startswith("_") or not (inspect.isfunction(value) or inspect.isclass(value)):
            continue
        if getattr(value, "__module__", "").startswith("course_lib.") and "._" not in value.__module__:
            names[name] = value
    return names


#: Base classes: the NumPy tree defines its own, the TF tree subclasses Keras's public ones on purpose.
BASE_CLASSES = {"Constraint", "Initializer", "Layer", "Loss", "Metric", "Optimizer", "Regularizer"}


def mirrored(module):
    """`(numpy names, tf names)` of the API both trees promise: the names their Keras / tf.nn counterpart has."""
    ours_np = public(importlib.import_module(f"course_lib.numpy.{module}"))
    ours_tf = public(importlib.import_module(f"course_lib.tf.{module}"))
    reference = counterpart(module)
    keep = (lambda k: hasattr(reference, k)) if reference is not None else (lambda k: True)
    ours_np = {k: v for k, v in ours_np.items() if keep(k) and k not in BASE_CLASSES}
    ours_tf = {k: v for k, v in ours_tf.items() if keep(k) and k not in BASE_CLASSES}
    return ours_np, ours_tf


def parameters(obj):
    target = obj.__init__ if inspect.isclass(obj) else obj
    try:
        signature = inspect.signature(target)
    except (TypeError, ValueError):
        return None
    return [(p.name, p.default if p.default is not inspect.Parameter.empty else "<required>") for p in signature.parameters.values() if p.name != "self"]


def test_both_trees_have_the_same_modules():
    assert sorted(set(course_lib.numpy.__all__) - NUMPY_ONLY_MODULES) == sorted(course_lib.tf.__all__)


@pytest.mark.parametrize("module", sorted(set(MODULES) - NUMPY_ONLY_MODULES))
def test_same_public_names_and_signatures_in_both_trees(module):
    ours_np, ours_tf = mirrored(module)
    assert ours_np, f"course_lib.numpy.{module} exposes nothing of its counterpart"
    assert sorted(ours_np) == sorted(ours_tf), f"only in numpy: {set(ours_np) - set(ours_tf)}; only in tf: {set(ours_tf) - set(ours_np)}"
    for name in ours_np:
        assert parameters(ours_np[name]) == parameters(ours_tf[name]), f"{module}.{name}"


@pytest.mark.parametrize("module", sorted(set(MODULES) & set(KERAS_COUNTERPARTS)))
def test_names_shared_with_keras_have_keras_signatures(module):
    keras_module = KERAS_COUNTERPARTS[module]
    for name, ours in mirrored(module)[0].items():
        theirs = getattr(keras_module, name, None)
        if theirs is None or not callable(theirs):
            continue
        ours_params, theirs_params = parameters(ours), parameters(theirs)
        if ours_params is None or theirs_params is None:
            continue
        # Every argument Keras has, we have, with the same default (extra trailing arguments are allowed).
        ours_dict, theirs_dict = dict(ours_params), dict(theirs_params)
        missing = [p for p in theirs_dict if p not in ours_dict and p not in ("kwargs", "args")]
        if "kwargs" in ours_dict:  # base-class options (clipnorm, weight_decay, ...) pass through **kwargs
            missing = []
        missing = [p for p in missing if p not in NOT_MIRRORED.get(f"{module}.{name}", ())]
        assert not missing, f"{module}.{name} lacks Keras's arguments {missing}"
        for key, default in theirs_dict.items():
            if key in ours_dict and key not in ("kwargs", "args", "dtype", "name"):
                assert _same_default(ours_dict[key], default), f"{module}.{name}({key}=...) default {ours_dict[key]!r} != Keras's {default!r}"


#: Keras arguments course_lib deliberately leaves out (said so in the docstrings): LoRA and quantisation.
NOT_MIRRORED = {"layers.Dense": {"lora_rank", "lora_alpha", "quantization_config"}}


def _same_default(a, b):
    try:
        return bool(a == b)
    except Exception:  # noqa: BLE001 -- defaults without a truth value (arrays): not comparable here
        return True


DELEGATION_CASES = [
    # (course_lib.tf call, the Keras / tf.nn APIs whose code must not run during it)
    ("nn.sigmoid_cross_entropy_with_logits", dict(labels=[[0.0, 1.0]], logits=[[2.0, -1.0]]), ["tf.nn.sigmoid_cross_entropy_with_logits"]),
    ("nn.softmax_cross_entropy_with_logits", dict(labels=[[0.0, 1.0]], logits=[[2.0, -1.0]]), ["tf.nn.softmax_cross_entropy_with_logits", "tf.nn.softmax", "tf.nn.log_softmax"]),
    ("nn.sparse_softmax_cross_entropy_with_logits", dict(labels=[1], logits=[[2.0, -1.0]]), ["tf.nn.sparse_softmax_cross_entropy_with_logits"]),
    ("nn.softplus", dict(features=[1.0, -3.0]), ["tf.math.softplus"]),
    ("nn.sigmoid", dict(x=[1.0, -3.0]), ["tf.math.sigmoid"]),
    ("losses.categorical_crossentropy", dict(y_true=[[0, 1]], y_pred=[[0.3, 0.7]]), ["keras.losses.categorical_crossentropy", "keras.ops.categorical_crossentropy"]),
    ("losses.sparse_categorical_crossentropy", dict(y_true=[1], y_pred=[[0.3, 0.7]], ignore_class=0), ["keras.losses.sparse_categorical_crossentropy", "keras.ops.sparse_categorical_crossentropy"]),
    ("losses.binary_crossentropy", dict(y_true=[[0, 1]], y_pred=[[0.3, 0.7]]), ["keras.losses.binary_crossentropy", "keras.ops.binary_crossentropy"]),
    ("losses.huber", dict(y_true=[[0.0, 1.0]], y_pred=[[3.0, 1.5]]), ["keras.losses.huber"]),
    ("utils.to_categorical", dict(x=[0, 2]), ["keras.utils.to_categorical", "tf.one_hot"]),
]


@pytest.mark.parametrize("call, kwargs, forbidden", DELEGATION_CASES, ids=[c[0] for c in DELEGATION_CASES])
def test_tf_tree_does_not_delegate(call, kwargs, forbidden):
    from course_grader.sandbox.policy import CallMonitor

    module, name = call.split(".")
    function = getattr(importlib.import_module(f"course_lib.tf.{module}"), name)
    monitor = CallMonitor(forbidden_apis=forbidden)
    with monitor:
        function(**kwargs)
    assert monitor.violation is None


def test_numpy_tree_never_imports_tensorflow():
    code = (
        "import sys, course_lib.numpy\n"
        "from course_lib.numpy import *\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('tensorflow', 'keras', 'tf_keras')]\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_numpy_tree_source_mentions_no_tensorflow_import():
    folder = os.path.dirname(course_lib.numpy.__file__)
    for filename in os.listdir(folder):
        if filename.endswith(".py"):
            text = open(os.path.join(folder, filename), encoding="utf-8").read()
            assert "import tensorflow" not in text and "import keras" not in text, filename


@pytest.mark.parametrize(
    "value",
    [[1.0, 2.0], [1, 2], 3.5, 7, [[True, False]], __import__("numpy").float64([1.5]), __import__("numpy").int64([4])],
    ids=["float list", "int list", "float", "int", "bool", "float64 array", "int64 array"],
)
def test_convert_to_tensor_follows_keras_dtype_rules(tree, value):
    import numpy as np

    ours = importlib.import_module(f"course_lib.{tree}.ops").convert_to_tensor(value)
    theirs = keras.ops.convert_to_tensor(value)
    assert np.dtype(getattr(ours.dtype, "as_numpy_dtype", ours.dtype)) == np.dtype(theirs.dtype.as_numpy_dtype)
    np.testing.assert_array_equal(keras.ops.convert_to_numpy(theirs), importlib.import_module(f"course_lib.{tree}.ops").convert_to_numpy(ours))
