"""Grading throughput: stock sequential `nbgrader autograde` against `make autograde`, on the same submissions.

    python tests/benchmarks/bench_autograde.py [--submissions 40] [--lesson 05_cross_entropy]

Two scratch copies of the course receive the same submissions of one
lesson (correct, partly wrong and unanswered ones, built from the lesson's
own solutions). One is graded by stock nbgrader (`Execute` runs every
submission top to bottom in its own Jupyter kernel, one after another), the
other by `make autograde` (answer cells in forked sandboxes from warm
zygotes, on every core). The script prints both wall times, the throughput
ratio, and whether every grade is identical. Target: at least 3x on 2 cores.
"""

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "helpers"))

from course_copies import (  # noqa: E402
    REPO,
    course_path,
    fill,
    grader,
    make,
    make_course,
    read_grades,
    read_notebook,
    solutions,
    submit,
)

STOCK_CONFIG = '''
# The course's configuration, with nbgrader's own autograde preprocessors put back.
import os
from nbconvert.preprocessors import ClearMetadataPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute, IgnorePattern,
                                    LimitOutput, SaveAutoGrades)
exec(open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "course_nbgrader_config.py")).read())
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput,
                                       SaveAutoGrades, AssignLatePenalties, CheckCellMetadata]
'''


def wrong_variants(answers):
    """Benign wrong answers (no loops, no crashes: stock nbgrader must get through them too)."""
    variants = []
    for grade_id, source in answers.items():
        if "def " in source:
            name = source.split("def ", 1)[1].split("(", 1)[0]
            # Unanswered: the stub's behaviour, in one exercise only.
            variants.append({grade_id: source.split("def ", 1)[0] + f"def {name}(*args, **kwargs):\n    raise NotImplementedError()\n"})
    return variants


def build_submissions(env, lesson, count):
    source = read_notebook(os.path.join(REPO, "notebooks", lesson, f"{lesson}.ipynb"))
    release = read_notebook(course_path(env, "release", lesson, f"{lesson}.ipynb"))
    answers = solutions(source)
    variants = [{}] + wrong_variants(answers) + [{gid: None for gid in answers}]
    students = []
    for i in range(count):
        variant = variants[i % len(variants)]
        chosen = {gid: (variant[gid] if gid in variant else answers[gid]) for gid in answers}
        chosen = {gid: src for gid, src in chosen.items() if src is not None}  # None: leave the stub
        student = f"student{i:02d}"
        submit(env, student, lesson, fill(release, chosen))
        students.append(student)
    return students


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--submissions", type=int, default=40)
    parser.add_argument("--lesson", default="05_cross_entropy")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    workdir = tempfile.mkdtemp(prefix="bench-autograde-")
    try:
        ours = make_course(os.path.join(workdir, "ours"), [args.lesson])
        stock = make_course(os.path.join(workdir, "stock"), [args.lesson])
        stock_root = stock["COURSE_GRADER_ROOT"]
        os.rename(os.path.join(stock_root, "nbgrader_config.py"), os.path.join(stock_root, "course_nbgrader_config.py"))
        with open(os.path.join(stock_root, "nbgrader_config.py"), "w") as handle:
            handle.write(STOCK_CONFIG)
        for env in (ours, stock):
            grader(env, "release", "--assignment", args.lesson)
            students = build_submissions(env, args.lesson, args.submissions)
        print(f"{len(students)} submissions of {args.lesson}, {os.cpu_count()} cores")

        start = time.perf_counter()
        subprocess.run(
            [os.path.join(os.path.dirname(sys.executable), "nbgrader"), "autograde", args.lesson, "--force", "--log-level=ERROR"],
            cwd=stock_root,
            env=stock,
            check=True,
            capture_output=True,
        )
        stock_seconds = time.perf_counter() - start
        grader(stock, "export")

        start = time.perf_counter()
        make(ours, "autograde", ASSIGNMENT=args.lesson, JOBS=args.jobs)
        our_seconds = time.perf_counter() - start

        stock_grades, our_grades = read_grades(stock), read_grades(ours)
        same = all(abs(stock_grades[k][0] - our_grades[k][0]) < 1e-9 for k in our_grades) and stock_grades.keys() == our_grades.keys()
        print(f"stock nbgrader autograde (sequential): {stock_seconds:7.1f} s  = {stock_seconds / len(students):5.2f} s per submission")
        print(f"make autograde (JOBS={args.jobs}):            {our_seconds:7.1f} s  = {our_seconds / len(students):5.2f} s per submission")
        print(f"throughput ratio: {stock_seconds / our_seconds:.1f}x (target: at least 3x)")
        print(f"identical grades: {'yes' if same else 'NO'}  (scores seen: {sorted({g[0] for g in our_grades.values()})})")
        if not same:
            for key in sorted(our_grades):
                if abs(stock_grades.get(key, (None,))[0] - our_grades[key][0]) > 1e-9:
                    print(f"  {key}: stock {stock_grades.get(key)} vs ours {our_grades[key]}")
            sys.exit(1)
    finally:
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
