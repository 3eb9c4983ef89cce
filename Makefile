# Two commands do all set-up on a fresh machine:
#   make run   - install, index the shared corpus and corpus/, then open the chat UI
#   make test  - install (with test extras and Chromium) and run the whole test suite
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
CORPUS ?= ../shared/corpus
QUESTION ?= Vem beslutar om statsbidraget till regionen?

.PHONY: setup run ask chromium test bench report clean

$(VENV)/.installed: pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# The CPU build of torch lies on local disk; install it first so nothing pulls a CUDA build.
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[dev]"
	touch $@

setup: $(VENV)/.installed

run: setup
	$(BIN)/kulturassistent ingest $(CORPUS) corpus
	$(BIN)/kulturassistent status
	$(BIN)/kulturassistent chat

ask: setup
	$(BIN)/kulturassistent ask "$(QUESTION)"

# The browser tests drive Debian's Chromium (Playwright's own browser download cannot work offline).
chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium; }

test: setup chromium
	$(BIN)/python -m pytest -ra

bench: setup
	$(BIN)/python -m evals.bench_ingest $(CORPUS)
	$(BIN)/python -m evals.bench_ask --corpus $(CORPUS)

report: setup
	$(BIN)/kulturassistent eval report

clean:
	rm -rf data test-artifacts
