"""The weekly cycle of `docs/deploying.md` on one machine, through nbgrader's exchange.

A scratch copy of the course plays the grader account's clone, a temporary
directory plays `/srv/nbgrader/exchange`, and two students work in homes of
their own. Every nbgrader command reads the hub's global configuration,
`deploy/nbgrader_config.py` (put on the config path as `/etc/jupyter` would
be); only the exchange root is overridden on the command line, as the guide
says to do when trying the cycle off the hub.

    release -> release_assignment -> fetch_assignment -> submit -> collect
    -> course_grader autograde -> course_grader feedback -> release_feedback -> fetch_feedback
"""

import json
import os
import stat
import subprocess
from subprocess import PIPE

import pytest
from course_copies import (
    REPO,
    VENV_BIN,
    course_path,
    fill,
    grader,
    make_course,
    points_by_exercise,
    read_grades,
    read_notebook,
    solutions,
)
from nbformat import write as write_notebook
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

# The smallest lesson: NumPy only, so grading needs no TensorFlow and the cycle stays quick.
LESSON = "00_start"
DEPLOY = os.path.join(REPO, "deploy")
SOURCE_PATH = os.path.join(REPO, "notebooks", LESSON, f"{LESSON}.ipynb")


def nbgrader(env, cwd, *args):
    """`nbgrader <args>` in `cwd`, the way a person types it there; returns its log."""
    return together([(env, cwd, args)])[0]


def together(commands):
    """Several `(env, cwd, args)` nbgrader commands at once, as students do not wait for each other."""
    running = [
        (args, subprocess.Popen([os.path.join(VENV_BIN, "nbgrader"), *args], env=env, cwd=cwd, stdout=PIPE, stderr=PIPE, text=True))
        for env, cwd, args in commands
    ]
    logs = []
    for args, process in running:
        stdout, stderr = process.communicate(timeout=300)
        assert process.returncode == 0, f"nbgrader {' '.join(args)} exited with {process.returncode}\n{stdout}\n{stderr}"
        logs.append(stdout + stderr)
    return logs


def person(env, home):
    """The environment of someone whose home is `home` on a hub whose /etc/jupyter is `deploy/`."""
    os.makedirs(home, exist_ok=True)
    return {
        **env,
        "HOME": home,
        "JUPYTER_CONFIG_DIR": os.path.join(home, ".jupyter"),  # nobody's own ~/.jupyter leaks in
        "JUPYTER_DATA_DIR": os.path.join(home, ".local", "share", "jupyter"),  # where `submit` keeps its receipt
        "JUPYTER_CONFIG_PATH": DEPLOY,
    }


@pytest.fixture(scope="module")
def cycle(tmp_path_factory):
    root = str(tmp_path_factory.mktemp("hub"))
    course = make_course(os.path.join(root, "grader"), [LESSON])
    exchange = os.path.join(root, "exchange")
    os.makedirs(exchange)
    os.chmod(exchange, 0o777)  # as the guide creates /srv/nbgrader/exchange
    on_exchange = f"--Exchange.root={exchange}"
    lecturer = person(course, os.path.join(root, "grader"))
    course_dir = course_path(course)

    # Lecturer: student version, then into the exchange.
    grader(course, "release", "--assignment", LESSON)
    nbgrader(lecturer, course_dir, "release_assignment", LESSON, on_exchange)

    # Students: fetch, work, submit. alice answers everything, bob only the first exercise.
    source = read_notebook(SOURCE_PATH)
    answers = solutions(source)
    first = sorted(answers)[0]
    work = {"alice": answers, "bob": {first: answers[first]}}
    homes = {s: person(course, os.path.join(root, "home", s)) for s in work}
    together([(homes[s], homes[s]["HOME"], ("fetch_assignment", LESSON, on_exchange)) for s in work])
    submitted = {}
    for student, chosen in work.items():
        path = os.path.join(homes[student]["HOME"], LESSON, f"{LESSON}.ipynb")
        submitted[student] = fill(read_notebook(path), chosen)
        write_notebook(submitted[student], path)
    # On the hub each student is their own Unix user; here everyone is one, so the id is given.
    together([(homes[s], homes[s]["HOME"], ("submit", LESSON, f"--student={s}", on_exchange)) for s in work])
    inbound_mode = stat.S_IMODE(os.stat(os.path.join(exchange, "keras-from-the-inside", "inbound")).st_mode)

    # Lecturer: collect, grade in parallel, feedback, back into the exchange.
    collect_log = nbgrader(lecturer, course_dir, "collect", LESSON, on_exchange)
    collected = {s: read_notebook(course_path(course, "submitted", s, LESSON, f"{LESSON}.ipynb")) for s in work}
    grader(course, "autograde", "--assignment", LESSON, "--jobs", "2")
    grades = read_grades(course)
    grader(course, "feedback", "--assignment", LESSON)
    nbgrader(lecturer, course_dir, "release_feedback", LESSON, on_exchange)

    # Students: their feedback, next to their work.
    together([(homes[s], homes[s]["HOME"], ("fetch_feedback", LESSON, f"--student={s}", on_exchange)) for s in work])
    fetched = {}
    for student in work:
        folder = os.path.join(homes[student]["HOME"], LESSON, "feedback")
        fetched[student] = [os.path.join(folder, stamp, f"{LESSON}.html") for stamp in os.listdir(folder)]
    return dict(
        course=course,
        work=work,
        points=points_by_exercise(source),
        submitted=submitted,
        collected=collected,
        collect_log=collect_log,
        inbound_mode=inbound_mode,
        grades=grades,
        fetched=fetched,
    )


@pytest.mark.slow
def test_collect_puts_each_submission_where_the_grader_reads_it(cycle):
    assert "Collecting submission: alice" in cycle["collect_log"] and "Collecting submission: bob" in cycle["collect_log"]
    for student, notebook in cycle["submitted"].items():
        collected = cycle["collected"][student]
        assert [c.source for c in collected.cells] == [c.source for c in notebook.cells]


@pytest.mark.slow
def test_students_can_add_to_inbound_but_not_list_it(cycle):
    # 0733 plus setgid: nobody but the grader sees who submitted what.
    assert cycle["inbound_mode"] == stat.S_ISGID | 0o733


@pytest.mark.slow
def test_collected_submissions_are_graded_into_grades_csv(cycle):
    points, first = cycle["points"], sorted(cycle["work"]["bob"])[0]
    total = sum(points.values())
    assert cycle["grades"][(LESSON, "alice")] == pytest.approx((total, total))
    assert cycle["grades"][(LESSON, "bob")] == pytest.approx((points[first], total))
    assert 0 < points[first] < total


@pytest.mark.slow
def test_each_student_fetches_their_own_feedback(cycle):
    texts = {}
    for student, paths in cycle["fetched"].items():
        assert len(paths) == 1, paths  # one submission, one feedback, under its timestamp
        with open(paths[0], encoding="utf-8") as handle:
            texts[student] = handle.read()
        with open(course_path(cycle["course"], "feedback", student, LESSON, f"{LESSON}.html"), encoding="utf-8") as handle:
            assert texts[student] == handle.read()
        assert "채점 결과 / Grading results" in texts[student]
    assert texts["alice"] != texts["bob"]


def _load(path):
    """A configuration file as traitlets loads it (`get_config()` is all the file may rely on)."""
    return PyFileConfigLoader(os.path.basename(path), path=os.path.dirname(path)).load_config()


def test_hub_and_course_agree_on_the_course_id_and_exchange(monkeypatch):
    """On the hub the grader service reads both files: same course, and the exchange is the shared one."""
    monkeypatch.setenv("JUPYTERHUB_API_URL", "http://127.0.0.1:8081/hub/api")  # as in every process the hub starts
    hub = _load(os.path.join(DEPLOY, "nbgrader_config.py"))
    course = _load(os.path.join(REPO, "autograder", "nbgrader_config.py"))
    assert hub.CourseDirectory.course_id == course.CourseDirectory.course_id == "keras-from-the-inside"
    assert hub.Exchange.root == "/srv/nbgrader/exchange"
    assert "root" not in course.Exchange  # read after the global file, it would win


def test_jupyterhub_config_names_groups_and_service_after_the_course():
    """nbgrader finds the formgrader by the service's name and roles by the groups' names."""
    path = os.path.join(DEPLOY, "jupyterhub_config.py")
    c = Config()
    with open(path, encoding="utf-8") as handle:
        exec(compile(handle.read(), path, "exec"), {"get_config": lambda: c, "__file__": path})
    course = "keras-from-the-inside"
    assert {f"formgrade-{course}", f"nbgrader-{course}"} <= set(c.JupyterHub.load_groups)
    services = {s["name"]: s for s in c.JupyterHub.services}
    assert course in services
    grants = [role for role in c.JupyterHub.load_roles if f"formgrade-{course}" in role.get("groups", [])]
    assert any(f"access:services!service={course}" in role["scopes"] for role in grants)


#: nbgrader's table for one class with a shared grader service (create-assignment has no server half).
ROLES = {
    "student": {"assignment-list", "validate-assignment"},
    "instructor": {"assignment-list", "validate-assignment", "course-list"},
    "grader": {"formgrader", "create-assignment", "validate-assignment"},
}
PLUGINS = {"assignment-list", "validate-assignment", "course-list", "formgrader", "create-assignment"}


@pytest.mark.parametrize("role", sorted(ROLES))
def test_each_role_gets_its_nbgrader_extensions(role):
    """The two halves of each extension (server, JupyterLab) agree, and only the grader service grades."""
    folder = os.path.join(DEPLOY, "roles", role)
    with open(os.path.join(folder, "jupyter_server_config.json"), encoding="utf-8") as handle:
        server = json.load(handle)["ServerApp"]["jpserver_extensions"]
    with open(os.path.join(folder, "labconfig", "page_config.json"), encoding="utf-8") as handle:
        disabled = {name.split(":", 1)[1] for name, off in json.load(handle)["disabledExtensions"].items() if off}
    assert PLUGINS - disabled == ROLES[role]
    on = {name.rsplit(".", 1)[1].replace("_", "-") for name, enabled in server.items() if enabled}
    assert on == ROLES[role] - {"create-assignment"}
    assert set(server) == {f"nbgrader.server_extensions.{p.replace('-', '_')}" for p in PLUGINS - {"create-assignment"}}
