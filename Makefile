# The two commands: `make build` (load + dbt build) and `make test` (every test). Both create the
# virtual environment .venv and install the pinned dependencies first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
export TAGIFAI_DUCKDB_PATH ?= $(CURDIR)/warehouse/tagifai.duckdb

.PHONY: help setup build test pytest lint dbt-score docs clean lock bench

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# Every requirements/*.txt is installed in one resolve (base.txt plus one file per optional area).
REQUIREMENTS := $(sort $(wildcard requirements/*.txt))

$(STAMP): $(REQUIREMENTS) pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet $(addprefix -r ,$(REQUIREMENTS))
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

setup: $(STAMP)  ## Create .venv with the pinned dependencies.

build: $(STAMP)  ## Load the data (TAGIFAI_DATA_DIR or the public URLs) and run dbt build.
	mkdir -p $(dir $(TAGIFAI_DUCKDB_PATH))
	$(BIN)/tagifai-build

test: $(STAMP) lint pytest dbt-score  ## Every test: ruff, sqlfluff, pytest (incl. dbt build on real data), dbt-score.

pytest: $(STAMP)  ## Python tests, including dbt builds on the real and generated data.
	$(BIN)/pytest

lint: $(STAMP)  ## ruff on Python, sqlfluff (dbt templater) on models/, macros/, tests/.
	$(BIN)/ruff check scripts tests
	$(BIN)/ruff format --check scripts tests
	TAGIFAI_DUCKDB_PATH=$$(mktemp -d)/lint.duckdb $(BIN)/sqlfluff lint models macros tests

dbt-score: $(STAMP)  ## Conventions on the manifest: descriptions, primary-key tests, sources only in staging.
	TAGIFAI_DUCKDB_PATH=$$(mktemp -d)/score.duckdb $(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint

# Sizes: 2k is the real data; the others are generated (scripts/generate.py) under BENCH_WORK and deleted.
BENCH_SIZES ?= 2k,200k,2M,20M
BENCH_ARGS ?=
bench: $(STAMP)  ## Benchmark loader, dbt build, pandas and a DuckDB baseline (BENCH_SIZES=2k,200k,...).
	$(BIN)/python scripts/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

lock:  ## Re-pin requirements/base.txt from pyproject.toml in a scratch venv.
	rm -rf /tmp/tagifai-lock && $(PYTHON) -m venv /tmp/tagifai-lock
	/tmp/tagifai-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/tagifai-lock/bin/pip freeze --exclude-editable > requirements/base.txt

clean:  ## Remove dbt's target/ and logs/ (keeps .venv and the warehouse).
	rm -rf target logs
