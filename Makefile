# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export WUDU_DATA_DIR ?= $(CURDIR)/data
# the instance follows the data directory (as `wudu run` does), not the directory make runs in
export DAGSTER_HOME ?= $(WUDU_DATA_DIR)/.dagster_home
# honoured only in a data directory `wudu demo-data` wrote (marker .wudu-demo); real data needs WUDU_PII_KEY
export WUDU_DEMO ?= 1
export PATH := $(CURDIR)/$(BIN):$(PATH)
START ?= 2026-09-07
DAYS ?= 5
SCALE ?= district

.PHONY: setup run test test-fast ui demo-data dbt-parse docs clean fonts browser java

$(BIN)/wudu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/wudu

setup: $(BIN)/wudu dbt-parse fonts
	@mkdir -p $(DAGSTER_HOME)
	@cp -n orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true

# The report charts name Noto Sans CJK SC so Chinese labels never render as boxes (make run needs it);
# the report and Data Docs tests open HTML in Debian's chromium (playwright drives it, no download).
fonts:
	@fc-list 2>/dev/null | grep -q "Noto Sans CJK" || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q fonts-noto-cjk)
browser:
	@command -v chromium >/dev/null || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium)

# the Spark tier (WUDU_ENGINE=spark, tests marked `spark`) runs the pyspark wheel's Spark on Java 17
java:
	@command -v java >/dev/null || \
		(apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q openjdk-17-jre-headless)

# dagster-dbt's prepare_if_dev() only runs under `dagster dev`: parse here so the manifest exists.
dbt-parse: $(BIN)/wudu
	cd dbt_project && ../$(BIN)/dbt deps --quiet >/dev/null 2>&1 || true
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .

demo-data: setup
	$(BIN)/wudu demo-data --out $(WUDU_DATA_DIR) --start $(START) --days $(DAYS) --scale $(SCALE)

run: demo-data
	$(BIN)/wudu run --start $(START) --days $(DAYS)

# Everything, on TEST_WORKERS pytest-xdist workers (two cores here: much of a test is waiting on a
# subprocess, a JVM or a server); tests/conftest.py puts the fast tier first and groups the tests
# that share a fixture. TEST_WORKERS=0 runs them in one process.
TEST_WORKERS ?= 2
test: setup browser java
	$(BIN)/python -m pytest -q -ra --durations=30 -n $(TEST_WORKERS) --dist loadscope --no-loadscope-reorder

# Seconds, not minutes: rules, generators and layering without a warehouse run.
test-fast: setup
	$(BIN)/python -m pytest -q -ra tests/unit

# the demo's "today" is the day after its last day, so the freshness check is green on a fresh demo
ui: export WUDU_TODAY ?= $(shell date -d "$(START) + $(DAYS) days" +%F)
ui: setup
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

docs: setup
	cd dbt_project && WUDU_BUILD_DB=$(WUDU_DATA_DIR)/warehouse/build/wudu_build.duckdb ../$(BIN)/dbt docs generate --profiles-dir .

clean:
	rm -rf $(VENV) data .dagster_home dbt_project/target
