# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
DEMO_DIR ?= demo-workspace
DEMO_SCALE ?= medium
DEMO_SEED ?= 42
HOST ?= 127.0.0.1
PORT ?= 8000
PIP := $(BIN)/python -m pip install -q --disable-pip-version-check -c constraints.txt

.PHONY: run test bench install install-dev system-deps lint format demo clean-demo lock

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.core: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e .
	touch $@

$(VENV)/.dev: pyproject.toml constraints.txt $(VENV)/.core
	$(PIP) -e '.[spark,postgres,dev]'
	touch $@

install: $(VENV)/.core
install-dev: $(VENV)/.dev

system-deps:
	bash scripts/system-deps.sh

$(DEMO_DIR)/headway.yml: | $(VENV)/.core
	$(BIN)/headway demo $(DEMO_DIR) --seed $(DEMO_SEED) --scale $(DEMO_SCALE)

demo: $(DEMO_DIR)/headway.yml

## make run: set up, build the demo workspace if absent, serve it on http://$(HOST):$(PORT)
run: install demo
	$(BIN)/headway serve -w $(DEMO_DIR) --host $(HOST) --port $(PORT)

## make test: set up (venv, Java, chromium, PostgreSQL when missing) and run the whole suite
test: install-dev system-deps
	$(BIN)/ruff check headway tests bench
	$(BIN)/ruff format --check headway tests bench
	$(BIN)/mypy
	$(BIN)/python -m pytest
	@echo "again on a machine far from UTC (answers must not depend on the machine's time zone):"
	TZ=America/Los_Angeles $(BIN)/python -m pytest -p no:cacheprovider tests/conformance tests/test_cli.py tests/test_engine_v2.py

## make bench: time headway against hand-written SQL on the medium demo
bench: install-dev system-deps
	bash scripts/bench-deps.sh
	$(BIN)/python bench/run.py

lint: install-dev
	$(BIN)/ruff check headway tests bench
	$(BIN)/ruff format --check headway tests bench
	$(BIN)/mypy

format: install-dev
	$(BIN)/ruff format headway tests bench
	$(BIN)/ruff check --fix headway tests bench

clean-demo:
	rm -rf $(DEMO_DIR)

## make lock: refresh constraints.txt from the current venv
lock: install-dev
	$(BIN)/python -m pip freeze --exclude-editable | grep -v '^headway' > constraints.txt
