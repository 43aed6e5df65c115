# Sluicegate developer commands. `make` (or `make help`) lists them.
#
# Every target that runs project code depends on `setup`, which installs what is missing
# into .venv and is a no-op when nothing changed. Set-up steps are stamp files: a step is
# redone only when a file it depends on is newer than its stamp.

.DEFAULT_GOAL := help
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PY_STAMP := $(VENV)/.stamp
RAY_STAMP := $(VENV)/.ray-stamp
NPM_STAMP := frontend/node_modules/.stamp
BUNDLE := server/sluicegate/web/static/dist/app.js
FRONTEND_SOURCES := $(shell find frontend/src -type f 2>/dev/null)
# The browser's protocol types are generated from these (frontend/scripts/gen-types.mjs).
PROTOCOL_SOURCES := $(wildcard server/sluicegate/protocol/*.py) frontend/scripts/gen-types.mjs
CHROMIUM ?= /usr/bin/chromium

# Folders that are linted; $(wildcard) keeps lint working while one is still empty in git.
LINT_PATHS := $(wildcard server tests benchmarks)
BENCHMARKS := $(sort $(wildcard benchmarks/b*.py))

DEMO_VARS := --var a_sleep=0.2 --var b_sleep=0.2 --var c_sleep=0.2 --var d_sleep=0.1

.PHONY: help setup ray frontend browser postgres demo demo-cli test lint format bench clean

help: ## List the targets (the default)
	@echo "Usage: make TARGET"
	@awk 'BEGIN {FS = ":[^#]*## "} /^[a-zA-Z0-9_-]+:[^#]*## / {printf "  %-8s %s\n", $$1, $$2}' \
		$(MAKEFILE_LIST)

setup: $(PY_STAMP) $(BUNDLE) ## Install sluicegate into .venv and build the browser app (fast when done)

$(PY_STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV) || { \
		echo "error: '$(PYTHON) -m venv' failed; on Debian install python3-venv" >&2; exit 1; }
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input -e '.[dev]'
	@touch $@

ray: $(RAY_STAMP) ## Install the `ray` extra into .venv (the Ray executor's tests; ~285 MB)

$(RAY_STAMP): $(PY_STAMP)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-input -e '.[dev,ray]'
	@touch $@

frontend: $(BUNDLE) ## Build the browser app (esbuild) into server/sluicegate/web/static/dist

$(NPM_STAMP): frontend/package.json frontend/package-lock.json
	cd frontend && npm ci --no-audit --no-fund --loglevel=error
	@touch $@

$(BUNDLE): $(NPM_STAMP) $(PY_STAMP) $(FRONTEND_SOURCES) $(PROTOCOL_SOURCES) frontend/scripts/build.mjs
	cd frontend && npm run --silent build

.PHONY: wheel
wheel: setup ## Build the wheel and sdist into dist/ (with the browser app, the examples and the block library)
	$(BIN)/python -m build --no-isolation --outdir dist .

browser: ## Install Debian's chromium for the browser tests (apt; needs root or sudo)
	@if [ ! -x "$(CHROMIUM)" ]; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq chromium; \
	fi

postgres: ## Install Debian's postgresql for the history tests' Postgres tier (apt; needs root or sudo)
	@if ! command -v initdb >/dev/null && ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then \
		SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
		$$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq postgresql; \
	fi

demo: setup ## Serve the example workspace on 127.0.0.1:8765 and print the address to open
	$(BIN)/sluicegate serve examples --host 127.0.0.1 --port 8765

demo-cli: setup ## Run the seed pipeline of examples/ headless, with live progress in the terminal
	$(BIN)/sluicegate run examples seed_stream $(DEMO_VARS)

test: setup ray browser postgres lint ## Lint, then run the whole test suite (kernel, API, Ray, Postgres, browser)
	SLUICEGATE_TEST_POSTGRES=required SLUICEGATE_REQUIRE_RAY=1 $(BIN)/python -m pytest

lint: setup ## Check style, formatting and types (ruff, ruff format, mypy; tsc and biome for the frontend)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)
	$(BIN)/mypy
	cd frontend && npm run --silent lint

format: setup ## Fix what ruff can fix and reformat the code
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)
	cd frontend && npm run --silent format

bench: setup ## Run benchmarks/b*.py in order; each prints its figures as a JSON line last
	@if [ -z "$(BENCHMARKS)" ]; then echo "no benchmarks/b*.py yet"; fi
	@for b in $(BENCHMARKS); do echo "== $$b"; $(BIN)/python $$b; done

clean: ## Remove caches, build output, node_modules and run data of examples/ (keeps .venv)
	rm -rf .pytest_cache .mypy_cache .ruff_cache build dist examples/.sluicegate test-artifacts
	rm -rf server/sluicegate/web/static/dist frontend/node_modules
	find . -path ./$(VENV) -prune -o -path ./node_modules -prune -o \
		\( -name __pycache__ -o -name '*.egg-info' \) -type d -print0 | xargs -0 -r rm -rf
