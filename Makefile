# Keras from the inside -- one Makefile for students, lecturers and CI.
#
#   make lab        set up (once) and open the course in JupyterLab
#   make test       set up (once) and run every test, notebooks and browser tests included
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

.PHONY: setup browser lab test test-fast bench site release autograde feedback notebooks-ko notebooks-en clean clean-grades

setup: $(STAMP)

# Re-runs only when the pins change; pip itself skips what is already installed.
# The Python version is checked when the virtualenv is made (later runs use the virtualenv's own Python).
# JupyterLab's overrides.json turns off its news and update checks (the course runs offline).
$(STAMP): pyproject.toml requirements.lock autograder/jupyterlab/overrides.json
	@test -x $(BIN)/python || { $(PYTHON) -c 'import sys; sys.exit(not (3, 11) <= sys.version_info[:2] <= (3, 13))' || { \
		echo "Python 3.11-3.13 is needed; $(PYTHON) is $$($(PYTHON) -V 2>&1). Use: make $(MAKECMDGOALS) PYTHON=<path of python3.11..3.13>"; \
		echo "Python 3.11-3.13이 필요합니다. 다른 Python으로: make $(MAKECMDGOALS) PYTHON=<python3.11..3.13 경로>"; exit 1; }; }
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e ".[dev,site]"
	install -D -m 644 autograder/jupyterlab/overrides.json $(VENV)/share/jupyter/lab/settings/overrides.json
	@touch $(STAMP)

# The browser tests drive Debian's Chromium (never a downloaded one) and need a Hangul font to show Korean.
# Installed with apt when missing: directly as root, else through sudo.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(if $(filter 0,$(shell id -u)),,sudo)
browser:
	@if ! test -x $(CHROMIUM) || ! fc-list 2>/dev/null | grep -qi nanum; then \
		echo "installing Debian's chromium and fonts-nanum with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq --no-install-recommends chromium fonts-nanum fontconfig; \
	fi

# Your own copies of the exercises live in autograder/submitted/$(STUDENT)/ (never overwritten).
# JupyterLab starts in autograder/ (so nbgrader's formgrader finds the course) showing the whole repository.
lab: $(STAMP)
	PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/python -m course_grader workbooks --student $(STUDENT)
	cd autograder && PATH="$(CURDIR)/$(BIN):$$PATH" ../$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.root_dir=.. $(LAB_FLAGS)

# Containers often run as root, which Jupyter refuses without this flag.
LAB_FLAGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

# Unit, property, autograder, notebook (nbval) and browser tests, spread over every core. `loadscope` keeps a
# notebook's cells (one kernel), a test module's fixtures and each lesson's checks on one worker.
# Browser screenshots are kept in build/test-artifacts/browser/.
test: $(STAMP) browser
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

# The lessons as a static site, in Korean and in English, exercises without solutions: build/site/index.html.
site: $(STAMP)
	$(BIN)/python site/build_site.py

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

# Only what can be made again. Grades and submissions are work: `make clean-grades CONFIRM=yes` deletes them.
clean:
	rm -rf build autograder/release

GRADING_STATE := autograder/gradebook.db autograder/autograded autograder/feedback autograder/exports autograder/exchange
clean-grades:
	@if [ "$(CONFIRM)" != "yes" ]; then \
		echo "This deletes the gradebook, graded notebooks, feedback, exports and the local exchange:"; \
		echo "성적부, 채점된 노트북, 피드백, 내보낸 성적, 로컬 exchange를 지웁니다:"; \
		for path in $(GRADING_STATE); do test -e $$path && echo "  $$path"; done; \
		echo "To go ahead / 진행하려면: make clean-grades CONFIRM=yes"; exit 1; \
	fi
	rm -rf $(GRADING_STATE)
