"""Where the course lives. `COURSE_GRADER_ROOT` points the grader at another course directory (tests use a copy)."""

import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COURSE_ROOT = os.path.abspath(os.environ.get("COURSE_GRADER_ROOT", os.path.join(REPO_ROOT, "autograder")))
#: The lesson notebooks are the assignments' sources (`source_directory = ../notebooks`).
NOTEBOOKS = os.path.normpath(os.path.join(COURSE_ROOT, "..", "notebooks"))
EXPORT_PATH = os.path.join(COURSE_ROOT, "exports", "grades.csv")

#: What a submission may not read: the whole repository (the reference, the grader, the lessons with
#: their solutions, the tests, `.git` with every past solution, build outputs) and the course directory.
#: The Python installation stays readable even when it lives inside the repository (`.venv/`).
UNREADABLE_ROOTS = tuple(dict.fromkeys([REPO_ROOT, COURSE_ROOT, NOTEBOOKS]))


def shown(path):
    """`path` as a person would type it from the repository root (absolute when it lies outside)."""
    relative = os.path.relpath(path, REPO_ROOT)
    return path if relative.startswith(os.pardir) else relative
