# Keras from the inside -- one Makefile for students, lecturers and CI.
#
#   make lab        set up (once) and open the course in JupyterLab
#   make test       set up (once) and run every test, notebooks included
#
# Everything installs into .venv/ at the repository root with pip.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
JOBS   ?= $(shell nproc 2>/dev/null || echo 2)
ASSIGNMENT ?=
STUDENT ?= me

# Lecturers' targets take an optional ASSIGNMENT=<lesson id>; without it they cover every lesson.
assignment_flag = $(if $(ASSIGNMENT),--assignment $(ASSIGNMENT),)

.PHONY: setup lab test test-fast bench release autograde feedback notebooks-ko notebooks-en clean

setup: $(STAMP)

# Re-runs only when the pins change; pip itself skips what is already installed.
$(STAMP): pyproject.toml requirements.lock
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev]"
	@touch $(STAMP)

# Your own copies of the exercises live in autograder/submitted/$(STUDENT)/ (never overwritten).
# JupyterLab starts in autograder/ (so nbgrader's formgrader finds the course) showing the whole repository.
lab: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course_grader workbooks --student $(STUDENT)
	cd autograder && PATH="$(CURDIR)/$(BIN):$$PATH" ../$(BIN)/jupyter lab --ServerApp.root_dir=.. $(LAB_FLAGS)

# Containers often run as root, which Jupyter refuses without this flag.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

# Unit, property, autograder and notebook (nbval) tests, spread over every core. `loadscope` keeps a
# notebook's cells (one kernel), a test module's fixtures and each lesson's checks on one worker.
test: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) --dist loadscope --durations=15 \
		tests notebooks --nbval --nbval-current-env --nbval-sanitize-with tests/nbval_sanitize.cfg

# The same without the notebooks and the end-to-end grading run.
test-fast: $(STAMP)
	$(BIN)/python -m pytest -n $(JOBS) tests -m "not slow"

# Side-by-side measurements (not tests): loss speed and memory, grading throughput, lesson run times.
bench: $(STAMP)
	$(BIN)/python tests/benchmarks/bench_losses.py
	$(BIN)/python tests/benchmarks/bench_autograde.py
	$(BIN)/python tests/benchmarks/bench_notebooks.py

release: $(STAMP)
	$(BIN)/python -m course_grader release $(assignment_flag)

autograde: $(STAMP)
	$(BIN)/python -m course_grader autograde $(assignment_flag) --jobs $(JOBS)

feedback: $(STAMP)
	$(BIN)/python -m course_grader feedback $(assignment_flag)

notebooks-ko: $(STAMP)
	$(BIN)/python -m course_grader.languages ko

notebooks-en: $(STAMP)
	$(BIN)/python -m course_grader.languages en

clean:
	rm -rf build autograder/release autograder/autograded autograder/feedback autograder/exports autograder/gradebook.db
