"""The course in JupyterLab, used the way a person uses it: run a lesson, self-check an exercise, open the Formgrader.

The server runs on a scratch copy of the course (JupyterLab autosaves what it runs), started from its
`autograder/` folder with the whole copy as root, as `make lab` does.
"""

import json
import re
import time

import pytest
from playwright.sync_api import expect
from browser_session import HANGUL, JupyterLab, screenshot
from course_copies import grader, make_course

pytestmark = pytest.mark.slow

LESSON = "05_cross_entropy"
EXERCISE = "ex05_1_to_categorical"

WRONG_ANSWER = '''import numpy as np


def to_categorical(y, num_classes=None):
    """Wrong on purpose: one column, whatever the labels."""
    return np.zeros((len(y), 1))
'''

RIGHT_ANSWER = '''import numpy as np


def to_categorical(y, num_classes=None):
    """One-hot encode integer class ids into a float64 array."""
    ids = np.asarray(y)
    shape = ids.shape[:-1] if ids.ndim >= 2 and ids.shape[-1] == 1 else ids.shape
    flat = ids.reshape(-1).astype(np.int64)
    if num_classes is None:
        num_classes = int(flat.max()) + 1
    if flat.size and (flat.min() < 0 or flat.max() >= num_classes):
        raise ValueError(f"labels must lie in [0, {num_classes})")
    out = np.zeros((flat.size, num_classes))
    out[np.arange(flat.size), flat] = 1.0
    return out.reshape(shape + (num_classes,))
'''

# The notebook open in the main area, as nbformat JSON, with its kernel's state.
CURRENT_NOTEBOOK_JS = """() => {
    const widget = window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    if (!widget || !widget.context || !kernel) { return null; }
    return {path: widget.context.path, status: kernel.status, notebook: widget.context.model.toJSON()};
}"""

SELECT_CELL_JS = """async (index) => {
    const notebook = window.jupyterapp.shell.currentWidget.content;
    notebook.activeCellIndex = index;
    await notebook.scrollToItem(index, "center");
}"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory):
    root = tmp_path_factory.mktemp("lab")
    env = make_course(str(root / "course"), [LESSON])
    grader(env, "release", "--assignment", LESSON)
    server = JupyterLab(root=str(root / "course"), cwd=str(root / "course" / "autograder"), home=str(root / "home"))
    yield server
    server.stop()


def notebook_state(page):
    return page.evaluate(CURRENT_NOTEBOOK_JS)


def open_notebook(page, lab, path):
    page.goto(lab.url(f"/lab/tree/{path}"))
    page.wait_for_selector(".jp-Notebook .jp-Cell")
    wait_until(page, lambda s: s and s["path"] == path and s["status"] == "idle", "the kernel to start", 90)


def wait_until(page, ready, what, timeout):
    deadline = time.monotonic() + timeout
    state = None
    while time.monotonic() < deadline:
        state = notebook_state(page)
        if ready(state):
            return state
        page.wait_for_timeout(500)
    raise AssertionError(f"timed out after {timeout} s waiting for {what}")


def code_cells(notebook):
    return [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]


def errors_in(notebook):
    """Every error output and stderr stream, with the cell it came from."""
    found = []
    for index, cell in enumerate(notebook["cells"]):
        for output in cell.get("outputs", []):
            if output["output_type"] == "error" or (output["output_type"] == "stream" and output["name"] == "stderr"):
                found.append((index, output.get("ename") or "".join(output.get("text", ""))[:300]))
    return found


def menu(page, *labels):
    """Click through the menu bar: menu(page, "Run", "Run All Cells")."""
    page.locator(".lm-MenuBar-itemLabel", has_text=re.compile(f"^{re.escape(labels[0])}$")).click()
    for label in labels[1:]:
        page.locator(".lm-Menu-itemLabel", has_text=re.compile(f"^{re.escape(label)}$")).first.click()


def test_lesson_runs_all_cells_without_error_and_shows_korean_and_a_plot(page, lab):
    path = f"notebooks/{LESSON}/{LESSON}.ipynb"
    open_notebook(page, lab, path)
    screenshot(page, "lab_1_lesson_opened")

    menu(page, "Run", "Run All Cells")
    state = wait_until(
        page,
        lambda s: s["status"] == "idle" and (errors_in(s["notebook"]) or all(c["execution_count"] for c in code_cells(s["notebook"]))),
        "every cell of the lesson to run",
        240,
    )
    assert errors_in(state["notebook"]) == [], "cells showed errors or wrote to stderr"
    assert all(cell["execution_count"] for cell in code_cells(state["notebook"]))
    # What the page shows, not only what the model holds: no error rendered anywhere.
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']").count() == 0

    korean_heading = page.locator(".jp-RenderedMarkdown h1").filter(has_text=HANGUL).first
    korean_heading.scroll_into_view_if_needed()
    assert korean_heading.is_visible()
    screenshot(page, "lab_2_korean_heading")

    plot = page.locator(".jp-RenderedImage img").first
    plot.scroll_into_view_if_needed()
    plot.wait_for(state="visible")
    assert page.evaluate("img => img.complete && img.naturalWidth > 100", plot.element_handle())
    screenshot(page, "lab_3_plot")


def run_answer_and_self_check(page, cell_index, source):
    """Type `source` into the answer cell, run it and the check cell below it; return the check's visible output."""
    # Select the cell by its index in the notebook (the page renders only the cells near the view).
    page.evaluate(SELECT_CELL_JS, cell_index)
    answer = page.locator(".jp-Notebook .jp-CodeCell.jp-mod-active .cm-content")
    expect(answer).to_have_count(1)
    answer.click()
    page.keyboard.press("Control+A")
    page.keyboard.insert_text(source)
    before = notebook_state(page)["notebook"]["cells"][cell_index + 1]["execution_count"]
    page.keyboard.press("Shift+Enter")  # the answer; moves to the check cell
    page.keyboard.press("Shift+Enter")  # the self-check
    wait_until(
        page,
        lambda s: s["status"] == "idle" and s["notebook"]["cells"][cell_index + 1]["execution_count"] not in (None, before),
        "the self-check to run",
        90,
    )
    page.evaluate(SELECT_CELL_JS, cell_index + 1)
    output = page.locator(".jp-Notebook .jp-CodeCell.jp-mod-active .jp-OutputArea")
    expect(output).to_have_count(1)
    output.scroll_into_view_if_needed()
    return output.inner_text()


def test_student_self_check_reports_a_wrong_then_a_right_answer(page, lab):
    path = f"autograder/release/{LESSON}/{LESSON}.ipynb"
    open_notebook(page, lab, path)
    cells = notebook_state(page)["notebook"]["cells"]
    index = next(i for i, c in enumerate(cells) if c["metadata"].get("nbgrader", {}).get("grade_id") == EXERCISE)
    assert "NotImplementedError" in "".join(cells[index]["source"]), "the student version should hold the stub"

    wrong = run_answer_and_self_check(page, index, WRONG_ANSWER)
    screenshot(page, "lab_4_self_check_wrong")
    assert "✗" in wrong
    assert "wrong shape: expected (4, 4), got (4, 1)" in wrong
    assert "모양이 다릅니다" in wrong
    assert re.search(r"score: 0 / \d+", wrong)

    right = run_answer_and_self_check(page, index, RIGHT_ANSWER)
    screenshot(page, "lab_5_self_check_right")
    passed = re.search(r"(\d+)/(\d+) checks passed", right)
    assert passed and passed.group(1) == passed.group(2), right
    assert "✗" not in right
    assert "숨은 검사" in right and "hidden" in right  # it says grading adds hidden checks


def test_formgrader_lists_the_course_assignments(page, lab):
    page.goto(lab.url("/lab"))
    page.wait_for_selector(".lm-MenuBar-itemLabel")
    menu(page, "Nbgrader", "Formgrader")
    frame = page.frame_locator("iframe").first
    row = frame.locator("text=" + LESSON).first
    row.wait_for(state="visible", timeout=60_000)
    screenshot(page, "lab_6_formgrader")
    assert frame.locator("text=Manage Assignments").first.is_visible()
    # The course's own exchange is in place, so Release and Collect work from here.
    assert frame.locator("text=does not exist and could not be created").count() == 0


def test_interface_switches_to_korean(page, lab):
    translations = json.loads(page.request.get(lab.url("/lab/api/translations/")).text())
    assert "ko_KR" in translations["data"], "JupyterLab's Korean language pack is not installed"
    page.goto(lab.url("/lab"))
    page.wait_for_selector(".lm-MenuBar-itemLabel")
    page.locator(".lm-MenuBar-itemLabel", has_text="Settings").click()
    page.locator(".lm-Menu-itemLabel", has_text=re.compile("^Language$")).hover()
    page.locator(".lm-Menu-itemLabel", has_text="한국어").click()
    page.locator(".jp-Dialog button", has_text="Change and reload").click()
    page.locator(".lm-MenuBar-itemLabel", has_text="파일").wait_for()
    screenshot(page, "lab_7_korean_interface")
    assert {"파일", "편집", "커널"} <= set(page.locator(".lm-MenuBar-itemLabel").all_inner_texts())
