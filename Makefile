# `make demo` and `make test` work on a fresh clone: they create .venv on first use.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: demo test install bench clean browser-deps translations cjk-font

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

# `make demo LANG_DEMO=zh` shows the whole flow in Chinese (backprop-lab demo --lang zh).
demo: $(STAMP) cjk-font
	$(BIN)/backprop-lab demo $(if $(LANG_DEMO),--lang $(LANG_DEMO))

# Two workers (pytest-xdist), each taking whole modules: module-scoped fixtures (a built course, a graded
# class) are made once, and the nbgrader-bound modules run beside the rest.
test: $(STAMP) browser-deps cjk-font
	$(BIN)/python -m pytest -n 2 --dist loadfile

# The catalogues of the Chinese course (docs/i18n.md): extract the message ids (pybabel extract), update
# every .po (pybabel update: translations kept, changed texts marked fuzzy), compile the .mo files.
translations: $(STAMP)
	$(BIN)/python tools/translations.py

# The Chinese figures need a CJK font (Debian's fonts-wqy-microhei, installed when missing as root).
cjk-font:
	@sh tools/install-cjk-font.sh

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
