"""nbgrader preprocessors: grade test cells in the trusted process, hide hidden tests in feedback.

`GradeInSandbox` takes the place of nbgrader's `Execute` in `autograde`.
Instead of running the whole submission in one Jupyter kernel (where the
submission could change the very code that checks it), it:

1. collects the student's answer cells (`solution` cells) by `grade_id`;
2. binds every name the *instructor's* solution cell defines to a
   `StudentObject`, so test code refers to the student's function by name;
3. runs each test cell's original source (nbgrader has already restored
   it from the gradebook) in this trusted process, where each call into
   the student's code goes to a sandboxed child (`course_grader.sandbox`);
4. writes the report as the cell's stdout and the points as its result,
   which nbgrader's `SaveAutoGrades` reads as partial credit.

Nothing the student writes outside answer cells runs at all, and nothing
the student's code prints reaches the cell's stderr, so warnings or
TensorFlow's log lines never cost points.
"""

import ast
import contextlib
import io
import traceback

from nbformat.v4 import new_output
from nbgrader import utils
from nbgrader.api import Gradebook, MissingEntry
from nbgrader.preprocessors import NbGraderPreprocessor

from .context import GradingContext, activated
from .exercise import StudentObject
from .paths import UNREADABLE_ROOTS
from .sandbox.client import ZygotePool


_pool = None


def zygote_pool():
    """This process's zygotes (one per runtime), shared by every notebook it grades."""
    global _pool
    if _pool is None:
        _pool = ZygotePool()
    return _pool


def defined_names(source):
    """Top-level names a cell defines (functions, classes, assignments, imports)."""
    try:
        tree = ast.parse(source)
    except SyntaxError:
        return set()
    names = set()
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            names |= {t.id for t in targets if isinstance(t, ast.Name)}
    return names


def run_cell_source(source, namespace, filename):
    """Execute like IPython: return (stdout text, value of a final expression or None)."""
    tree = ast.parse(source, filename)
    last = tree.body.pop() if tree.body and isinstance(tree.body[-1], ast.Expr) else None
    out = io.StringIO()
    value = None
    with contextlib.redirect_stdout(out):
        exec(compile(tree, filename, "exec"), namespace)
        if last is not None:
            value = eval(compile(ast.Expression(last.value), filename, "eval"), namespace)
    return out.getvalue(), value


class GradeInSandbox(NbGraderPreprocessor):
    """Grade every test cell of a submission with the sandboxed runner (replaces `Execute`)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        instructor_names = self._instructor_names(info)
        answers = {
            cell.metadata.nbgrader["grade_id"]: cell.source
            for cell in nb.cells
            if utils.is_solution(cell) and cell.cell_type == "code"
        }
        namespace = {"__name__": "__grader__"}
        for cell_id, names in instructor_names.items():
            namespace.update({name: StudentObject(cell_id, name) for name in names})
        grading = GradingContext(answers, zygote_pool(), UNREADABLE_ROOTS)
        try:
            with activated(grading):
                for index, cell in enumerate(nb.cells):
                    if utils.is_grade(cell) and not utils.is_solution(cell) and cell.cell_type == "code":
                        self._grade_cell(cell, index, namespace)
        finally:
            grading.close()
        return nb, resources

    def _instructor_names(self, info):
        """`{answer cell id: names its instructor solution defines}`, from the gradebook."""
        names = {}
        with Gradebook(info["db_url"], info.get("course_id", "")) as gb:
            try:
                notebook = gb.find_notebook(info["notebook"], info["assignment"])
            except MissingEntry:
                return names
            for source_cell in notebook.source_cells:
                if source_cell.cell_type == "code":
                    names[source_cell.name] = defined_names(source_cell.source)
        return names

    def _grade_cell(self, cell, index, namespace):
        grade_id = cell.metadata.nbgrader.get("grade_id", f"cell-{index}")
        try:
            text, value = run_cell_source(cell.source, namespace, f"<test cell {grade_id}>")
        except Exception as error:  # noqa: BLE001 -- a broken test cell must not stop the run
            self.log.error("Test cell %s failed to run: %s", grade_id, traceback.format_exc())
            cell.outputs = [
                new_output(
                    "error",
                    ename=type(error).__name__,
                    evalue=f"채점 코드 오류 — 강사에게 알려 주세요 / grading code error, please tell your lecturer: {error}",
                    traceback=[],
                )
            ]
            return
        outputs = []
        if text:
            outputs.append(new_output("stream", name="stdout", text=text))
        if value is not None:
            outputs.append(new_output("execute_result", data={"text/plain": repr(value)}, execution_count=index))
        cell.outputs = outputs


class HideHiddenTests(NbGraderPreprocessor):
    """Feedback: replace the hidden-test block of each test cell by a note (the results stay)."""

    begin = "### BEGIN HIDDEN TESTS"
    end = "### END HIDDEN TESTS"

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "code" and self.begin in cell.source:
            kept, hiding = [], False
            for line in cell.source.splitlines():
                if line.strip() == self.begin:
                    hiding = True
                    kept.append("# (숨은 검사 — 코드는 공개하지 않습니다 / hidden checks — code not shown)")
                elif line.strip() == self.end:
                    hiding = False
                elif not hiding:
                    kept.append(line)
            cell.source = "\n".join(kept)
        return cell, resources


class FeedbackSummary(NbGraderPreprocessor):
    """Feedback: a bilingual table of the points per exercise, as the notebook's first cell."""

    def preprocess(self, nb, resources):
        from nbformat.v4 import new_markdown_cell

        rows, total, maximum = [], 0.0, 0.0
        for cell in nb.cells:
            if not (utils.is_grade(cell) and not utils.is_solution(cell)):
                continue
            points = float(cell.metadata.nbgrader.get("points", 0))
            earned, _ = utils.determine_grade(cell, self.log)
            earned = 0.0 if earned is None else float(earned)
            rows.append(f"| `{cell.metadata.nbgrader['grade_id']}` | {earned:g} | {points:g} |")
            total, maximum = total + earned, maximum + points
        if rows:
            table = "\n".join(
                [
                    "## 채점 결과 / Grading results",
                    "",
                    "| 연습 / exercise | 점수 / points | 만점 / out of |",
                    "|---|---|---|",
                    *rows,
                    f"| **합계 / total** | **{total:g}** | **{maximum:g}** |",
                    "",
                    "각 검사 셀 아래에 무엇이 틀렸는지 적혀 있습니다. 숨은 검사는 입력의 모양만 보여 줍니다. / "
                    "Under each test cell you will find what went wrong. Hidden checks show only the shape of their inputs.",
                ]
            )
            nb.cells.insert(0, new_markdown_cell(table))
        return nb, resources
