"""`python -m course_grader {release,autograde,feedback,export}`: the lecturer's side of the course.

`make release`, `make autograde` and `make feedback` call these. Each works
on every lesson unless `--assignment <id>` is given.
"""

import argparse
import concurrent.futures
import csv
import glob
import multiprocessing
import os
import subprocess
import sys
import time

from tqdm import tqdm

from .paths import COURSE_ROOT, EXPORT_PATH, NOTEBOOKS, shown

# nbgrader runs `alembic` (installed next to this Python) to create the gradebook.
os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")


def lesson_ids():
    """Every lesson: `notebooks/<id>/<id>.ipynb`."""
    return sorted(
        os.path.basename(os.path.dirname(path))
        for path in glob.glob(os.path.join(NOTEBOOKS, "*", "*.ipynb"))
        if os.path.basename(os.path.dirname(path)) == os.path.splitext(os.path.basename(path))[0]
    )


def _selected(assignment):
    ids = lesson_ids()
    if assignment is None:
        return ids
    if assignment not in ids:
        raise SystemExit(f"unknown assignment {assignment!r}; lessons are: {', '.join(ids)}")
    return [assignment]


def load_config():
    from traitlets.config.loader import PyFileConfigLoader

    return PyFileConfigLoader("nbgrader_config.py", path=COURSE_ROOT).load_config()


def make_api():
    from nbgrader.apps import NbGraderAPI
    from nbgrader.coursedir import CourseDirectory

    config = load_config()
    return NbGraderAPI(coursedir=CourseDirectory(config=config), config=config)


def _quiet_nbgrader():
    import logging
    import warnings

    logging.getLogger("traitlets").setLevel(logging.ERROR)
    # nbgrader's gradebook code trips SQLAlchemy's autoflush warnings; they say nothing about grades.
    warnings.filterwarnings("ignore", module="nbgrader.*")
    warnings.filterwarnings("ignore", message=".*not in session.*")


def release(assignments):
    """Student versions under `autograder/release/<id>/` (and the assignments in the gradebook)."""
    os.chdir(COURSE_ROOT)
    api = make_api()
    for assignment in assignments:
        result = api.generate_assignment(assignment, force=True, create=True)
        if not result["success"]:
            print(result.get("log", ""), result.get("error", ""), file=sys.stderr)
            raise SystemExit(f"generate_assignment failed for {assignment}")
        print(f"released {assignment} -> autograder/release/{assignment}/")


def submissions(assignment):
    """Student ids with a submission of `assignment` under `autograder/submitted/`."""
    pattern = os.path.join(COURSE_ROOT, "submitted", "*", assignment, f"{assignment}.ipynb")
    return sorted(path.split(os.sep)[-3] for path in glob.glob(pattern))


def _assignments_in_gradebook():
    from nbgrader.api import Gradebook

    config = load_config()
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        return {a.name for a in gb.assignments}


# -- parallel autograding ---------------------------------------------------------------

_worker_api = None


def _worker_start(runtimes):
    """Each worker: its own nbgrader API and zygotes (started now, so their imports overlap)."""
    global _worker_api
    os.chdir(COURSE_ROOT)
    _quiet_nbgrader()
    from .nbgrader_plugin import zygote_pool

    for runtime in runtimes:
        zygote_pool().get(runtime)
    if "tensorflow" in runtimes:
        import course_lib.quiet  # noqa: F401  (test cells of TF exercises import TF: without its log lines)
    _worker_api = make_api()


def _grade_one(task):
    assignment, student = task
    started = time.monotonic()
    for attempt in range(3):  # the gradebook is SQLite: a busy database is retried
        result = _worker_api.autograde(assignment, student, force=True, create=True)
        if result["success"] or "database is locked" not in str(result.get("error", "")):
            break
        time.sleep(0.5 * (attempt + 1))
    if not result["success"]:
        _zero_submission(assignment, student)
    return assignment, student, result["success"], result.get("error", ""), time.monotonic() - started


def _zero_submission(assignment, student):
    """A submission nbgrader could not process at all still gets a grade: zero, not 'ungraded'."""
    from nbgrader.api import Gradebook

    config = load_config()
    with Gradebook(config.CourseDirectory.db_url, config.CourseDirectory.course_id) as gb:
        submission = gb.update_or_create_submission(assignment, student)
        for notebook in submission.notebooks:
            for grade in notebook.grades:
                grade.auto_score = 0
                grade.needs_manual_grade = False
        gb.db.commit()


def _runtimes_needed(assignments):
    runtimes = {"numpy"}
    for assignment in assignments:
        with open(os.path.join(NOTEBOOKS, assignment, f"{assignment}.ipynb"), encoding="utf-8") as handle:
            if 'runtime="tensorflow"' in handle.read():
                runtimes.add("tensorflow")
    return sorted(runtimes)


def autograde(assignments, jobs):
    """Grade every submission of `assignments` on `jobs` processes, then export the CSV."""
    _quiet_nbgrader()
    known = _assignments_in_gradebook() if os.path.exists(os.path.join(COURSE_ROOT, "gradebook.db")) else set()
    missing = [a for a in assignments if a not in known]
    if missing:
        release(missing)  # puts them in the gradebook
    tasks = [(a, s) for a in assignments for s in submissions(a)]
    if not tasks:
        print("no submissions found under autograder/submitted/<student>/<assignment>/")
        export()
        return []
    results, retry = [], []
    context = multiprocessing.get_context("spawn")
    workers = max(1, min(jobs, len(tasks)))
    runtimes = _runtimes_needed(assignments)
    with concurrent.futures.ProcessPoolExecutor(
        workers, mp_context=context, initializer=_worker_start, initargs=(runtimes,)
    ) as pool:
        futures = {pool.submit(_grade_one, task): task for task in tasks}
        for future in tqdm(concurrent.futures.as_completed(futures), total=len(futures), desc="autograde", unit="submission"):
            try:
                results.append(_report(*future.result()))
            except Exception as error:  # noqa: BLE001 -- a dead worker: grade those submissions again below
                tqdm.write(f"{futures[future]}: grading process failed ({error!r}); retrying")
                retry.append(futures[future])
    if retry:
        _worker_start(runtimes)
        results += [_report(*_grade_one(task)) for task in retry]
    export()
    return results


def _report(assignment, student, success, error, seconds):
    if not success:
        tqdm.write(f"{assignment}/{student}: nbgrader could not grade this submission; it scores 0.\n{error[-2000:]}")
    return assignment, student, success


def export():
    """`autograder/exports/grades.csv` in nbgrader's CSV export format."""
    os.makedirs(os.path.dirname(EXPORT_PATH), exist_ok=True)
    subprocess.run(
        [sys.executable, "-m", "nbgrader", "export", "--to", EXPORT_PATH, "--log-level=ERROR"],
        cwd=COURSE_ROOT,
        check=True,
    )
    with open(EXPORT_PATH, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    print(f"wrote {shown(EXPORT_PATH)} ({len(rows)} rows)")
    return rows


def feedback(assignments):
    """Per-student HTML feedback under `autograder/feedback/<student>/<assignment>/`."""
    os.chdir(COURSE_ROOT)
    _quiet_nbgrader()
    api = make_api()
    for assignment in assignments:
        result = api.generate_feedback(assignment, force=True)
        if not result["success"]:
            print(result.get("log", ""), result.get("error", ""), file=sys.stderr)
            raise SystemExit(f"generate_feedback failed for {assignment}")
        print(f"feedback for {assignment} -> autograder/feedback/<student>/{assignment}/")


def workbooks(student):
    """Copy each student version to `autograder/submitted/<student>/<id>/` unless a copy is already there.

    Existing files are never overwritten, so `make lab` can be run again and
    again without losing work.
    """
    import shutil

    missing = [a for a in lesson_ids() if not os.path.exists(os.path.join(COURSE_ROOT, "release", a, f"{a}.ipynb"))]
    if missing:
        release(missing)
    for assignment in lesson_ids():
        target = os.path.join(COURSE_ROOT, "submitted", student, assignment, f"{assignment}.ipynb")
        if os.path.exists(target):
            continue
        os.makedirs(os.path.dirname(target), exist_ok=True)
        shutil.copyfile(os.path.join(COURSE_ROOT, "release", assignment, f"{assignment}.ipynb"), target)
        print(f"your workbook: {shown(target)}")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m course_grader", description=__doc__)
    parser.add_argument("command", choices=["release", "autograde", "feedback", "export", "workbooks"])
    parser.add_argument("--assignment", help="one lesson id, e.g. 05_cross_entropy (default: every lesson)")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2, help="parallel grading processes")
    parser.add_argument("--student", default="me", help="whose workbooks `workbooks` prepares (default: me)")
    args = parser.parse_args(argv)
    if args.command == "export":
        export()
        return
    if args.command == "workbooks":
        workbooks(args.student)
        return
    assignments = _selected(args.assignment)
    if args.command == "release":
        release(assignments)
    elif args.command == "autograde":
        if args.assignment is None:
            assignments = [a for a in assignments if submissions(a)] or assignments
        autograde(assignments, args.jobs)
    else:
        feedback(assignments)
