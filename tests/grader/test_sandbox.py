"""The sandbox that runs submissions: what it lets through, what it stops, and how it reports it."""

import os
import sys
import sysconfig

import numpy as np
import pytest

from course_grader.paths import COURSE_ROOT, REPO_ROOT, UNREADABLE_ROOTS
from course_grader.sandbox.client import Session, SessionBroken, ZygotePool, sandbox_environment
from course_grader.sandbox.policy import _installation_roots, make_policy


@pytest.fixture(scope="module")
def pool():
    zygotes = ZygotePool()
    yield zygotes
    zygotes.close()


def session(pool, source, runtime="numpy", forbid=(), time_limit=10):
    policy = make_policy(runtime, forbid, UNREADABLE_ROOTS, time_limit)
    return Session(pool, policy, source, "answer")


def call(pool, source, *args, runtime="numpy", forbid=(), time_limit=10):
    s = session(pool, source, runtime, forbid, time_limit)
    try:
        assert s.cell_error is None, s.cell_error
        return s.call("f", args, {})
    finally:
        s.close()


def test_correct_answer_returns_its_value(pool):
    outcome = call(pool, "import numpy as np\ndef f(x):\n    return np.exp(x)", np.arange(3.0))
    assert not outcome.raised and outcome.forbidden is None
    np.testing.assert_allclose(outcome.value, np.exp(np.arange(3.0)))


def test_exceptions_come_back_with_type_and_message(pool):
    outcome = call(pool, "def f(x):\n    raise ValueError('label 7 is out of range')", 1)
    assert outcome.error["type"] == "ValueError"
    assert "Exception" in outcome.error["bases"]
    assert "label 7" in outcome.error["message"]


@pytest.mark.parametrize(
    "source, pattern",
    [
        ("def f(x:\n  pass", "SyntaxError"),
        ("raise RuntimeError('at import')", "RuntimeError"),
        ("import course_lib.numpy.losses as L\ndef f(x): return L", "ImportError"),
    ],
)
def test_answer_cell_errors_are_reported(pool, source, pattern):
    s = session(pool, source)
    try:
        assert s.cell_error is not None and s.cell_error["type"] == pattern
    finally:
        s.close()


@pytest.mark.parametrize(
    "body, refused",
    [
        ("import keras\n    return 1", "importing keras"),
        ("import tensorflow\n    return 1", "importing tensorflow"),
        ("import scipy.special\n    return 1", "importing scipy"),
        ("return open(%r).read()" % os.path.join(REPO_ROOT, "course_lib", "numpy", "losses.py"), "opening"),
        ("return open(%r).read()" % os.path.join(REPO_ROOT, ".git", "HEAD"), "opening"),
        ("return open(%r).read()" % os.path.join(REPO_ROOT, "README.md"), "opening"),
        ("import numpy as np\n    return np.load(%r)" % os.path.join(REPO_ROOT, "build", "x.npy"), "opening"),
        ("return open('/etc/passwd-written', 'w')", "writing to"),
        ("import os, signal\n    os.kill(os.getppid(), signal.SIGKILL)", "os.kill"),
        ("import subprocess\n    return subprocess.run(['true'])", "subprocess.Popen"),
        ("import sys\n    sys.setprofile(None)", "sys.setprofile"),
        ("import gc\n    return len(gc.get_objects())", "gc.get_objects"),
        ("import socket\n    return socket.socket()", "socket"),
        ("import os\n    os.remove(%r)" % os.path.join(COURSE_ROOT, "nbgrader_config.py"), "writing to"),
    ],
)
def test_policy_refuses(pool, body, refused):
    outcome = call(pool, f"def f(x):\n    {body}", 0)
    assert outcome.raised, outcome.value
    assert refused in outcome.error["message"]


def test_the_python_installation_stays_readable(pool):
    # A module the zygote has not imported yet is read from site-packages (inside the repo's .venv/).
    source = "import numpy as np\ndef f(x):\n    import numpy.polynomial.hermite as H\n    return H.hermval(x, [1.0, 2.0])"
    outcome = call(pool, source, np.arange(3.0))
    assert not outcome.raised, outcome.error
    np.testing.assert_allclose(outcome.value, 1.0 + 4.0 * np.arange(3.0))


def test_a_prefix_around_the_repository_is_not_readable():
    # A clone under /usr/src must not become readable because the interpreter lives under /usr.
    base = os.path.join(os.path.realpath(sys.base_prefix), "")
    roots = _installation_roots((os.path.join(base, "src", "course", ""),))
    assert base not in roots
    assert os.path.join(os.path.realpath(sysconfig.get_path("stdlib")), "") in roots


def test_secrets_in_the_environment_stay_with_the_grader(monkeypatch):
    monkeypatch.setenv("JUPYTERHUB_API_TOKEN", "hub-secret")
    monkeypatch.setenv("OMP_NUM_THREADS", "1")
    assert "JUPYTERHUB_API_TOKEN" not in sandbox_environment() and sandbox_environment()["OMP_NUM_THREADS"] == "1"
    zygotes = ZygotePool()  # started after the variable was set
    try:
        source = "import os\ndef f(x):\n    return sorted(os.environ), open('/proc/self/environ').read()"
        outcome = call(zygotes, source, 0)
    finally:
        zygotes.close()
    names, raw = outcome.value
    assert "JUPYTERHUB_API_TOKEN" not in names and "OMP_NUM_THREADS" in names
    assert "hub-secret" not in raw


def test_writing_in_the_scratch_directory_is_allowed(pool):
    source = "import numpy as np, os\ndef f(x):\n    np.save('a.npy', x)\n    return np.load('a.npy') * 2"
    outcome = call(pool, source, np.ones(2))
    np.testing.assert_array_equal(outcome.value, [2.0, 2.0])


@pytest.mark.parametrize(
    "source, reason",
    [
        ("def f(x):\n    while True:\n        pass", "did not finish"),
        ("def f(x):\n    print('x' * 3_000_000)", "printed too much"),
        ("import os\ndef f(x):\n    os._exit(0)", "died unexpectedly"),
        ("import sys\ndef f(x):\n    sys.exit(1)", None),  # SystemExit is an ordinary exception here
    ],
)
def test_broken_submissions_break_the_session_with_a_reason(pool, source, reason):
    s = session(pool, source, time_limit=3)
    try:
        if reason is None:
            assert s.call("f", (0,), {}).error["type"] == "SystemExit"
            return
        with pytest.raises(SessionBroken) as broken:
            s.call("f", (0,), {})
        assert reason in broken.value.reason_en
        assert broken.value.reason_ko
    finally:
        s.close()


def test_a_reply_cannot_smuggle_code(pool):
    source = (
        "import numpy as np\n"
        "class Evil(float):\n"
        "    def __reduce__(self):\n"
        "        return (print, ('pwned',))\n"
        "def f(x):\n"
        "    return Evil(1.5), np.array([Evil(2.0)], dtype=object), object()\n"
    )
    outcome = call(pool, source, 0)
    value = outcome.value
    assert value[0] == 1.5 and type(value[0]) is float
    assert value[1] == {"__opaque__": "an object array of shape (1,)"}
    assert value[2] == {"__opaque__": "an object of type object"}


def test_tampering_with_numpy_only_affects_the_submission(pool):
    source = "import numpy as np\nnp.allclose = lambda *a, **k: True\ndef f(x):\n    return np.allclose(x, 0)"
    assert call(pool, source, 5.0).value is True
    assert not np.allclose(5.0, 0)  # the grader's NumPy is untouched


TF_FORBID = ["tf.nn.sigmoid_cross_entropy_with_logits", "keras.losses.binary_crossentropy"]


@pytest.mark.parametrize(
    "source",
    [
        "import tensorflow as tf\ndef f(x):\n    return tf.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=x)",
        "import tensorflow as tf\nloss = getattr(tf.nn, 'sigmoid_cross_entropy' + '_with_logits')\ndef f(x):\n    return loss(labels=x, logits=x)",
        "from tensorflow.python.ops import nn_impl\ndef f(x):\n    return nn_impl.sigmoid_cross_entropy_with_logits_v2(labels=x, logits=x)",
        "import keras\ndef f(x):\n    return keras.losses.binary_crossentropy(x, x)",
        "import importlib\ndef f(x):\n    tf = importlib.import_module('tensorflow')\n    return tf.compat.v1.nn.sigmoid_cross_entropy_with_logits(labels=x, logits=x)",
    ],
)
def test_delegation_is_caught_however_it_is_spelled(pool, source):
    outcome = call(pool, source, np.float32([0.0, 1.0]), runtime="tensorflow", forbid=TF_FORBID, time_limit=60)
    assert outcome.forbidden in TF_FORBID


def test_tensorflow_runtime_allows_other_tf_code(pool):
    source = (
        "import tensorflow as tf\n"
        "@tf.function\n"
        "def g(x):\n"
        "    return tf.maximum(x, 0.0) + tf.math.log1p(tf.exp(-tf.abs(x)))\n"
        "def f(x):\n"
        "    return g(tf.constant(x))\n"
    )
    outcome = call(pool, source, np.float32([-1e4, 0.0, 1e4]), runtime="tensorflow", forbid=TF_FORBID, time_limit=60)
    assert outcome.forbidden is None and not outcome.raised
    np.testing.assert_allclose(outcome.value, [0.0, np.log(2.0), 1e4])


def test_probes_drive_the_students_objects(pool):
    s = session(pool, "class Counter:\n    def __init__(self):\n        self.n = 0\n    def add(self, k):\n        self.n += k\n")
    try:

        def probe(student, steps):
            counter = student.Counter()
            for k in range(steps):
                counter.add(k)
            return counter.n

        assert s.probe(probe, (5,)).value == 10
    finally:
        s.close()


def test_autograph_can_read_the_answer_cell(pool):
    source = (
        "import tensorflow as tf\n"
        "@tf.function\n"
        "def f(n):\n"
        "    n = tf.constant(n)\n"
        "    steps = tf.constant(0)\n"
        "    while n > 1:\n"
        "        n = tf.where(n % 2 == 0, n // 2, 3 * n + 1)\n"
        "        steps += 1\n"
        "    return steps\n"
    )
    outcome = call(pool, source, 27, runtime="tensorflow", time_limit=60)
    assert not outcome.raised, outcome.error
    assert outcome.value == 111
