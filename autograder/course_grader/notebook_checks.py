"""Structural checks of lesson notebooks: language pairs and nbgrader exercises.

    python -m course_grader.notebook_checks [notebook ...]   # default: every lesson

Language pairs: every markdown cell is tagged `lang-ko` or `lang-en`; each
Korean cell is immediately followed by its English counterpart; Korean
cells contain Hangul and English cells contain none outside code.

Exercises: grade ids are unique; each answer cell has solution markers;
each test cell is locked, has points, constructs
`Exercise("<its answer cell's grade_id>", points=<the same points>)` and
ends with `ex.score()`; hidden-test markers are balanced; a lesson has at
least three exercises. Stored outputs hold no errors and no stderr.
"""

import glob
import os
import re
import sys

import nbformat

from .paths import NOTEBOOKS

KO, EN = "lang-ko", "lang-en"
HANGUL = re.compile(r"[\uac00-\ud7a3\u3131-\u318e]")
CODE_OR_MATH = re.compile(r"```.*?```|`[^`]*`|\$\$.*?\$\$|\$[^$]*\$", re.S)
EXERCISE_CALL = re.compile(r"""Exercise\(\s*["']([^"']+)["']\s*,\s*points\s*=\s*([0-9.]+)""")
MIN_EXERCISES = 3


def lang(cell):
    tags = set(cell.get("metadata", {}).get("tags", []))
    found = tags & {KO, EN}
    return found.pop() if len(found) == 1 else ("both" if found else None)


def nbgrader_meta(cell):
    return cell.get("metadata", {}).get("nbgrader", {})


def is_answer(cell):
    meta = nbgrader_meta(cell)
    return meta.get("solution", False) and cell.cell_type == "code"


def is_test(cell):
    meta = nbgrader_meta(cell)
    return meta.get("grade", False) and not meta.get("solution", False) and cell.cell_type == "code"


def check_languages(nb):
    problems = []
    cells = nb.cells
    for index, cell in enumerate(cells):
        if cell.cell_type != "markdown":
            continue
        where = f"cell {index}"
        tag = lang(cell)
        prose = CODE_OR_MATH.sub("", cell.source)
        if tag is None:
            problems.append(f"{where}: markdown cell without a `{KO}` or `{EN}` tag")
        elif tag == "both":
            problems.append(f"{where}: tagged both `{KO}` and `{EN}`")
        elif tag == KO:
            if not HANGUL.search(prose):
                problems.append(f"{where}: tagged {KO} but has no Korean text")
            following = cells[index + 1] if index + 1 < len(cells) else None
            if following is None or following.cell_type != "markdown" or lang(following) != EN:
                problems.append(f"{where}: Korean cell not followed by its English counterpart")
        elif tag == EN:
            if HANGUL.search(prose):
                problems.append(f"{where}: tagged {EN} but contains Korean outside code: {HANGUL.search(prose).group()!r}")
            previous = cells[index - 1] if index > 0 else None
            if previous is None or previous.cell_type != "markdown" or lang(previous) != KO:
                problems.append(f"{where}: English cell not preceded by its Korean counterpart")
    return problems


def check_exercises(nb, minimum=MIN_EXERCISES):
    problems = []
    ids = [nbgrader_meta(c).get("grade_id") for c in nb.cells if nbgrader_meta(c)]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        problems.append(f"duplicate grade ids: {sorted(duplicates)}")
    answers = {nbgrader_meta(c)["grade_id"]: c for c in nb.cells if is_answer(c)}
    for grade_id, cell in answers.items():
        if "### BEGIN SOLUTION" not in cell.source or "### END SOLUTION" not in cell.source:
            problems.append(f"answer cell {grade_id}: no ### BEGIN/END SOLUTION markers")
    tests = [c for c in nb.cells if is_test(c)]
    for cell in tests:
        meta = nbgrader_meta(cell)
        grade_id = meta.get("grade_id")
        if not meta.get("locked"):
            problems.append(f"test cell {grade_id}: not locked")
        points = meta.get("points")
        if not points or points <= 0:
            problems.append(f"test cell {grade_id}: no points")
        match = EXERCISE_CALL.search(cell.source)
        if not match:
            problems.append(f"test cell {grade_id}: no Exercise(\"<answer id>\", points=...) call")
        else:
            if match.group(1) not in answers:
                problems.append(f"test cell {grade_id}: Exercise id {match.group(1)!r} is not an answer cell's grade_id")
            if points and float(match.group(2)) != float(points):
                problems.append(f"test cell {grade_id}: Exercise points {match.group(2)} != cell points {points}")
        lines = [line for line in cell.source.strip().splitlines() if line.strip()]
        if not lines or not re.fullmatch(r"\w+\.score\(\)", lines[-1].strip()):
            problems.append(f"test cell {grade_id}: must end with `ex.score()`")
        if cell.source.count("### BEGIN HIDDEN TESTS") != cell.source.count("### END HIDDEN TESTS"):
            problems.append(f"test cell {grade_id}: unbalanced hidden-test markers")
    if len(tests) < minimum:
        problems.append(f"only {len(tests)} exercises (test cells); a lesson needs at least {minimum}")
    return problems


def check_outputs(nb):
    problems = []
    for index, cell in enumerate(nb.cells):
        if cell.cell_type != "code":
            continue
        if cell.source.strip() and cell.get("execution_count") is None:
            problems.append(f"cell {index}: never executed (outputs not stored)")
        for output in cell.get("outputs", []):
            if output.get("output_type") == "error":
                problems.append(f"cell {index}: stored error {output.get('ename')}: {output.get('evalue', '')[:80]}")
            if output.get("output_type") == "stream" and output.get("name") == "stderr":
                problems.append(f"cell {index}: stderr output: {output.get('text', '')[:80]!r}")
    return problems


def check_notebook(path, outputs=True):
    nb = nbformat.read(path, as_version=4)
    problems = check_languages(nb) + check_exercises(nb)
    if outputs:
        problems += check_outputs(nb)
    return problems


def lesson_notebooks():
    return sorted(
        path
        for path in glob.glob(os.path.join(NOTEBOOKS, "*", "*.ipynb"))
        if os.path.basename(os.path.dirname(path)) + ".ipynb" == os.path.basename(path)
    )


def main(argv=None):
    paths = (argv if argv is not None else sys.argv[1:]) or lesson_notebooks()
    failed = False
    for path in paths:
        problems = check_notebook(path)
        print(f"{'ok  ' if not problems else 'FAIL'} {path}")
        for problem in problems:
            print(f"     - {problem}")
        failed |= bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
