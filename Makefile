# Two commands set everything up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run test lint typecheck unit bench install dev clean

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip

$(STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e .
	touch $@

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	$(BIN)/pip install -q -e ".[dev]"
	touch $@ $(STAMP)

install: $(STAMP)
dev: $(DEV_STAMP)

## Start the assistant on its embedded defaults (local calendar, SQLite, rule grammar).
## Flags for the chat go in ARGS, e.g. make run ARGS="--lang en --tz Europe/Berlin".
ARGS ?=
run: $(STAMP)
	$(BIN)/calendar-assistant chat $(ARGS)

## Lint, type check and the whole test suite.
test: $(DEV_STAMP) lint typecheck unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP)
	$(BIN)/pytest --cov --cov-report=term -q

bench: $(DEV_STAMP)
	$(BIN)/calendar-assistant bench nlu
	$(BIN)/calendar-assistant bench core

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
