"""Korean-only or English-only copies of the lessons, with and without solutions.

    python -m course_grader.languages ko     # make notebooks-ko
    python -m course_grader.languages en     # make notebooks-en

writes

    build/notebooks-<lang>/<id>/<id>.ipynb   lessons with solutions (from notebooks/)
    build/release-<lang>/<id>/<id>.ipynb     student versions (from autograder/release/)

Only the other language's prose cells are dropped; code cells and every
cell's nbgrader metadata stay as they are, so a filled-in language copy is
graded by `make autograde` exactly like the bilingual student version.
"""

import copy
import os
import sys

import nbformat

from .notebook_checks import EN, KO, lang, lesson_notebooks
from .paths import COURSE_ROOT, shown

BUILD = os.path.join(os.path.dirname(COURSE_ROOT), "build")  # next to autograder/: the repository's build/


def only_language(nb, language):
    """A copy of `nb` without the prose cells of the other language."""
    drop = EN if language == "ko" else KO
    result = copy.deepcopy(nb)
    result.cells = [cell for cell in result.cells if not (cell.cell_type == "markdown" and lang(cell) == drop)]
    return result


def write_copies(language):
    if language not in ("ko", "en"):
        raise SystemExit("usage: python -m course_grader.languages ko|en")
    written = []
    for path in lesson_notebooks():
        lesson = os.path.basename(os.path.dirname(path))
        sources = {f"notebooks-{language}": path}
        release = os.path.join(COURSE_ROOT, "release", lesson, f"{lesson}.ipynb")
        if not os.path.exists(release):
            from .cli import release as make_release

            make_release([lesson])
        sources[f"release-{language}"] = release
        for kind, source in sources.items():
            target = os.path.join(BUILD, kind, lesson, f"{lesson}.ipynb")
            os.makedirs(os.path.dirname(target), exist_ok=True)
            nbformat.write(only_language(nbformat.read(source, as_version=4), language), target)
            written.append(target)
    for target in written:
        print(shown(target))
    return written


if __name__ == "__main__":
    write_copies(sys.argv[1] if len(sys.argv) > 1 else "")
