"""The course's autograder: exercise checks (`Exercise`, `Case`) and the grading machinery.

Test cells import `Exercise` and `Case` from here; everything else (the
sandbox, the nbgrader preprocessor, the command line) is for lecturers.
"""

from .exercise import Case, Exercise

__all__ = ["Case", "Exercise"]
