"""Where the course lives. `COURSE_GRADER_ROOT` points the grader at another course directory (tests use a copy)."""

import os

REPO_ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
COURSE_ROOT = os.path.abspath(os.environ.get("COURSE_GRADER_ROOT", os.path.join(REPO_ROOT, "autograder")))
#: The lesson notebooks are the assignments' sources (`source_directory = ../notebooks`).
NOTEBOOKS = os.path.normpath(os.path.join(COURSE_ROOT, "..", "notebooks"))
EXPORT_PATH = os.path.join(COURSE_ROOT, "exports", "grades.csv")

#: What a submission may not read: the reference, the grader, the lessons with their solutions, the tests.
UNREADABLE_ROOTS = tuple(
    dict.fromkeys(
        [os.path.join(REPO_ROOT, d) for d in ("course_lib", "autograder", "notebooks", "tests")]
        + [COURSE_ROOT, NOTEBOOKS]
    )
)
