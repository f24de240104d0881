"""`Exercise`: the checks of one graded exercise, written in its test cell.

A test cell in a lesson notebook looks like this::

    from course_grader import Case, Exercise
    from course_lib.numpy import losses as reference

    ex = Exercise("ex05_3_categorical_crossentropy", points=5)
    ex.compare(categorical_crossentropy, reference.categorical_crossentropy, [
        Case("노트의 예 / the notes' example", y_true, y_pred),
    ])
    ### BEGIN HIDDEN TESTS
    ex.compare(categorical_crossentropy, reference.categorical_crossentropy, hidden_cases, hidden=True)
    ### END HIDDEN TESTS
    ex.score()

The same code runs in two places:

- In the student's kernel (a *self-check*): the student's function is called
  directly, watched by a `CallMonitor`; the report is printed and `score()`
  shows the points, which stock nbgrader reads as partial credit.
- In the grader (`make autograde`): the test cell's original source runs in
  the trusted grading process, where the name `categorical_crossentropy` is
  bound to a `StudentObject`. Calls go to a sandboxed child process that
  ran only the student's answer cell; expected values, comparisons and the
  score are computed on the trusted side, out of the submission's reach.

The messages are built by one code path in both places, so a visible check
gives the same message in the self-check as in the feedback.
"""

import copy
import math
import signal
import threading
import warnings

import numpy as np

from . import context
from .report import FAIL, PASS, bilingual, call_text, plain, show, worst_element
from .sandbox.client import Outcome, SessionBroken
from .sandbox.policy import CallMonitor, make_policy


class Case:
    """One input for a check: a label (Korean / English) and the call's arguments."""

    def __init__(self, label, *args, **kwargs):
        self.label = label
        self.args = args
        self.kwargs = kwargs

    def __repr__(self):
        return f"Case({self.label!r})"


class StudentObject:
    """Grader side: a name defined by a student's answer cell, living in the sandbox."""

    def __init__(self, cell_id, name):
        self.cell_id = cell_id
        self.name = self.__name__ = name

    def __call__(self, *args, **kwargs):
        raise TypeError(f"call `{self.name}` through an Exercise method (compare, probe, ...), not directly")

    def __repr__(self):
        return f"<student's {self.name} from cell {self.cell_id}>"


class _Check:
    def __init__(self, label, passed, hidden, lines=()):
        self.label, self.passed, self.hidden, self.lines = label, passed, hidden, list(lines)


class Exercise:
    """Checks of one exercise, scored by the fraction that pass.

    Args:
        exercise_id: the `grade_id` of the exercise's answer cell.
        points: the test cell's points (nbgrader metadata must agree).
        runtime: `"numpy"` (no TensorFlow, Keras or course_lib may run) or
            `"tensorflow"` (TensorFlow and Keras allowed, minus `forbid`).
        forbid: dotted names of APIs whose code must not run during the
            student's calls, e.g. `["tf.nn.sigmoid_cross_entropy_with_logits"]`.
        time_limit: seconds for the whole exercise (answer cell plus all calls).
    """

    def __init__(self, exercise_id, points, runtime="numpy", forbid=(), time_limit=None):
        self.id = exercise_id
        self.points = points
        self.runtime = runtime
        self.forbid = tuple(forbid)
        self.time_limit = time_limit or (30.0 if runtime == "numpy" else 120.0)
        self.policy = make_policy(runtime, self.forbid, time_limit=self.time_limit)
        self.checks = []
        self.broken = None  # (ko, en) once the submission cannot be run any further
        self.forbidden = None  # what forbidden code ran, if any
        self.context = context.current()
        self._monitor = None

    # -- running the student's code -------------------------------------------------

    def _local_monitor(self):
        if self._monitor is None:
            self._monitor = CallMonitor(self.policy.forbidden_packages, self.policy.forbidden_apis)
        return self._monitor

    def _call_locally(self, function, args, kwargs):
        monitor = self._local_monitor()
        monitor.violation = None
        with _time_limit(self.time_limit), _no_warnings():
            try:
                with monitor:
                    value = function(*args, **kwargs)
                outcome = Outcome(value=value)
            except _Timeout:
                raise
            except BaseException as error:  # noqa: BLE001 -- report anything the student raises
                outcome = Outcome(error=_local_error(error))
        outcome.forbidden = monitor.violation
        return outcome

    def _invoke(self, target, args, kwargs, probe=None):
        """Run the student's code once; returns an Outcome or raises SessionBroken."""
        args, kwargs = copy.deepcopy(args), copy.deepcopy(kwargs)
        if self.context is not None:
            cell_id = target.cell_id if isinstance(target, StudentObject) else self.id
            session = self.context.session(self, cell_id)
            if probe is not None:
                return session.probe(probe, args)
            return session.call(target.name, args, kwargs)
        if probe is not None:
            return self._call_locally(probe, (context.student_namespace(),) + tuple(args), {})
        try:
            return self._call_locally(target, args, kwargs)
        except _Timeout:
            raise SessionBroken(
                f"{self.time_limit:g}초 안에 끝나지 않았습니다 (무한 루프?)",
                f"did not finish within {self.time_limit:g} s (an endless loop?)",
            ) from None

    def _run(self, target, args, kwargs, probe=None):
        """`_invoke`, turning a broken sandbox or a forbidden call into the exercise's state."""
        if self.broken or self.forbidden:
            return None
        try:
            outcome = self._invoke(target, args, kwargs, probe)
        except SessionBroken as broken:
            self.broken = (broken.reason_ko, broken.reason_en)
            return None
        if outcome.forbidden:
            self.forbidden = outcome.forbidden
            return None
        return outcome

    # -- checks ---------------------------------------------------------------------

    def compare(self, function, reference, cases, hidden=False, rtol=1e-5, atol=1e-6, check_dtype=False):
        """For each case, the student's `function` must give what `reference` gives.

        If the reference raises for a case, the student's function must raise
        an exception of the same type (bad input must be rejected).
        """
        name = getattr(function, "__name__", "function")
        for case in cases:
            try:
                with _no_warnings():
                    expected = Outcome(value=reference(*copy.deepcopy(case.args), **copy.deepcopy(case.kwargs)))
            except Exception as error:  # noqa: BLE001 -- an expected error
                expected = Outcome(error=_local_error(error))
            outcome = self._run(function, case.args, case.kwargs)
            if outcome is None:
                return
            call = call_text(name, case.args, case.kwargs, hidden)
            passed, lines = _judge(expected, outcome, hidden, rtol, atol, check_dtype)
            self.checks.append(_Check(case.label, passed, hidden, ([call] if not passed else []) + lines))

    def probe(self, label, probe, *args, expected=None, check=None, hidden=False, rtol=1e-5, atol=1e-6):
        """Run trusted `probe(student, *args)` where the student's code lives, then judge its result.

        Give `expected` (compared like `compare` does) or `check`, a function
        of the result returning `(passed, detail_ko, detail_en)`.
        """
        outcome = self._run(None, args, {}, probe=probe)
        if outcome is None:
            return None
        if outcome.raised:
            self.checks.append(_Check(label, False, hidden, _raised_lines(outcome.error, hidden)))
            return None
        if check is not None:
            passed, detail_ko, detail_en = check(outcome.value)
            lines = [] if passed else [bilingual(detail_ko, detail_en)]
        else:
            passed, lines = _judge(Outcome(value=expected), outcome, hidden, rtol, atol, False)
        self.checks.append(_Check(label, passed, hidden, lines))
        return outcome.value

    def check(self, label, passed, detail_ko="", detail_en="", hidden=False):
        """Record a check decided by the test cell itself."""
        lines = [] if passed or not (detail_ko or detail_en) else [bilingual(detail_ko, detail_en)]
        self.checks.append(_Check(label, bool(passed), hidden, lines))

    # -- result ---------------------------------------------------------------------

    def earned(self):
        """Points earned: `points` x the fraction of checks passed, rounded down to 0.01."""
        if self.broken or self.forbidden or not self.checks:
            return 0.0
        fraction = sum(c.passed for c in self.checks) / len(self.checks)
        return math.floor(self.points * fraction * 100 + 1e-9) / 100

    def report(self):
        """The bilingual report printed by `score()`."""
        passed = sum(c.passed for c in self.checks)
        lines = [f"[{self.id}] " + bilingual(f"검사 {passed}/{len(self.checks)}개 통과", f"{passed}/{len(self.checks)} checks passed")]
        for check in self.checks:
            mark = PASS if check.passed else FAIL
            tag = " (" + bilingual("숨은 검사", "hidden check") + ")" if check.hidden else ""
            lines.append(f"  {mark} {check.label}{tag}")
            lines += [f"      {line}" for line in check.lines]
        if self.forbidden:
            lines.append(
                "  "
                + FAIL
                + " "
                + bilingual(
                    f"금지된 API가 실행되었습니다: {self.forbidden} — 이 연습은 직접 구현해야 하므로 0점입니다",
                    f"forbidden API ran: {self.forbidden} — this exercise asks you to build it yourself, so it scores 0",
                )
            )
        if self.broken:
            lines.append("  " + FAIL + " " + bilingual(f"실행 중단: {self.broken[0]} — 0점", f"stopped: {self.broken[1]} — scores 0"))
        lines.append("  " + bilingual(f"점수: {self.earned():g} / {self.points:g}", f"score: {self.earned():g} / {self.points:g}"))
        if self.context is None:
            lines.append(
                "  "
                + bilingual(
                    "(자가 점검 결과입니다. 채점할 때는 숨은 검사가 더해집니다.)",
                    "(this is a self-check; grading adds hidden checks)",
                )
            )
        return "\n".join(lines)

    def score(self):
        """Print the report and return the points earned (nbgrader reads them as partial credit)."""
        print(self.report())
        if self.context is not None:
            self.context.record(self)
        return self.earned()


# -- judging a result ----------------------------------------------------------------


def _judge(expected, outcome, hidden, rtol, atol, check_dtype):
    """(passed, explanation lines) for a student's outcome against the expected one."""
    if expected.raised:
        if outcome.raised and outcome.error["type"] == "NotImplementedError":
            return False, _raised_lines(outcome.error, hidden)  # a stub does not reject bad input
        if outcome.raised and expected.error["type"] in outcome.error["bases"]:
            return True, []
        wanted = expected.error["type"]
        if outcome.raised:
            return False, [bilingual(f"{wanted}를 일으켜야 하는데 {outcome.error['type']}가 났습니다", f"should raise {wanted}, raised {outcome.error['type']}")]
        return False, [bilingual(f"잘못된 입력인데 {wanted}를 일으키지 않았습니다", f"bad input, but no {wanted} was raised")]
    if outcome.raised:
        return False, _raised_lines(outcome.error, hidden)
    problem = _difference(expected.value, outcome.value, rtol, atol, check_dtype, hidden)
    return problem is None, problem or []


def _raised_lines(error, hidden):
    if error["type"] == "NotImplementedError":
        return [bilingual("아직 구현하지 않았습니다 (NotImplementedError)", "not implemented yet (NotImplementedError)")]
    message = plain(error["message"])
    lines = [bilingual(f"예외 발생: {error['type']}: {message}", f"raised {error['type']}: {message}")]
    if not hidden and error.get("traceback"):
        lines += [plain(line) for line in error["traceback"].rstrip().splitlines()[-6:]]
    return lines


def _difference(expected, got, rtol, atol, check_dtype, hidden, where=""):
    """None if `got` matches `expected`, else explanation lines."""
    if isinstance(got, dict) and set(got) == {"__opaque__"}:
        return [bilingual(f"{where}반환값을 검사할 수 없습니다: {got['__opaque__']}", f"{where}the returned value cannot be checked: {got['__opaque__']}")]
    if isinstance(expected, (tuple, list)):
        if not isinstance(got, (tuple, list)) or len(got) != len(expected):
            return [bilingual(f"{where}{len(expected)}개짜리 {type(expected).__name__}를 돌려줘야 합니다", f"{where}should return a {type(expected).__name__} of {len(expected)}") + f": {show(got) if not hidden else type(got).__name__}"]
        for i, (e, g) in enumerate(zip(expected, got)):
            problem = _difference(e, g, rtol, atol, check_dtype, hidden, f"{where}[{i}] ")
            if problem:
                return problem
        return None
    if isinstance(expected, dict):
        if not isinstance(got, dict) or set(got) != set(expected):
            return [bilingual(f"{where}키가 다릅니다", f"{where}different keys") + f": {sorted(map(str, expected))} vs {sorted(map(str, got)) if isinstance(got, dict) else type(got).__name__}"]
        for key in expected:
            problem = _difference(expected[key], got[key], rtol, atol, check_dtype, hidden, f"{where}[{key!r}] ")
            if problem:
                return problem
        return None
    if isinstance(expected, (str, bool, type(None))):
        if got == expected and type(got) is type(expected):
            return None
        return [bilingual(f"{where}기대값", f"{where}expected") + f": {expected!r}", bilingual("결과", "got") + f": {show(got) if not hidden else type(got).__name__}"]
    return _numeric_difference(expected, got, rtol, atol, check_dtype, hidden, where)


def _numeric_difference(expected, got, rtol, atol, check_dtype, hidden, where):
    expected = np.asarray(expected)
    try:
        got_array = np.asarray(got)
        if got_array.dtype.kind not in "biuf":
            raise TypeError
    except (TypeError, ValueError):
        return [bilingual(f"{where}숫자 배열이 아닙니다", f"{where}not a numeric array") + f": {type(got).__name__}"]
    if got_array.shape != expected.shape:
        return [
            bilingual(
                f"{where}모양이 다릅니다: 기대 {expected.shape}, 결과 {got_array.shape}",
                f"{where}wrong shape: expected {expected.shape}, got {got_array.shape}",
            )
        ]
    if check_dtype and got_array.dtype != expected.dtype:
        return [
            bilingual(
                f"{where}dtype이 다릅니다: 기대 {expected.dtype}, 결과 {got_array.dtype}",
                f"{where}wrong dtype: expected {expected.dtype}, got {got_array.dtype}",
            )
        ]
    if expected.dtype.kind == "b" or got_array.dtype.kind == "b":
        same = np.array_equal(expected, got_array)
    else:
        same = np.allclose(got_array.astype(np.float64), expected.astype(np.float64), rtol=rtol, atol=atol, equal_nan=True)
    if same:
        return None
    if hidden:
        index, e, g = worst_element(expected, got_array)
        if not index:
            return [bilingual(f"{where}값이 다릅니다: 기대 {e:.7g}, 결과 {g:.7g}", f"{where}wrong value: expected {e:.7g}, got {g:.7g}")]
        at = f"[{', '.join(map(str, index))}]"
        return [bilingual(f"{where}값이 다릅니다. 가장 큰 차이는 원소 {at}에서: 기대 {e:.7g}, 결과 {g:.7g}", f"{where}wrong values; the largest difference is at element {at}: expected {e:.7g}, got {g:.7g}")]
    return [bilingual(f"{where}기대값", f"{where}expected") + f": {show(expected)}", bilingual("결과", "got") + f":      {show(got_array)}"]


def _local_error(error):
    return {"type": type(error).__name__, "bases": [c.__name__ for c in type(error).__mro__], "message": str(error)[:1000], "traceback": ""}


class _no_warnings:
    """Keep warnings (and NumPy's floating-point complaints) out of a test cell's stderr.

    Stock nbgrader gives 0 to a test cell with any stderr output; a warning
    from a correct answer or from the reference must not cost points.
    """

    def __enter__(self):
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("ignore")
        self._errstate = np.errstate(all="ignore")
        self._errstate.__enter__()

    def __exit__(self, *exc):
        self._errstate.__exit__(*exc)
        self._warnings.__exit__(*exc)
        return False


# -- a time limit for self-checks (the sandbox has its own) ----------------------------


class _Timeout(BaseException):
    """Raised inside the student's code when a self-check runs out of time."""


class _time_limit:
    def __init__(self, seconds):
        self.seconds = seconds
        self.usable = threading.current_thread() is threading.main_thread() and hasattr(signal, "SIGALRM")

    def __enter__(self):
        if self.usable:
            self.previous = signal.signal(signal.SIGALRM, self._expire)
            signal.setitimer(signal.ITIMER_REAL, self.seconds)

    def _expire(self, signum, frame):
        raise _Timeout()

    def __exit__(self, *exc):
        if self.usable:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)
        return False

