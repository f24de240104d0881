"""Every lesson: language pairs and exercises, its student version, and grading of its own solutions.

nbval (run by `make test` on `notebooks/`) checks the lessons' stored
outputs; these tests check what nbval cannot: the structure of the
notebook, that the student version runs top to bottom in a fresh kernel
with nothing but the stubs unanswered, that it leaks no solution or hidden
test, and that the lesson's own solutions earn full marks through
`course_grader autograde` -- also from the Korean-only and English-only
copies -- while the untouched stubs earn nothing.
"""

import os

import nbformat
import pytest
from course_copies import (
    course_path,
    fill,
    grader,
    leaked_lines,
    make,
    make_course,
    read_grades,
    read_notebook,
    solutions,
    submit,
)
from nbclient import NotebookClient

from course_grader.languages import only_language
from course_grader.notebook_checks import EN, KO, check_notebook, lang, lesson_notebooks

LESSONS = [os.path.basename(os.path.dirname(path)) for path in lesson_notebooks()]
REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def source_path(lesson):
    return os.path.join(REPO, "notebooks", lesson, f"{lesson}.ipynb")


def test_there_are_thirteen_lessons():
    assert len(LESSONS) == 13, LESSONS


class LessonChecks:
    """The checks of one lesson. One subclass per lesson (below), so that `pytest -n --dist loadscope`
    spreads the lessons over the workers while each lesson's checks stay together."""

    lesson = None

    def test_language_pairs_exercises_and_outputs(self):
        assert check_notebook(source_path(self.lesson)) == []

    @pytest.mark.slow
    def test_student_version_runs_and_the_solutions_earn_full_marks(self, tmp_path):
        lesson = self.lesson
        env = make_course(str(tmp_path / "course"), [lesson])
        grader(env, "release", "--assignment", lesson)
        release_path = course_path(env, "release", lesson, f"{lesson}.ipynb")
        with open(release_path, encoding="utf-8") as handle:
            released = handle.read()
        source = read_notebook(source_path(lesson))
        assert "BEGIN SOLUTION" not in released and "BEGIN HIDDEN TESTS" not in released
        assert leaked_lines(source, released) == []

        release = read_notebook(release_path)
        executed = nbformat.from_dict(nbformat.reads(released, as_version=4))
        NotebookClient(executed, timeout=120, kernel_name="python3", resources={"metadata": {"path": str(tmp_path)}}).execute()
        errors = [
            f"{o.get('ename')}: {o.get('evalue')}"
            for cell in executed.cells
            for o in cell.get("outputs", [])
            if o.output_type == "error"
        ]
        assert errors == [], f"the student version of {lesson} stopped with errors"

        answers = solutions(source)
        submit(env, "solutions", lesson, fill(release, answers))
        submit(env, "stubs", lesson, release)
        submit(env, "korean", lesson, fill(only_language(release, "ko"), answers))
        submit(env, "english", lesson, fill(only_language(release, "en"), answers))
        grader(env, "autograde", "--assignment", lesson, "--jobs", "1")
        grades = read_grades(env)
        maximum = grades[(lesson, "solutions")][1]
        assert maximum > 0
        assert grades[(lesson, "solutions")][0] == maximum
        assert grades[(lesson, "korean")][0] == maximum
        assert grades[(lesson, "english")][0] == maximum
        assert grades[(lesson, "stubs")][0] == 0


for _lesson in LESSONS:
    globals()[f"TestLesson_{_lesson}"] = type(f"TestLesson_{_lesson}", (LessonChecks,), {"lesson": _lesson})


@pytest.mark.slow
def test_make_language_copies(tmp_path):
    lessons = LESSONS[:2]
    env = make_course(str(tmp_path / "course"), lessons)
    make(env, "notebooks-ko")
    make(env, "notebooks-en")
    build = os.path.join(str(tmp_path / "course"), "build")
    for lesson in lessons:
        source = read_notebook(source_path(lesson))
        release = read_notebook(course_path(env, "release", lesson, f"{lesson}.ipynb"))
        for language, dropped in (("ko", EN), ("en", KO)):
            for kind, original in (("notebooks", source), ("release", release)):
                copy = read_notebook(os.path.join(build, f"{kind}-{language}", lesson, f"{lesson}.ipynb"))
                assert not [c for c in copy.cells if c.cell_type == "markdown" and lang(c) == dropped]
                kept = [c for c in original.cells if not (c.cell_type == "markdown" and lang(c) == dropped)]
                assert [c.source for c in copy.cells] == [c.source for c in kept]
                assert [c.metadata.get("nbgrader") for c in copy.cells] == [c.metadata.get("nbgrader") for c in kept]
