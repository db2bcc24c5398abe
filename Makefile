# Set-up contract: `make demo` and `make test` each create .venv/ when missing or stale.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_DIR ?= demo-workspace
export NEEDLE_TEST_POSTGRES_URL ?= postgresql+psycopg://needle:needle@localhost:5432/needle_test

.PHONY: install demo test lint services bench docs

WEB := needle/web
SERVE ?= 1

CAPTURE_NODE := tests/capture/node

$(STAMP): pyproject.toml constraints.txt $(WEB)/package-lock.json $(CAPTURE_NODE)/package-lock.json
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -c constraints.txt torch==2.13.0
	$(BIN)/python -m pip install -q -c constraints.txt -e '.[dev,spark]'
	command -v npm >/dev/null 2>&1 || bash scripts/services.sh
	npm ci --prefix $(WEB) --no-audit --no-fund --loglevel=error
	npm ci --prefix $(CAPTURE_NODE) --no-audit --no-fund --loglevel=error
	touch $(STAMP)

install: $(STAMP)

services:
	bash scripts/services.sh

demo: install
	$(BIN)/needle demo $(DEMO_DIR)
	@if [ "$(SERVE)" != 0 ]; then $(BIN)/needle -w $(DEMO_DIR) serve; fi

test: install services
	$(BIN)/python -m pytest

lint: install
	$(BIN)/ruff check needle tests benchmarks
	$(BIN)/mypy needle

bench: install
	$(BIN)/python -m benchmarks

docs: install
	$(BIN)/python -m needle.cli.reference > docs/cli.md
	$(BIN)/python -m needle.cli.json_reference > docs/json.md
	$(BIN)/python -c 'from needle.config import settings_reference as r; print(r(), end="")' > docs/settings.md
