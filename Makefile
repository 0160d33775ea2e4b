# Two commands:  make lab (learners)  |  make test (checking the course)
# Everything runs inside .venv, filled on first use from locks in two steps: make lab installs
# only what the lessons need (requirements.lock, made from requirements.txt); make test and every
# other target add the checking tools (requirements-dev.lock, from requirements-dev.txt). pip
# installs a lock with --require-hashes: every package, dependencies included, at the locked
# version and file hash, so nothing unlocked slips in. Each step reruns only when its lock
# changes. `make lock` regenerates the locks (needs the package index).

VENV   := .venv
BIN    := $(VENV)/bin
# Stamps: the lessons' packages are in .venv / so are the checking tools.
LESSONS_STAMP := $(VENV)/.installed-lessons
STAMP  := $(VENV)/.installed
LESSONS_LOCK := requirements.lock
DEV_LOCK     := requirements-dev.lock
# `make lock` resolves as of this day (uv --exclude-newer): the same locks until it is changed.
LOCK_DATE ?= 2026-12-06
# make site needs only the site generator and what course_utils imports, not TensorFlow.
SITE_STAMP := $(VENV)/.installed-site
# The Python versions the course supports, as pyproject.toml's requires-python states them
# (tests/test_environment.py keeps the two equal): TensorFlow 2.21 has wheels for 3.10-3.13,
# and the pinned NumPy, pandas and Keras need 3.11 or newer.
PYTHON_MIN := 3.11
PYTHON_MAX := 3.13
PYTHON_CHECK = import sys; v = sys.version_info[:2]; n = lambda s: tuple(int(p) for p in s.split(".")); \
	sys.exit(None if n("$(PYTHON_MIN)") <= v <= n("$(PYTHON_MAX)") else \
	f"The course needs Python $(PYTHON_MIN) to $(PYTHON_MAX); {sys.executable} is Python {sys.version.split()[0]}. \
	Pick one, e.g.  make lab PYTHON=python3.12  (rm -rf $(VENV) first if it was made with this one).")
# The Python that makes .venv: python3 when it is PYTHON_MIN to PYTHON_MAX, else the newest
# supported python3.X on PATH (Ubuntu 22.04's python3 is 3.10, Homebrew's 3.14, and both often
# sit beside a 3.12); when none is, python3, whose check above then says what to do.
# `make lab PYTHON=...` chooses.
PYTHON_CANDIDATES := python3 python3.13 python3.12 python3.11
ifeq ($(origin PYTHON),undefined)
PYTHON := $(shell for p in $(PYTHON_CANDIDATES); do \
	$$p -c '$(PYTHON_CHECK)' >/dev/null 2>&1 && { echo $$p; exit 0; }; done; echo python3)
endif
# Notebooks run in parallel, one whole notebook per worker (their cells must share a kernel).
PYTEST_PARALLEL ?= -n 2 --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help venv venv-lessons lab test test-unit lint execute badges bench gifs data \
	lock test-lessons test-browser test-colab site test-site glossary clean

help:
	@echo "make lab           install what the lessons need into .venv (once) and open JupyterLab on notebooks/"
	@echo "make test          for checking the course: add the test tools to .venv (once); ruff, unit tests,"
	@echo "                   doctests, nbval on every notebook"
	@echo "make test-unit     the same without the notebooks (a quick loop while editing course_utils)"
	@echo "make execute       re-run every notebook in place, top to bottom, in a fresh kernel"
	@echo "make badges        regenerate Colab badges and install lines from course_utils/colab.py"
	@echo "make gifs          regenerate the animated GIFs under course_utils/figures/"
	@echo "make data          rebuild data/mnist_sample.npz from its source package"
	@echo "make bench         time the NumPy convolutions against tf.nn.conv2d"
	@echo "make lock          regenerate requirements*.lock from requirements*.txt and check every platform"
	@echo "make test-lessons  every notebook with requirements.lock alone, in .lessons-venv/ (what make lab installs)"
	@echo "make test-browser  run every notebook in JupyterLab in headless Chromium"
	@echo "make test-colab    run the notebooks with Colab's package versions (nbval lax)"
	@echo "make site          build the course's website into _site/ from the stored notebooks"
	@echo "make test-site     build it, then open every page in headless Chromium and check it"
	@echo "make glossary      rewrite the README's glossary table from glossary.csv"

venv: $(STAMP)
venv-lessons: $(LESSONS_STAMP)

# The lock is installed only when it is newer than the stamp (or there is no stamp: the first
# time, about 400 MB for the lessons, DEVELOPING.md "Measured sizes and times"); a change to
# pyproject.toml alone reinstalls only course_utils, with the locked setuptools (no build
# isolation: nothing is fetched beside the lock). ($? = the prerequisites newer than $@.)
$(LESSONS_STAMP): $(LESSONS_LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c '$(PYTHON_CHECK)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c '$(PYTHON_CHECK)'
	$(if $(filter $(LESSONS_LOCK),$?),@echo "Installing the lessons' packages ($(LESSONS_LOCK)) into $(VENV)...")
	$(if $(filter $(LESSONS_LOCK),$?),$(BIN)/python -m pip install --quiet --require-hashes -r $(LESSONS_LOCK))
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# The checking tools on top (about 135 MB more the first time).
$(STAMP): $(LESSONS_STAMP) $(LESSONS_LOCK) $(DEV_LOCK)
	$(if $(filter requirements%,$?),@echo "Installing the checking tools ($(DEV_LOCK)) into $(VENV)...")
	$(if $(filter requirements%,$?),$(BIN)/python -m pip install --quiet --require-hashes -r $(DEV_LOCK))
	touch $@

# Regenerate the locks from the pin files (uv's universal resolver, hashes for every platform),
# then prove each resolves, wheels only, on every platform and Python the README supports.
lock: $(STAMP)
	$(BIN)/python -m scripts.lock --date $(LOCK_DATE)

# What `make site` needs and nothing more (no TensorFlow, no JupyterLab), so that a clean clone
# builds the site in under 2 minutes: requirements-site.lock, the site generator, course_utils's
# imports and setuptools at requirements-dev.lock's versions (`make lock` makes it), with hashes.
# --no-compile: Python compiles each module when it is first imported instead, which halves the
# install (1.4 instead of 3 minutes at load 10).
SITE_LOCK := requirements-site.lock
$(SITE_STAMP): $(SITE_LOCK) pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -c '$(PYTHON_CHECK)'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@$(BIN)/python -c '$(PYTHON_CHECK)'
	$(BIN)/python -m pip install --quiet --no-compile --require-hashes -r $(SITE_LOCK)
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	touch $@

# Jupyter refuses to start as root unless told (containers, a root shell in WSL).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(LESSONS_STAMP)
	$(BIN)/jupyter lab notebooks/ $(LAB_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .

test: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL)

# Everything but the notebooks: naming the folders replaces pytest's testpaths (which add them).
test-unit: $(STAMP) lint
	$(BIN)/python -m pytest $(PYTEST_PARALLEL) tests course_utils

execute: $(STAMP)
	$(BIN)/python -m scripts.execute_notebooks notebooks/*.ipynb

badges: $(STAMP)
	$(BIN)/python -m scripts.sync_badges

bench: $(STAMP)
	$(BIN)/python -m benchmarks.bench_conv

gifs: $(STAMP)
	$(BIN)/python -m course_utils.animations

data: $(STAMP)
	$(BIN)/python -m scripts.build_mnist_sample

# Every notebook with what `make lab` installs and nothing else, in .lessons-venv/ (CI runs it).
test-lessons: $(STAMP)
	bash scripts/lesson_env_test.sh

# Every notebook in JupyterLab in headless Chromium (tests/browser/; needs /usr/bin/chromium).
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser --browser

# The website: Sphinx + MyST-NB + the Sphinx Book Theme, from the stored outputs (nothing runs),
# into _site/ (scripts/build_site.py). GitHub Pages publishes it (.github/workflows/site.yml).
site: $(SITE_STAMP)
	$(BIN)/python -m scripts.build_site

# Every page of _site/ in headless Chromium, served from this machine, no other host reachable.
test-site: $(STAMP) site
	$(BIN)/python -m pytest tests/site --site -p no:xdist

glossary: $(STAMP)
	$(BIN)/python -m scripts.glossary

# Every notebook (nbval lax) and the course_utils tests with Colab's versions, in .colab-venv/.
test-colab:
	bash scripts/colab_env_test.sh

clean:
	rm -rf $(VENV) .lessons-venv .colab-venv screenshots .pytest_cache .ruff_cache .hypothesis build _site *.egg-info
