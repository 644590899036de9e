# Two commands do everything on a fresh machine that has python3 (3.10+) and make:
#   make lab    set up, then start JupyterLab on notebooks/
#   make test   set up, then run the unit tests and every notebook under nbval
# Set MNIST_DIR=/path/to/folder to use a local copy of the four MNIST .gz files
# instead of downloading them.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup data lab test test-browser browser-deps bench clean

setup: $(STAMP) data

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 10) else "Python 3.10 or newer is needed; this python3 is " + sys.version.split()[0])'
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet -e '.[test]'
	@touch $(STAMP)

data: $(STAMP)
	$(PY) -m helpers.mnist

# JupyterLab refuses to run as root unless told; only add the flag when needed.
ROOT_FLAG := $(if $(filter 0,$(shell id -u)),--allow-root)

lab: setup
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks $(ROOT_FLAG) $(LAB_ARGS)

test: setup
	$(PY) -m pytest

# JupyterLab in a real Chromium, driven by Playwright (tests/browser/README.md); `make test`
# never needs a browser. CHROMIUM=/path/to/chrome uses another Chrome or Chromium.
CHROMIUM ?= /usr/bin/chromium

test-browser: browser-deps
	CHROMIUM="$(CHROMIUM)" $(PY) -m pytest -p no:nbval -p no:cacheprovider -o addopts= tests/browser

browser-deps:
	@test -x "$(CHROMIUM)" || { \
	  echo "The browser tests need Chromium, and there is none at $(CHROMIUM)."; \
	  echo "Install it (Debian/Ubuntu: sudo apt-get install chromium), or point to a Chrome"; \
	  echo "or Chromium you have: make test-browser CHROMIUM=/path/to/chrome"; \
	  exit 1; }
	@$(MAKE) --no-print-directory setup
	@test $(VENV)/.installed-browser -nt pyproject.toml || { \
	  $(PY) -m pip install --quiet -e '.[test,browser]' && touch $(VENV)/.installed-browser; }

bench: setup
	$(PY) benchmarks/run_all.py

clean:
	rm -rf $(VENV) build *.egg-info
