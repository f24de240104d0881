"""How long each lesson takes to run in a fresh kernel, and its slowest cell.

    python tests/benchmarks/bench_notebooks.py [lesson ...]

Each lesson runs top to bottom in a new kernel (as nbval does), one at a
time, so the numbers are those of a machine doing nothing else. Limits
(lessons' issue): under 90 s per notebook on 2 CPU cores, no cell over 15 s.
The first code cell (the set-up) includes importing TensorFlow.
"""

import datetime
import glob
import os
import sys
import tempfile
import time

import nbformat
from nbclient import NotebookClient

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
NOTEBOOK_LIMIT, CELL_LIMIT = 90.0, 15.0


def cell_seconds(cell):
    timing = cell.get("metadata", {}).get("execution", {})
    start, end = timing.get("iopub.execute_input"), timing.get("shell.execute_reply")
    if not (start and end):
        return 0.0
    parse = lambda stamp: datetime.datetime.fromisoformat(stamp.replace("Z", "+00:00"))  # noqa: E731
    return (parse(end) - parse(start)).total_seconds()


def run(path):
    nb = nbformat.read(path, as_version=4)
    with tempfile.TemporaryDirectory() as scratch:  # whatever a lesson writes stays out of the repository
        client = NotebookClient(nb, timeout=300, kernel_name="python3", record_timing=True, resources={"metadata": {"path": scratch}})
        start = time.perf_counter()
        client.execute()
        total = time.perf_counter() - start
    durations = [(cell_seconds(c), i) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    slowest, index = max(durations)
    setup = durations[0][0]
    return total, setup, slowest, index


def main():
    lessons = sys.argv[1:] or sorted(os.path.basename(os.path.dirname(p)) for p in glob.glob(os.path.join(REPO, "notebooks", "*", "*.ipynb")))
    print(f"{'lesson':24s} {'total':>8s} {'set-up cell':>12s} {'slowest cell':>13s}  verdict")
    for lesson in lessons:
        total, setup, slowest, index = run(os.path.join(REPO, "notebooks", lesson, f"{lesson}.ipynb"))
        ok = total <= NOTEBOOK_LIMIT and slowest <= CELL_LIMIT
        print(f"{lesson:24s} {total:7.1f}s {setup:11.1f}s {slowest:9.1f}s (#{index:<3d})  {'ok' if ok else 'OVER the limits'}")


if __name__ == "__main__":
    main()
