"""Global nbgrader configuration for every account on the hub: /etc/jupyter/nbgrader_config.py.

Students, instructors and the grader account all read this file, so it holds
only what they must agree on: the course id and where the exchange is. The
grader's clone of the repository adds the rest with its own
`autograder/nbgrader_config.py` (read after this one, from the directory
nbgrader runs in), which imports the course's grading code; this file must
import nothing, because student servers load it too.
"""

c = get_config()  # noqa: F821 -- provided by traitlets when nbgrader loads this file

# Setting the course id for everyone means students never type `--course`, and it is
# the name of the JupyterHub service that runs the formgrader (nbgrader requires that).
c.CourseDirectory.course_id = "keras-from-the-inside"

# One directory on a file system shared by every user server and the grader service.
# nbgrader makes it world-writable (0777) itself; students can only add to inbound/
# (0733: they cannot list or read each other's submissions) and read outbound/.
c.Exchange.root = "/srv/nbgrader/exchange"

# Students fetch into ~/05_cross_entropy/ and submit from there; with a single
# course on the hub there is nothing to disambiguate.
c.Exchange.path_includes_course = False
