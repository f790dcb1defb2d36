# The two commands: `make build` (load + dbt build) and `make test` (every test). Both create the
# virtual environment .venv and install the pinned packages they need first.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
export DBT_PROFILES_DIR := $(CURDIR)
export DBT_PROJECT_DIR := $(CURDIR)
# The warehouse: $TAGIFAI_DUCKDB_PATH, else warehouse/tagifai.duckdb (profiles.yml and the loader use the
# same default; not exported, so a plain dbt command afterwards sees the same profile and reuses the parse).
WAREHOUSE := $(or $(TAGIFAI_DUCKDB_PATH),warehouse/tagifai.duckdb)
export TAGIFAI_SPARK_DIR ?= $(CURDIR)/warehouse/spark

.PHONY: help setup demo test-prerequisites build test test-fast pytest lint dbt-score docs docs-serve report clean lock setup-spark build-spark test-spark annotations bench setup-label-studio label-studio release orchestrate

help:  ## List the targets.
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

# Set-up installs only what a target needs: requirements/base.txt for the DuckDB path (make build), then
# test.txt (+ labeling.txt, report.txt) for the tests, spark.txt for the spark target, report.txt for charts.
# One stamp per set, so a later target adds its set to the same .venv.
TEST_STAMP := $(VENV)/.installed-test
SPARK_STAMP := $(VENV)/.installed-spark
REPORT_STAMP := $(VENV)/.installed-report
PIP_INSTALL := $(BIN)/pip install --quiet --progress-bar off --disable-pip-version-check

$(STAMP): requirements/base.txt pyproject.toml
	@echo "setup: creating $(VENV) with $(PYTHON) ($$($(PYTHON) --version))"
	$(PYTHON) -m venv $(VENV)
	@echo "setup: installing the DuckDB pipeline's pinned packages (requirements/base.txt)"
	$(PIP_INSTALL) -r requirements/base.txt
	$(PIP_INSTALL) --no-deps -e .
	@echo "setup: done"
	touch $(STAMP)

$(REPORT_STAMP): $(STAMP) requirements/report.txt
	@echo "setup: installing the chart packages (requirements/report.txt)"
	$(PIP_INSTALL) -r requirements/base.txt -r requirements/report.txt
	touch $(REPORT_STAMP)

$(TEST_STAMP): $(STAMP) $(REPORT_STAMP) requirements/test.txt requirements/labeling.txt
	@echo "setup: installing the test and lint tools (requirements/test.txt, labeling.txt)"
	$(PIP_INSTALL) -r requirements/base.txt -r requirements/report.txt -r requirements/test.txt -r requirements/labeling.txt
	touch $(TEST_STAMP)

$(SPARK_STAMP): $(STAMP) requirements/spark.txt
	@echo "setup: installing the spark target's packages (requirements/spark.txt)"
	$(PIP_INSTALL) -r requirements/base.txt -r requirements/spark.txt
	touch $(SPARK_STAMP)

# Dagster for the workflow (make orchestrate and its tests): the three packages pinned together.
ORCH_STAMP := $(VENV)/.installed-orchestrate
$(ORCH_STAMP): $(STAMP) requirements/orchestrate.txt
	@echo "setup: installing Dagster (requirements/orchestrate.txt)"
	$(PIP_INSTALL) -r requirements/base.txt -r requirements/orchestrate.txt
	touch $(ORCH_STAMP)

setup: $(STAMP)  ## Create .venv with the pinned packages of the DuckDB pipeline (make build).

# Label Studio brings Django and about 1 GB of packages: its own venv, pinned in requirements/label-studio.txt.
LS_VENV := .venv-label-studio
LS_STAMP := $(LS_VENV)/.installed
LABEL_STUDIO_PORT ?= 8089

$(LS_STAMP): requirements/label-studio.txt
	$(PYTHON) -m venv $(LS_VENV)
	$(LS_VENV)/bin/pip install --quiet --upgrade pip
	$(LS_VENV)/bin/pip install --quiet -r requirements/label-studio.txt
	touch $(LS_STAMP)

setup-label-studio: $(LS_STAMP)  ## Create .venv-label-studio with the pinned Label Studio (about 1 GB).

label-studio: $(STAMP) $(LS_STAMP)  ## Start Label Studio on 127.0.0.1 (data next to the warehouse); prints the URL and login.
	$(BIN)/python -m tagifai.annotate.server --venv $(LS_VENV) --port $(LABEL_STUDIO_PORT)

# The user's annotations file, if any (a .csv or .json file); `make demo` loads example annotations instead.
TAGIFAI_ANNOTATIONS ?=
# dbt vars for the build, e.g. make build VARS='{min_tag_freq: 20}' (goes through the staged publish).
VARS ?=
BUILD_ARGS := $(if $(strip $(TAGIFAI_ANNOTATIONS)),--annotations $(TAGIFAI_ANNOTATIONS)) \
	$(if $(strip $(VARS)),-- --vars '$(VARS)')
EXAMPLE_ANNOTATIONS := $(dir $(WAREHOUSE))example_annotations.json

build: $(STAMP)  ## Load your data (TAGIFAI_DATA_DIR or the public URLs) and run dbt build; VARS='{...}' sets dbt vars.
	mkdir -p $(dir $(WAREHOUSE))
	$(BIN)/tagifai-build $(BUILD_ARGS)

demo: build  ## make build, then example annotations (marked as examples) generated from the loaded projects.
	$(BIN)/tagifai-generate-annotations --duckdb-path $(WAREHOUSE) --output $(EXAMPLE_ANNOTATIONS)
	$(BIN)/tagifai-build --only example_annotations --example-annotations $(EXAMPLE_ANNOTATIONS) \
		$(if $(strip $(VARS)),-- --vars '$(VARS)')

# Gates and the release folder: TAGIFAI_RELEASE_DIR, RELEASE_ARGS (e.g. --version 2021-03 --min-tags-kept 20).
RELEASE_ARGS ?=
release: $(STAMP)  ## Publish marts.labeled_projects as a gated, immutable release in releases/ (make build first).
	$(BIN)/tagifai-release release $(RELEASE_ARGS)

annotations: $(STAMP)  ## Write the example annotations file from the warehouse (ANNOTATIONS_ARGS="--seed 7 ...").
	mkdir -p $(dir $(EXAMPLE_ANNOTATIONS))
	$(BIN)/tagifai-generate-annotations --duckdb-path $(WAREHOUSE) --output $(EXAMPLE_ANNOTATIONS) $(ANNOTATIONS_ARGS)

# System prerequisites of the tests: Java 17+ (the Spark tests) and Chromium (the docs-site test). As root
# they are installed (as .ci/run does); otherwise the target stops with the command to run.
test-prerequisites:  ## Check (as root: install) what make test needs beyond Python: Java 17+ and Chromium.
	@missing=""; \
	java -version 2>&1 | grep -qE 'version "(1[7-9]|[2-9][0-9])' || missing="$$missing openjdk-17-jre-headless"; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	if [ -n "$$missing" ]; then \
		if [ "$$(id -u)" = 0 ]; then \
			echo "test-prerequisites: installing$$missing"; \
			apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq$$missing; \
		else \
			echo "make test needs$$missing: run sudo apt-get install -y$$missing, then make test again" >&2; exit 1; \
		fi; \
	fi

setup-spark: $(SPARK_STAMP)  ## Install the spark target's packages and check Java 17+.
	@java -version 2>&1 | head -1 || { echo "the spark target needs Java 17+: apt-get install openjdk-17-jre-headless"; exit 1; }
	@$(BIN)/python -c "import pyspark, dbt.adapters.spark; print('pyspark', pyspark.__version__, 'and dbt-spark are installed')"

build-spark: $(SPARK_STAMP)  ## Load, export raw.* to Parquet, dbt build on a local Spark (in TAGIFAI_SPARK_DIR).
	mkdir -p $(dir $(WAREHOUSE)) $(TAGIFAI_SPARK_DIR)
	$(BIN)/tagifai-build-spark

test-spark: $(TEST_STAMP) $(SPARK_STAMP) test-prerequisites  ## Only the Spark tests: build and test on Spark, parity with DuckDB (part of make test).
	$(BIN)/pytest -m spark

test: test-prerequisites $(TEST_STAMP) $(SPARK_STAMP) $(ORCH_STAMP) lint pytest dbt-score  ## Every test: ruff, sqlfluff, pytest (incl. dbt build on real data), dbt-score.

# Two workers (pytest-xdist): most tests wait on a dbt, Spark, Label Studio or Dagster process, so two run
# side by side on two cores; each module stays on one worker (--dist loadfile), longest first (conftest.py's
# order: xdist would otherwise start the modules with the most tests first, and the longest ones last).
TEST_WORKERS ?= 2
pytest: $(TEST_STAMP) $(SPARK_STAMP) $(LS_STAMP) $(ORCH_STAMP) test-prerequisites  ## Python tests, including dbt builds on the real and generated data and a real Label Studio.
	$(BIN)/pytest -n $(TEST_WORKERS) --dist loadfile --no-loadscope-reorder

test-fast: $(TEST_STAMP) $(ORCH_STAMP)  ## The quick subset: loader, tooling and unit-level tests, no dbt build, no Spark (under a minute).
	$(BIN)/pytest -m "not dbt and not spark"

lint: $(TEST_STAMP)  ## ruff on Python, sqlfluff (dbt templater) on models/, macros/, tests/, snapshots/.
	$(BIN)/ruff check scripts tests benchmarks models
	$(BIN)/ruff format --check scripts tests benchmarks models
	@# The templater compiles each model against a warehouse: the models that read a seed while they
	@# compile (the labeling functions) need it there, or sqlfluff skips them.
	lint_dir=$$(mktemp -d) && \
	TAGIFAI_DUCKDB_PATH=$$lint_dir/lint.duckdb $(BIN)/dbt seed --quiet --select labeling_functions --target-path $$lint_dir/target && \
	TAGIFAI_DUCKDB_PATH=$$lint_dir/lint.duckdb $(BIN)/sqlfluff lint models macros tests snapshots

dbt-score: $(TEST_STAMP)  ## Conventions on the manifest: descriptions, primary-key tests, sources only in staging.
	TAGIFAI_DUCKDB_PATH=$$(mktemp -d)/score.duckdb $(BIN)/dbt parse --quiet
	$(BIN)/dbt-score lint

docs: $(STAMP)  ## dbt docs generate into target/ (catalog read from the warehouse: make build first).
	$(BIN)/dbt docs generate

docs-serve: docs  ## Serve the docs site on http://127.0.0.1:8080 (Ctrl-C to stop).
	$(BIN)/dbt docs serve --host 127.0.0.1 --port 8080 --no-browser

report: $(REPORT_STAMP)  ## Charts (PNG) and one self-contained HTML page in reports/ from the warehouse (make build first).
	$(BIN)/tagifai-report --out-dir reports

# Sizes: 2k is the real data; the others are generated (benchmarks/generate.py) under a scratch folder and deleted.
BENCH_SIZES ?= 2k,2M
BENCH_ARGS ?=
bench: $(REPORT_STAMP)  ## Benchmark loader, dbt build, pandas and a DuckDB baseline (BENCH_SIZES=2k,200k,...).
	$(BIN)/python benchmarks/bench.py --sizes $(BENCH_SIZES) $(BENCH_ARGS)

orchestrate: $(ORCH_STAMP)  ## Dagster UI and daemon on http://127.0.0.1:3000 (DAGSTER_HOME beside the warehouse; Ctrl-C stops).
	mkdir -p $(dir $(WAREHOUSE))
	exec $(BIN)/tagifai-orchestrate --port $(or $(DAGSTER_PORT),3000)

lock:  ## Re-pin requirements/base.txt (the pipeline) and test.txt (the test tools) in a scratch venv.
	rm -rf /tmp/tagifai-lock && $(PYTHON) -m venv /tmp/tagifai-lock
	/tmp/tagifai-lock/bin/pip install --quiet -e .
	/tmp/tagifai-lock/bin/pip freeze --exclude-editable > requirements/base.txt
	/tmp/tagifai-lock/bin/pip install --quiet -e '.[dev]'
	/tmp/tagifai-lock/bin/pip freeze --exclude-editable | grep -vxFf requirements/base.txt > requirements/test.txt

clean:  ## Remove dbt's target/ and logs/ (keeps .venv and the warehouse).
	rm -rf target logs
