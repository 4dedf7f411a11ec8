# `make demo` and `make test` work on a fresh clone: they create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench clean browser-deps

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

# Reinstall when the project's metadata changes; editable, so code edits need no reinstall.
$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	@# PyTorch is an optional cross-check: take it only from a local wheel (never a multi-GB download).
	@if ls /opt/wheels/torch-2.13.0* >/dev/null 2>&1; then $(BIN)/pip install --quiet torch==2.13.0; \
	 else echo "no local torch wheel: the PyTorch cross-checks will be skipped"; fi
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/backprop-lab demo

# Two workers (pytest-xdist), each taking whole modules: module-scoped fixtures (a built course, a graded
# class) are made once, and the nbgrader-bound modules run beside the rest.
test: $(STAMP) browser-deps
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The browser test drives Debian's Chromium (/usr/bin/chromium); Playwright's own download is not reachable.
# Installs it when missing (as root, with apt-get); see the script for what happens elsewhere.
browser-deps:
	@sh tests/browser/install-chromium.sh

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_layers.py
	$(BIN)/python benchmarks/bench_grading.py
	$(BIN)/python benchmarks/bench_capstone.py --grade --notebook

clean:
	rm -rf $(VENV) assignments/release assignments/autograded assignments/feedback build dist *.egg-info
