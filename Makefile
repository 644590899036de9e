# Two commands do everything on a fresh machine that has python3 (3.10+) and make:
#   make lab    set up, then start JupyterLab on notebooks/
#   make test   set up, then run the unit tests and every notebook under nbval
# Set MNIST_DIR=/path/to/folder to use a local copy of the four MNIST .gz files
# instead of downloading them.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup data lab test test-browser bench clean

setup: $(STAMP) data

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; this python3 is " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

data: $(STAMP)
	$(PY) -m helpers.mnist

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks

test: setup
	$(PY) -m pytest

test-browser: setup
	$(PY) -m pytest -p no:nbval tests/browser

bench: setup
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
