"""nbgrader configuration of the course (`autograder/` is the nbgrader course root).

- Sources are the lesson notebooks themselves: `notebooks/<id>/<id>.ipynb`
  is assignment `<id>` (one source of truth, no copies).
- `autograde` grades test cells with `GradeInSandbox` instead of running
  the submission in a kernel (see `course_grader.nbgrader_plugin`).
- Feedback hides the code of hidden tests and starts with a bilingual summary.
"""

import os

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (
    AssignLatePenalties,
    CheckCellMetadata,
    GetGrades,
    IgnorePattern,
    LimitOutput,
    SaveAutoGrades,
)

from course_grader.nbgrader_plugin import FeedbackSummary, GradeInSandbox, HideHiddenTests

here = os.path.dirname(os.path.abspath(__file__))
c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

c.CourseDirectory.root = here
c.CourseDirectory.course_id = "keras-from-the-inside"
c.CourseDirectory.source_directory = os.path.join("..", "notebooks")
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(here, "gradebook.db")
# Outside JupyterHub, a local exchange: Release/Collect in the Formgrader and the Assignments tab work on one
# machine. On a hub, the shared exchange of the global config applies (`deploy/nbgrader_config.py`, docs/deploying.md).
if "JUPYTERHUB_API_URL" not in os.environ:
    c.Exchange.root = os.path.join(here, "exchange")
    os.makedirs(c.Exchange.root, exist_ok=True)  # nbgrader uses it only if it exists

# Stubs left in student versions, in both languages.
c.ClearSolutions.code_stub = {"python": "# 여기에 코드를 작성하세요 / YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "여기에 답을 쓰세요 / YOUR ANSWER HERE"

# A deleted test cell is put back from the gradebook, so its checks still run.
c.OverwriteCells.add_missing_cells = True

c.Autograde.autograde_preprocessors = [
    GradeInSandbox,  # instead of nbgrader's Execute
    IgnorePattern,
    ClearMetadataPreprocessor,
    LimitOutput,
    SaveAutoGrades,
    AssignLatePenalties,
    CheckCellMetadata,
]

c.GenerateFeedback.preprocessors = [HideHiddenTests, GetGrades, FeedbackSummary, CSSHTMLHeaderPreprocessor]
