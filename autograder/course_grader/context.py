"""Which mode the checks run in: a student's self-check, or a trusted grading run."""

import contextlib
import sys
import types

from .sandbox.client import Session, SessionBroken

_current = None


def current():
    """The active `GradingContext`, or None in a student's kernel (self-check mode)."""
    return _current


@contextlib.contextmanager
def activated(grading_context):
    global _current
    previous, _current = _current, grading_context
    try:
        yield grading_context
    finally:
        _current = previous


def student_namespace():
    """Self-check mode: the student's notebook variables, as attributes."""
    try:
        from IPython import get_ipython

        shell = get_ipython()
    except ImportError:
        shell = None
    namespace = shell.user_ns if shell is not None else vars(sys.modules["__main__"])
    return types.SimpleNamespace(**{k: v for k, v in namespace.items() if not k.startswith("_")})


class GradingContext:
    """One submission notebook being graded: its answer cells and their sandboxes.

    Args:
        answers: `{answer cell grade_id: the student's source}`.
        pool: the worker's `ZygotePool`.
        unreadable_roots: directories the submission may not read (the course's own files).
    """

    def __init__(self, answers, pool, unreadable_roots=()):
        self.answers = answers
        self.pool = pool
        self.unreadable_roots = tuple(unreadable_roots)
        self.sessions = {}
        self.exercises = []

    def session(self, exercise, cell_id):
        key = (exercise.id, cell_id)
        session = self.sessions.get(key)
        if session is None:
            if cell_id not in self.answers:
                raise SessionBroken(
                    f"답안 셀 {cell_id}이(가) 제출물에 없습니다",
                    f"the answer cell {cell_id} is missing from the submission",
                )
            policy = exercise.policy
            policy.unreadable_roots = self.unreadable_roots
            session = self.sessions[key] = Session(self.pool, policy, self.answers[cell_id], cell_id)
            if session.cell_error is not None:
                error = session.cell_error
                session.close()
                broken = SessionBroken(
                    f"답안 셀을 실행하다 오류가 났습니다: {error['type']}: {error['message']}",
                    f"your answer cell raised {error['type']}: {error['message']}",
                )
                session.broken = broken
                raise broken
        if session.broken:
            raise session.broken
        return session

    def record(self, exercise):
        self.exercises.append(exercise)

    def close(self):
        for session in self.sessions.values():
            if session.sock is not None:
                session.close()
        self.sessions.clear()
