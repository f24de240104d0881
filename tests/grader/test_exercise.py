"""`Exercise` in self-check mode (the student's kernel): scores, messages, delegation, time limits."""

import numpy as np
import pytest

from course_grader import Case, Exercise
from course_lib.numpy import nn as reference_nn


def stable_softplus(x):
    x = np.asarray(x, dtype=float)
    return np.maximum(x, 0) + np.log1p(np.exp(-np.abs(x)))


def naive_softplus(x):
    return np.log(1 + np.exp(np.asarray(x, dtype=float)))


CASES = [Case("작은 값 / small", np.array([-1.0, 0.0, 2.0])), Case("음수 / negative", np.array([-3.0, -0.5]))]
HIDDEN = [Case("극단 / extreme", np.array([-1e4, 1e4])), Case("행렬 / matrix", np.linspace(-5, 5, 12).reshape(3, 4))]


def test_correct_answer_scores_full_points(capsys):
    ex = Exercise("ex_softplus", points=4)
    ex.compare(stable_softplus, reference_nn.softplus, CASES)
    ex.compare(stable_softplus, reference_nn.softplus, HIDDEN, hidden=True)
    assert ex.score() == 4.0
    out = capsys.readouterr().out
    assert "4/4" in out and "✗" not in out
    assert "self-check" in out and "자가 점검" in out


def test_partial_credit_and_hidden_checks_hide_their_data(capsys):
    ex = Exercise("ex_softplus", points=4)
    ex.compare(naive_softplus, reference_nn.softplus, CASES)
    ex.compare(naive_softplus, reference_nn.softplus, HIDDEN, hidden=True)
    assert ex.score() == 3.0  # 3 of 4 checks pass: only +1e4 overflows
    out = capsys.readouterr().out
    failing = out.split("극단 / extreme")[1]
    assert "float64[2]" in failing  # the input is described by dtype and shape...
    assert "1e4" not in failing and "-10000" not in failing  # ...never shown
    assert "expected 10000, got inf" in failing


def test_visible_failures_show_input_expected_and_got(capsys):
    ex = Exercise("ex_softplus", points=2)
    ex.compare(lambda x: np.zeros_like(x), reference_nn.softplus, CASES[:1])
    ex.score()
    out = capsys.readouterr().out
    assert "[-1.,  0.,  2.]" in out
    assert "expected" in out and "기대값" in out and "got" in out and "결과" in out


def test_a_matrix_input_is_shown_on_the_line_of_its_call(capsys):
    ex = Exercise("ex", points=1)
    ex.compare(lambda x: np.zeros_like(x), reference_nn.softplus, [Case("열 / column", np.array([[0.0], [2.0], [1.0]]))])
    ex.score()
    out = capsys.readouterr().out
    assert "f([[0.], [2.], [1.]] (float64, shape (3, 1)))" in out.replace("<lambda>", "f")


def test_shape_mismatch_is_named(capsys):
    ex = Exercise("ex", points=1)
    ex.compare(lambda x: stable_softplus(x)[None], reference_nn.softplus, CASES[:1])
    assert ex.score() == 0.0
    assert "wrong shape: expected (3,), got (1, 3)" in capsys.readouterr().out


def test_not_implemented_is_reported_without_an_error(capsys):
    def stub(x):
        raise NotImplementedError()

    ex = Exercise("ex", points=3)
    ex.compare(stub, reference_nn.softplus, CASES)
    assert ex.score() == 0.0
    assert "not implemented yet" in capsys.readouterr().out


def test_bad_input_must_raise_like_the_reference(capsys):
    from course_lib.numpy.utils import to_categorical as reference

    def lenient(y, num_classes=None):
        y = np.asarray(y)
        return np.eye(num_classes or y.max() + 1)[y]

    ex = Exercise("ex", points=2)
    ex.compare(lenient, reference, [Case("정상 / fine", [0, 2], 3), Case("범위 밖 / out of range", [0, -1], 3)])
    assert ex.score() == 1.0
    assert "no ValueError was raised" in capsys.readouterr().out


def test_calling_the_api_being_rebuilt_scores_zero(capsys):
    import course_lib.numpy.nn as cl_nn

    softplus_alias = getattr(cl_nn, "soft" + "plus")

    def delegating(x):
        return softplus_alias(x)

    ex = Exercise("ex", points=5)
    ex.compare(delegating, reference_nn.softplus, CASES)
    assert ex.score() == 0.0
    out = capsys.readouterr().out
    assert "course_lib.numpy.nn.softplus" in out and "금지된 API" in out


def test_numpy_exercise_may_not_use_tensorflow(capsys):
    from course_lib.quiet import tf

    def via_tf(x):
        return tf.math.softplus(x).numpy()

    ex = Exercise("ex", points=1)
    ex.compare(via_tf, reference_nn.softplus, CASES)
    assert ex.score() == 0.0
    assert "forbidden API ran: tensorflow" in capsys.readouterr().out


def test_endless_loop_stops_with_a_reason(capsys):
    def forever(x):
        while True:
            pass

    ex = Exercise("ex", points=2, time_limit=1)
    ex.compare(forever, reference_nn.softplus, CASES)
    assert ex.score() == 0.0
    assert "did not finish within 1 s" in capsys.readouterr().out


def test_probe_and_custom_checks(capsys):
    class Counter:
        def __init__(self):
            self.total = 0

        def add(self, k):
            self.total += k

    import __main__

    __main__.Counter = Counter
    try:

        def probe(student, steps):
            counter = student.Counter()
            for k in range(steps):
                counter.add(k)
            return counter.total

        ex = Exercise("ex", points=2)
        ex.probe("합계 / total", probe, 5, expected=10)
        ex.probe("검사 함수 / check function", probe, 3, check=lambda total: (total == 4, "4가 아님", "not 4"))
        assert ex.score() == 1.0
        assert "not 4" in capsys.readouterr().out
    finally:
        del __main__.Counter


@pytest.mark.parametrize("points, passed, total, expected", [(5, 7, 12, 2.91), (3, 1, 3, 1.0), (4, 2, 3, 2.66)])
def test_scores_round_down_to_hundredths(points, passed, total, expected):
    ex = Exercise("ex", points=points)
    for i in range(total):
        ex.check(f"check {i}", i < passed)
    assert ex.earned() == expected


def test_hidden_scalar_mismatch_reads_well(capsys):
    ex = Exercise("ex", points=1)
    ex.compare(lambda x: 2.0, lambda x: 1.0, [Case("스칼라 / scalar", 0.0)], hidden=True)
    ex.score()
    out = capsys.readouterr().out
    assert "wrong value: expected 1, got 2" in out and "element" not in out


def test_terminal_colour_codes_are_stripped_from_error_messages(capsys):
    def bold_error(x):
        raise ValueError("\x1b[1mException encountered when calling Dense.call().\x1b[0m bad input")

    ex = Exercise("ex", points=1)
    ex.compare(bold_error, lambda x: x, [Case("입력 / input", 1.0)])
    ex.score()
    out = capsys.readouterr().out
    assert "\x1b" not in out and "Exception encountered when calling Dense.call(). bad input" in out


def test_a_stub_does_not_pass_a_bad_input_check(capsys):
    def stub(*args):
        raise NotImplementedError()

    def strict(x):
        raise Exception("bad input")

    ex = Exercise("ex", points=1)
    ex.compare(stub, strict, [Case("잘못된 입력 / bad input", 1)])
    assert ex.score() == 0.0
    assert "not implemented yet" in capsys.readouterr().out
