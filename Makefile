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
export TAGIFAI_SPARK_DIR ?= $(CURDIR)/warehouse/spark

.PHONY: help setup build test test-fast pytest lint dbt-score docs docs-serve report clean lock setup-spark build-spark test-spark annotations bench orchestrate

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

# Annotations to load: TAGIFAI_ANNOTATIONS (a .csv or .json file), else an example set generated from the
# real projects next to the warehouse (tagifai-generate-annotations, default annotators and seed).
EXAMPLE_ANNOTATIONS := $(dir $(TAGIFAI_DUCKDB_PATH))example_annotations.json
TAGIFAI_ANNOTATIONS ?=

build: $(STAMP)  ## Load the data (TAGIFAI_DATA_DIR or the public URLs) and annotations, and run dbt build.
	mkdir -p $(dir $(TAGIFAI_DUCKDB_PATH))
ifeq ($(strip $(TAGIFAI_ANNOTATIONS)),)
	$(BIN)/tagifai-generate-annotations --output $(EXAMPLE_ANNOTATIONS)
	$(BIN)/tagifai-build --annotations $(EXAMPLE_ANNOTATIONS)
else
	$(BIN)/tagifai-build --annotations $(TAGIFAI_ANNOTATIONS)
endif

annotations: $(STAMP)  ## Write the example annotations file (override with ANNOTATIONS_ARGS="--seed 7 ...").
	mkdir -p $(dir $(EXAMPLE_ANNOTATIONS))
	$(BIN)/tagifai-generate-annotations --output $(EXAMPLE_ANNOTATIONS) $(ANNOTATIONS_ARGS)

setup-spark: $(STAMP)  ## Check what the spark target needs: Java 17+ and pyspark (installed by setup).
	@java -version 2>&1 | head -1 || { echo "the spark target needs Java 17+: apt-get install openjdk-17-jre-headless"; exit 1; }
	@$(BIN)/python -c "import pyspark, dbt.adapters.spark; print('pyspark', pyspark.__version__, 'and dbt-spark are installed')"

build-spark: $(STAMP)  ## Load, export raw.* to Parquet, dbt build on a local Spark (in TAGIFAI_SPARK_DIR).
	mkdir -p $(dir $(TAGIFAI_DUCKDB_PATH)) $(TAGIFAI_SPARK_DIR)
	$(BIN)/tagifai-build-spark

test-spark: $(STAMP)  ## Only the Spark tests: build and test on Spark, parity with DuckDB (part of make test).
	$(BIN)/pytest -m spark

test: $(STAMP) lint pytest dbt-score  ## Every test: ruff, sqlfluff, pytest (incl. dbt build on real data), dbt-score.

pytest: $(STAMP)  ## Python tests, including dbt builds on the real and generated data.
	$(BIN)/pytest

test-fast: $(STAMP)  ## The quick subset: loader, tooling and unit-level tests, no dbt build, no Spark (under a minute).
	$(BIN)/pytest -m "not dbt and not spark"

lint: $(STAMP)  ## ruff on Python, sqlfluff (dbt templater) on models/, macros/, tests/, snapshots/.
	$(BIN)/ruff check scripts tests benchmarks
	$(BIN)/ruff format --check scripts tests benchmarks
	@# The templater compiles each model against a warehouse: the models that read a seed while they
	@# compile (the labeling functions) need it there, or sqlfluff skips them.
	lint_dir=$$(mktemp -d) && \
	TAGIFAI_DUCKDB_PATH=$$lint_dir/lint.duckdb $(BIN)/dbt seed --quiet --select labeling_functions --target-path $$lint_dir/target && \
	TAGIFAI_DUCKDB_PATH=$$lint_dir/lint.duckdb $(BIN)/sqlfluff lint models macros tests snapshots

dbt-score: $(STAMP)  ## Conventions on the manifest: descriptions, primary-key tests, sources only in staging.
	TAGIFAI_DUCKDB_PATH=$$(mktemp -d)/score.duckdb $(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint

docs: $(STAMP)  ## dbt docs generate into target/ (catalog read from the warehouse: make build first).
	$(BIN)/dbt docs generate

docs-serve: docs  ## Serve the docs site on http://127.0.0.1:8080 (Ctrl-C to stop).
	$(BIN)/dbt docs serve --host 127.0.0.1 --port 8080 --no-browser

report: $(STAMP)  ## Charts (PNG) and one self-contained HTML page in reports/ from the warehouse (make build first).
	$(BIN)/tagifai-report --out-dir reports

# Sizes: 2k is the real data; the others are generated (benchmarks/generate.py) under a scratch folder and deleted.
BENCH_SIZES ?= 2k,200k,2M,20M
BENCH_ARGS ?=
bench: $(STAMP)  ## Benchmark loader, dbt build, pandas and a DuckDB baseline (BENCH_SIZES=2k,200k,...).
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

orchestrate: $(STAMP)  ## Dagster UI and daemon on http://127.0.0.1:3000 (DAGSTER_HOME beside the warehouse; Ctrl-C stops).
	mkdir -p $(dir $(TAGIFAI_DUCKDB_PATH))
	exec $(BIN)/tagifai-orchestrate --port $(or $(DAGSTER_PORT),3000)

lock:  ## Re-pin requirements/base.txt from pyproject.toml in a scratch venv.
	rm -rf /tmp/tagifai-lock && $(PYTHON) -m venv /tmp/tagifai-lock
	/tmp/tagifai-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/tagifai-lock/bin/pip freeze --exclude-editable > requirements/base.txt

clean:  ## Remove dbt's target/ and logs/ (keeps .venv and the warehouse).
	rm -rf target logs
