"""Scratch copies of the nbgrader course, and submissions built from a lesson's own notebooks.

Tests never touch the real `autograder/` gradebook: each gets a course
directory in a temporary folder (its `nbgrader_config.py` is the real one,
its `notebooks/` holds links to the real lessons) and points the grader at it
with `COURSE_GRADER_ROOT`.
"""

import copy
import csv
import os
import shutil
import subprocess
import sys

import nbformat

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
VENV_BIN = os.path.dirname(sys.executable)


def make_course(root, lessons):
    """A course at `root` with the given lessons; returns the environment to grade it with."""
    os.makedirs(os.path.join(root, "autograder"), exist_ok=True)
    shutil.copy(os.path.join(REPO, "autograder", "nbgrader_config.py"), os.path.join(root, "autograder"))
    for lesson in lessons:
        target = os.path.join(root, "notebooks", lesson)
        os.makedirs(target, exist_ok=True)
        shutil.copy(os.path.join(REPO, "notebooks", lesson, f"{lesson}.ipynb"), target)
    env = dict(os.environ)
    env["COURSE_GRADER_ROOT"] = os.path.join(root, "autograder")
    env["PATH"] = VENV_BIN + os.pathsep + env.get("PATH", "")
    return env


def _run(args, env, timeout):
    result = subprocess.run(args, env=env, cwd=REPO, capture_output=True, text=True, timeout=timeout)
    if result.returncode != 0:
        raise AssertionError(f"{' '.join(args)} exited with {result.returncode}\n{result.stdout[-4000:]}\n{result.stderr[-8000:]}")
    return result


def grader(env, *args, timeout=900):
    """Run `python -m course_grader <args>` against the scratch course."""
    return _run([sys.executable, "-m", "course_grader", *args], env, timeout)


def make(env, target, **variables):
    """Run a Makefile target (as the README says) against the scratch course."""
    return _run(["make", "-s", "-C", REPO, target] + [f"{k}={v}" for k, v in variables.items()], env, 1800)


def course_path(env, *parts):
    return os.path.join(env["COURSE_GRADER_ROOT"], *parts)


def read_notebook(path):
    return nbformat.read(path, as_version=4)


def grade_id(cell):
    return cell.get("metadata", {}).get("nbgrader", {}).get("grade_id")


def answer_cells(nb):
    return {
        grade_id(c): c
        for c in nb.cells
        if c.cell_type == "code" and c.get("metadata", {}).get("nbgrader", {}).get("solution")
    }


def graded_test_cells(nb):
    meta = lambda c: c.get("metadata", {}).get("nbgrader", {})  # noqa: E731
    return {grade_id(c): c for c in nb.cells if c.cell_type == "code" and meta(c).get("grade") and not meta(c).get("solution")}


def without_solution_markers(source):
    return "\n".join(line for line in source.splitlines() if "### BEGIN SOLUTION" not in line and "### END SOLUTION" not in line)


def solutions(lesson_source):
    """`{answer grade_id: the instructor's answer, as a student would type it}`."""
    return {gid: without_solution_markers(cell.source) for gid, cell in answer_cells(lesson_source).items()}


def fill(release, answers):
    """A copy of a student version with some answer cells replaced by `answers[grade_id]`."""
    nb = copy.deepcopy(release)
    for gid, cell in answer_cells(nb).items():
        if gid in answers:
            cell.source = answers[gid]
    return nb


def submit(env, student, lesson, nb):
    path = course_path(env, "submitted", student, lesson, f"{lesson}.ipynb")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    nbformat.write(nb, path)
    return path


def read_grades(env):
    """`{(assignment, student): (score, max_score)}` from the exported CSV."""
    with open(course_path(env, "exports", "grades.csv"), newline="", encoding="utf-8") as handle:
        return {(r["assignment"], r["student_id"]): (float(r["score"]), float(r["max_score"])) for r in csv.DictReader(handle)}


def points_by_exercise(lesson_source):
    """`{answer grade_id: points}`, from `Exercise("<id>", points=...)` in each test cell."""
    from course_grader.notebook_checks import EXERCISE_CALL

    result = {}
    for cell in graded_test_cells(lesson_source).values():
        match = EXERCISE_CALL.search(cell.source)
        result[match.group(1)] = float(cell.metadata.nbgrader["points"])
    return result


MARKERS = (("### BEGIN SOLUTION", "### END SOLUTION"), ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"))


def _split_secret(source):
    """(public text, secret lines) of one cell: secret = inside solution or hidden-test markers."""
    public, secret, inside = [], [], None
    for line in source.splitlines():
        stripped = line.strip()
        begins = [end for begin, end in MARKERS if stripped == begin]
        if inside is None and begins:
            inside = begins[0]
        elif inside is not None and stripped == inside:
            inside = None
        elif inside is None:
            public.append(line)
        else:
            secret.append(stripped)
    return "\n".join(public), secret


def leaked_lines(source, released_text, min_length=12):
    """Solution and hidden-test lines of `source` found in `released_text`.

    A line that the lesson also shows in the open (the lecture writes
    `import tensorflow as tf` too) is not a leak.
    """
    public, secret = [], []
    for cell in source.cells:
        cell_public, cell_secret = _split_secret(cell.source)
        public.append(cell_public)
        secret += cell_secret
    public_text = "\n".join(public)
    return [line for line in secret if len(line) > min_length and line in released_text and line not in public_text]
