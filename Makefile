# Two commands do everything on a fresh machine that has python3 (3.10+) and make:
#   make lab    set up, then start JupyterLab on notebooks/
#   make test   set up, then run the unit tests and every notebook under nbval
# Set MNIST_DIR=/path/to/folder to use a local copy of the four MNIST .gz files
# instead of downloading them.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: setup data lab test test-browser browser-deps bench clean student execute diagrams

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

# The student edition: notebooks/ with every cell tagged `solution` replaced by an empty answer
# cell, written to student/ (git-ignored). It needs only python3 (tools/student.py).
student:
	$(PYTHON) tools/student.py notebooks student

# The diagrams of the notebooks, written as SVG into notebooks/images/ (tools/diagrams.py).
diagrams:
	$(PYTHON) tools/diagrams.py

# Re-execute notebooks in place, top to bottom, as they are committed (no run times, no widget
# state, language_info cut to its name): make execute NB=notebooks/03_one_hidden_layer_mse.ipynb
# The widget state is recorded and then cleared with the rest of the notebook's metadata: with
# store_widget_state=False, nbclient fails with a KeyError on a cell that uses `interact`.
NB ?= notebooks/[0-9][0-9]_*.ipynb
execute: setup
	$(VENV)/bin/jupyter nbconvert --to notebook --execute --inplace --ExecutePreprocessor.timeout=1800 \
	  --ExecutePreprocessor.record_timing=False --ExecutePreprocessor.store_widget_state=True \
	  --ClearMetadataPreprocessor.enabled=True --ClearMetadataPreprocessor.clear_cell_metadata=False \
	  "--ClearMetadataPreprocessor.preserve_nb_metadata_mask=[('language_info','name'),'kernelspec']" $(NB)

clean:
	rm -rf $(VENV) build *.egg-info
