"""JupyterHub for "Keras from the inside": nbgrader's one-class-multiple-graders layout.

Installed as /etc/jupyterhub/jupyterhub_config.py on the hub; `docs/deploying.md`
says what else goes where. Values in <angle brackets> in comments, and the
constants below, are this department's to change.

- Students and instructors log in with their own Unix accounts (PAM), because
  nbgrader's exchange relies on file ownership: a submission belongs to the
  account that wrote it.
- One shared grader account owns a copy of this repository (the course
  directory) and runs the formgrader as a JupyterHub service; every
  instructor and TA reaches it through the hub, so nobody shares a password
  and the gradebook has one owner.
"""

import os
import sys

c = get_config()  # noqa: F821 -- provided by JupyterHub when it loads this file

COURSE = "keras-from-the-inside"  # = CourseDirectory.course_id in deploy/nbgrader_config.py
GRADER = f"grader-{COURSE}"  # a Unix account nobody logs in as
COURSE_DIR = f"/home/{GRADER}/keras-from-the-inside"  # the repository's files, no .git; `make setup` as GRADER
INSTRUCTORS = f"formgrade-{COURSE}"  # nbgrader's group names: formgrade-<course>, nbgrader-<course>
STUDENTS = f"nbgrader-{COURSE}"
ROLE_CONFIG = "/etc/jupyter/roles"  # deploy/roles/ copied here
USER_ENV = "/opt/keras-from-the-inside"  # everybody's Python: requirements.lock + course_lib + course_grader


def roster(name):
    """Usernames from /etc/jupyterhub/<name>, one a line (# comments allowed).

    Plain files, so the registrar's export can replace them and a restart of the
    hub applies them; a missing file is an empty roster, not a failed start.
    """
    path = os.path.join("/etc/jupyterhub", name)
    if not os.path.exists(path):
        return []
    with open(path, encoding="utf-8") as handle:
        return sorted({line.split("#", 1)[0].strip() for line in handle} - {""})


instructors, students = roster("instructors.txt"), roster("students.txt")

# -- where the hub listens ------------------------------------------------------------------
# Loopback only: the department's TLS reverse proxy forwards <https://jupyter.example.edu> here.
c.JupyterHub.bind_url = "http://127.0.0.1:8000"
c.JupyterHub.hub_ip = "127.0.0.1"

# -- who may log in, and in which group -----------------------------------------------------
c.Authenticator.allowed_users = set(instructors) | set(students)
# load_groups only ever adds members: remove a dropped student with the hub's admin page or API.
c.JupyterHub.load_groups = {
    INSTRUCTORS: {"users": instructors},
    STUDENTS: {"users": students},
}
c.JupyterHub.load_roles = [
    {
        # Instructors and TAs may open the shared grader service, nothing more (no hub admin rights).
        "name": INSTRUCTORS,
        "groups": [INSTRUCTORS],
        "scopes": [f"access:services!service={COURSE}", "list:services", f"read:services!service={COURSE}"],
    },
]
# The "Courses" tab in an instructor's own server asks the service for itself with the
# server's token; the hub gives each token only those of these scopes its owner holds,
# so students' tokens gain nothing.
c.Spawner.server_token_scopes = ["users:activity!user", "access:servers!server", f"access:services!service={COURSE}"]

# -- the shared grader: formgrader and the command line in one service ----------------------
c.JupyterHub.services = [
    {
        "name": COURSE,  # nbgrader finds the formgrader at /services/<course_id>
        "url": "http://127.0.0.1:9999",  # any free loopback port
        "user": GRADER,
        # Started in autograder/ so that nbgrader reads the course's own nbgrader_config.py
        # (the sandboxed grader, the gradebook); the file browser shows the whole copy.
        "cwd": f"{COURSE_DIR}/autograder",
        "command": [f"{COURSE_DIR}/.venv/bin/jupyterhub-singleuser", f"--ServerApp.root_dir={COURSE_DIR}"],
        "environment": {
            # `nbgrader`, `make autograde` and the alembic that creates the gradebook: the copy's venv.
            "PATH": f"{COURSE_DIR}/.venv/bin:/usr/local/bin:/usr/bin:/bin",
            "JUPYTER_CONFIG_PATH": f"{ROLE_CONFIG}/grader",
            "JUPYTERHUB_DEFAULT_URL": "/lab",
        },
        "oauth_no_confirm": True,
    },
]

# -- everybody's own server -----------------------------------------------------------------
# systemd gives each server a cgroup, so the limits below are enforced (the default
# LocalProcessSpawner only passes them on as environment variables).
c.JupyterHub.spawner_class = "systemdspawner.SystemdSpawner"
# One lesson's kernel peaks at 0.65-0.85 GiB (TensorFlow on CPU); 3 GiB leaves room for the
# server, a second open lesson and a student's experiment, and a runaway cell kills only
# that student's kernel.
c.Spawner.mem_limit = "3G"
c.Spawner.cpu_limit = 1.0
c.Spawner.default_url = "/lab"
c.Spawner.cmd = [f"{USER_ENV}/bin/jupyterhub-singleuser"]
c.Spawner.environment = {
    "PATH": f"{USER_ENV}/bin:/usr/local/bin:/usr/bin:/bin",  # `nbgrader` in students' terminals
    # TensorFlow sizes its thread pools by the host's cores, not by cpu_limit: hundreds of
    # kernels each starting one thread per core of a large server only fight each other.
    "TF_NUM_INTRAOP_THREADS": "1",
    "TF_NUM_INTEROP_THREADS": "1",
    "OMP_NUM_THREADS": "1",
}


def choose_extensions(spawner):
    """nbgrader's extensions per role (its documented table), by hub group.

    Students: Assignments (fetch, submit, feedback) and Validate. Instructors:
    the same plus Courses, which links to the grader service. Nobody's own
    server runs the formgrader: only the service may write the gradebook.
    """
    groups = {group.name for group in spawner.user.groups}
    role = "instructor" if INSTRUCTORS in groups else "student"
    spawner.environment = {**spawner.environment, "JUPYTER_CONFIG_PATH": f"{ROLE_CONFIG}/{role}"}


c.Spawner.pre_spawn_hook = choose_extensions

# Idle servers hold their memory: stop them after an hour (needs `pip install jupyterhub-idle-culler`).
c.JupyterHub.services.append(
    {"name": "idle-culler", "command": [sys.executable, "-m", "jupyterhub_idle_culler", "--timeout=3600"]}
)
c.JupyterHub.load_roles.append(
    {"name": "idle-culler", "services": ["idle-culler"], "scopes": ["list:users", "read:users:activity", "read:servers", "delete:servers"]}
)
