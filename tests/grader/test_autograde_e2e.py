"""End to end on the cross-entropy lesson: release, submissions of every kind, `make autograde`, `make feedback`.

Every expected score is derived, not typed in: correct answers earn the
exercise's points, broken or forbidden ones earn 0, and a partly wrong
answer earns what the same checks give it in a student's self-check (the
sandboxed grader and the self-check must agree).
"""

import hashlib
import html
import os
import re

import nbformat
import pytest
from course_copies import (
    answer_cells,
    course_path,
    fill,
    grader,
    graded_test_cells,
    leaked_lines,
    make,
    make_course,
    points_by_exercise,
    read_grades,
    read_notebook,
    solutions,
    submit,
)

from course_grader.languages import only_language
from course_grader.notebook_checks import EXERCISE_CALL
from course_grader.nbgrader_plugin import run_cell_source

LESSON = "05_cross_entropy"
SOURCE_PATH = os.path.join(os.path.dirname(__file__), "..", "..", "notebooks", LESSON, f"{LESSON}.ipynb")

pytestmark = [pytest.mark.slow, pytest.mark.skipif(not os.path.exists(SOURCE_PATH), reason="lesson not written yet")]

NAIVE_SIGMOID = '''import numpy as np

def sigmoid_cross_entropy_with_logits(labels, logits):
    x = np.asarray(logits, dtype=float)
    z = np.asarray(labels, dtype=float)
    p = 1 / (1 + np.exp(-x))
    return -(z * np.log(p) + (1 - z) * np.log(1 - p))
'''

KERAS_CCE = '''import numpy as np

def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    import keras
    return np.asarray(keras.losses.categorical_crossentropy(y_true, y_pred, from_logits, label_smoothing, axis))
'''

TF_NN_GRADIENT = '''import tensorflow as tf

def stable_loss_and_gradient(labels, logits):
    x = tf.constant(logits)
    with tf.GradientTape() as tape:
        tape.watch(x)
        loss = tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.constant(labels), logits=x)
    return loss, tape.gradient(loss, x)
'''

COURSE_LIB_ONE_HOT = "from course_lib.numpy.utils import to_categorical\n"

SPELLED_OUT_BCE = '''import importlib

def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    module = importlib.import_module("course" + "_lib.numpy." + "losses")
    return getattr(module, "binary_" + "crossentropy")(y_true, y_pred, from_logits, label_smoothing, axis)
'''

TAMPERING_CCE = '''import builtins
import numpy as np
import numpy.testing

np.allclose = lambda *args, **kwargs: True
np.testing.assert_allclose = lambda *args, **kwargs: None
builtins.abs = lambda value: 0

def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    return np.zeros(np.shape(y_pred)[:-1])
'''

ENDLESS_SPARSE = '''def sparse_categorical_crossentropy(y_true, y_pred, from_logits=False, ignore_class=None, axis=-1):
    while True:
        pass
'''

SYNTAX_ERROR_ONE_HOT = "def to_categorical(y, num_classes=None:\n    return y\n"

def flooding(source):
    return source.replace("\n    ", "\n    print('x' * 4_000_000)\n    ", 1)


CRASHING_CCE = '''import os

def categorical_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    os._exit(1)
'''

SEGFAULT_BCE = '''import ctypes

def binary_crossentropy(y_true, y_pred, from_logits=False, label_smoothing=0.0, axis=-1):
    return ctypes.string_at(0)
'''

def noisy(source):
    """The same answer, plus warnings, stderr prints and TF log lines."""
    preamble = (
        "import sys, warnings\n"
        "warnings.warn('a warning at import')\n"
        "print('to stderr at import', file=sys.stderr)\n"
    )
    body = "\n    warnings.warn('a warning per call'); print('stderr per call', file=sys.stderr)\n    "
    return preamble + source.replace("\n    ", body, 1)


def self_check_score(answer_source, test_source):
    """What the test cell gives in a student's kernel (self-check mode) for this answer."""
    namespace = {"__name__": "__main__"}
    exec(compile(answer_source, "<answer>", "exec"), namespace)
    _, value = run_cell_source(test_source, namespace, "<test>")
    return value


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """Release the lesson, submit every kind of submission, autograde twice and make feedback."""
    env = make_course(str(tmp_path_factory.mktemp("course")), [LESSON])
    make(env, "release", ASSIGNMENT=LESSON)
    source = read_notebook(SOURCE_PATH)
    release = read_notebook(course_path(env, "release", LESSON, f"{LESSON}.ipynb"))
    answers = solutions(source)
    points = points_by_exercise(source)
    tests = {EXERCISE_CALL.search(cell.source).group(1): cell.source for cell in graded_test_cells(source).values()}

    def full(**overrides):
        return {**{gid: points[gid] for gid in points}, **overrides}

    partial = self_check_score(NAIVE_SIGMOID, tests["ex05_2_sigmoid_cross_entropy"])
    cases = {
        "correct": (fill(release, answers), full()),
        "stub": (release, {gid: 0.0 for gid in points}),
        "partial": (fill(release, {**answers, "ex05_2_sigmoid_cross_entropy": NAIVE_SIGMOID}), full(ex05_2_sigmoid_cross_entropy=partial)),
        "keras_and_tf_nn": (
            fill(release, {**answers, "ex05_3_categorical_crossentropy": KERAS_CCE, "ex05_6_gradient_tape": TF_NN_GRADIENT}),
            full(ex05_3_categorical_crossentropy=0.0, ex05_6_gradient_tape=0.0),
        ),
        "course_lib": (
            fill(release, {**answers, "ex05_1_to_categorical": COURSE_LIB_ONE_HOT, "ex05_5_binary_crossentropy": SPELLED_OUT_BCE}),
            full(ex05_1_to_categorical=0.0, ex05_5_binary_crossentropy=0.0),
        ),
        "broken_a": (
            fill(release, {**answers, "ex05_1_to_categorical": SYNTAX_ERROR_ONE_HOT, "ex05_4_sparse_categorical_crossentropy": ENDLESS_SPARSE}),
            full(ex05_1_to_categorical=0.0, ex05_4_sparse_categorical_crossentropy=0.0),
        ),
        "broken_b": (
            fill(
                release,
                {
                    **answers,
                    "ex05_2_sigmoid_cross_entropy": flooding(answers["ex05_2_sigmoid_cross_entropy"]),
                    "ex05_3_categorical_crossentropy": CRASHING_CCE,
                    "ex05_5_binary_crossentropy": SEGFAULT_BCE,
                },
            ),
            full(ex05_2_sigmoid_cross_entropy=0.0, ex05_3_categorical_crossentropy=0.0, ex05_5_binary_crossentropy=0.0),
        ),
        "noisy": (fill(release, {gid: noisy(src) for gid, src in answers.items()}), full()),
        "korean_only": (fill(only_language(release, "ko"), answers), full()),
    }

    tampered = fill(release, {**answers, "ex05_3_categorical_crossentropy": TAMPERING_CCE})
    test_cells = graded_test_cells(tampered)
    test_cells["ex05_1_to_categorical_test"].source = "print('모두 통과 / all passed')\n1000"
    tampered.cells.remove(test_cells["ex05_2_sigmoid_cross_entropy_test"])
    tampered.cells.insert(
        0,
        nbformat.v4.new_code_cell(
            "import course_grader.exercise as e\ne.Exercise.earned = lambda self: self.points\n"
            "import numpy as np\nnp.allclose = lambda *a, **k: True"
        ),
    )
    cases["tampered"] = (tampered, full(ex05_3_categorical_crossentropy=0.0))

    paths = {student: submit(env, student, LESSON, nb) for student, (nb, _) in cases.items()}
    before = {student: hashlib.sha256(open(path, "rb").read()).hexdigest() for student, path in paths.items()}

    first = make(env, "autograde", ASSIGNMENT=LESSON, JOBS=2)
    first_grades = read_grades(env)
    make(env, "autograde", ASSIGNMENT=LESSON, JOBS=2)
    second_grades = read_grades(env)
    make(env, "feedback", ASSIGNMENT=LESSON)
    after = {student: hashlib.sha256(open(path, "rb").read()).hexdigest() for student, path in paths.items()}
    return dict(
        env=env,
        cases=cases,
        points=points,
        partial=partial,
        first=first_grades,
        second=second_grades,
        log=first.stdout + first.stderr,
        before=before,
        after=after,
        source=source,
    )


def test_release_has_no_solutions_and_no_hidden_tests(graded):
    env, source = graded["env"], graded["source"]
    released = open(course_path(env, "release", LESSON, f"{LESSON}.ipynb"), encoding="utf-8").read()
    assert "BEGIN SOLUTION" not in released and "BEGIN HIDDEN TESTS" not in released
    assert leaked_lines(source, released) == []


def test_partial_answer_earns_partial_credit(graded):
    maximum = graded["points"]["ex05_2_sigmoid_cross_entropy"]
    assert 0 < graded["partial"] < maximum


@pytest.mark.parametrize(
    "student",
    ["correct", "stub", "partial", "keras_and_tf_nn", "course_lib", "broken_a", "broken_b", "noisy", "korean_only", "tampered"],
)
def test_every_submission_gets_its_score(graded, student):
    expected = graded["cases"][student][1]
    score, max_score = graded["first"][(LESSON, student)]
    assert max_score == pytest.approx(sum(graded["points"].values()))
    assert score == pytest.approx(sum(expected.values()), abs=1e-6), graded["log"][-3000:]


def test_regrading_gives_the_same_grades(graded):
    assert graded["first"] == graded["second"]


def test_grading_never_changes_a_submission(graded):
    assert graded["before"] == graded["after"]


def feedback_text(env, student):
    path = course_path(env, "feedback", student, LESSON, f"{LESSON}.html")
    with open(path, encoding="utf-8") as handle:
        return html.unescape(re.sub(r"<[^>]+>", "", handle.read()))


@pytest.mark.parametrize("student", ["correct", "partial", "broken_a", "keras_and_tf_nn"])
def test_feedback_is_bilingual_and_hides_hidden_tests(graded, student):
    text = feedback_text(graded["env"], student)
    assert "채점 결과 / Grading results" in text
    hidden_only = [line for line in leaked_lines(graded["source"], text) if "### BEGIN SOLUTION" not in line]
    assert hidden_only == [] or all(line in _solution_lines(graded["source"]) for line in hidden_only)


def _solution_lines(source):
    """Solution lines (a correct student's own code is, of course, in their feedback)."""
    lines = set()
    for cell in answer_cells(source).values():
        for line in cell.source.split("### BEGIN SOLUTION")[1].split("### END SOLUTION")[0].splitlines():
            lines.add(line.strip())
    return lines


def test_feedback_says_what_went_wrong(graded):
    env = graded["env"]
    partial = feedback_text(env, "partial")
    assert "hidden check" in partial and "largest difference" in partial and "가장 큰 차이" in partial
    broken = feedback_text(env, "broken_a")
    assert "did not finish within" in broken and "SyntaxError" in broken
    delegated = feedback_text(env, "keras_and_tf_nn")
    assert "importing keras is not allowed" in delegated
    assert "tf.nn.sigmoid_cross_entropy_with_logits" in delegated and "금지된 API" in delegated


def test_self_check_gives_the_graders_messages_for_visible_checks(graded):
    """A student running the released test cell sees, for each visible check, the grader's very lines."""
    env = graded["env"]
    release = read_notebook(course_path(env, "release", LESSON, f"{LESSON}.ipynb"))
    test_source = graded_test_cells(release)["ex05_2_sigmoid_cross_entropy_test"].source
    self_check = run_cell_source_output(NAIVE_SIGMOID, test_source)
    autograded = read_notebook(course_path(env, "autograded", "partial", LESSON, f"{LESSON}.ipynb"))
    cell = graded_test_cells(autograded)["ex05_2_sigmoid_cross_entropy_test"]
    grader_text = "".join(o.get("text", "") for o in cell.outputs if o.output_type == "stream")
    visible = [line for line in self_check.splitlines()[1:] if line.startswith("  ") and "score" not in line and "self-check" not in line]
    assert visible, self_check
    for line in visible:
        assert line in grader_text.splitlines(), f"{line!r} not in the grader's report"


def run_cell_source_output(answer_source, test_source):
    namespace = {"__name__": "__main__"}
    exec(compile(answer_source, "<answer>", "exec"), namespace)
    text, _ = run_cell_source(test_source, namespace, "<test>")
    return text


def test_grader_runs_from_the_python_api_too(graded):
    # `python -m course_grader export` rewrites the same CSV from the gradebook.
    printed = grader(graded["env"], "export").stdout
    assert read_grades(graded["env"]) == graded["second"]
    # The scratch course lies outside the repository: its path is printed whole, not as ../../tmp/...
    assert f"wrote {course_path(graded['env'], 'exports', 'grades.csv')} (" in printed
