# Two commands for learners:  make lab  |  make test
# Everything runs inside .venv, created from requirements.txt (exact pins) on first use and
# reinstalled only when requirements.txt or pyproject.toml changes.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
# Notebooks run in parallel, one whole notebook per worker (their cells must share a kernel).
PYTEST_PARALLEL ?= -n 2 --dist loadfile

.DEFAULT_GOAL := help
.PHONY: help venv lab test test-unit lint execute badges bench gifs data test-browser test-colab clean

help:
	@echo "make lab           create .venv if needed and open JupyterLab on notebooks/"
	@echo "make test          create .venv if needed; ruff, unit tests, doctests, nbval on every notebook"
	@echo "make test-unit     the same without the notebooks (a quick loop while editing course_utils)"
	@echo "make execute       re-run every notebook in place, top to bottom, in a fresh kernel"
	@echo "make badges        regenerate Colab badges and install lines from course_utils/colab.py"
	@echo "make gifs          regenerate the animated GIFs under course_utils/figures/"
	@echo "make data          rebuild data/mnist_sample.npz from its source package"
	@echo "make bench         time the NumPy convolutions against tf.nn.conv2d"
	@echo "make test-browser  run every notebook in JupyterLab in headless Chromium"
	@echo "make test-colab    run the notebooks with Colab's package versions (nbval lax)"

venv: $(STAMP)

$(STAMP): requirements.txt pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed, found " + sys.version.split()[0])'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# Jupyter refuses to start as root unless told (containers, a root shell in WSL).
LAB_ARGS ?= $(if $(filter 0,$(shell id -u)),--allow-root,)

lab: $(STAMP)
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

# Every notebook in JupyterLab in headless Chromium (tests/browser/; needs /usr/bin/chromium).
test-browser: $(STAMP)
	$(BIN)/python -m pytest tests/browser --browser

# Every notebook (nbval lax) and the course_utils tests with Colab's versions, in .colab-venv/.
test-colab:
	bash scripts/colab_env_test.sh

clean:
	rm -rf $(VENV) .colab-venv screenshots .pytest_cache .ruff_cache .hypothesis build *.egg-info
