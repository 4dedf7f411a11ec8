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
	touch $(STAMP)

install: $(STAMP)

demo: $(STAMP)
	$(BIN)/backprop-lab demo

test: $(STAMP) browser-deps
	$(BIN)/python -m pytest

# The browser test needs Debian's Chromium (Playwright's own download is not reachable here).
browser-deps:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "chromium missing: browser tests will be skipped"; fi; }

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_layers.py
	$(BIN)/python benchmarks/bench_grading.py

clean:
	rm -rf $(VENV) assignments/release assignments/autograded assignments/feedback build dist *.egg-info
