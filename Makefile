# Two commands do everything on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export WUDU_DATA_DIR ?= $(CURDIR)/data
export DAGSTER_HOME ?= $(CURDIR)/.dagster_home
export WUDU_DEMO ?= 1
export PATH := $(CURDIR)/$(BIN):$(PATH)
START ?= 2026-09-07
DAYS ?= 5
SCALE ?= district

.PHONY: setup run test test-fast ui demo-data dbt-parse docs clean

$(BIN)/wudu: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test]'
	touch $(BIN)/wudu

setup: $(BIN)/wudu dbt-parse
	@mkdir -p $(DAGSTER_HOME)
	@cp -n orchestration/dagster.yaml $(DAGSTER_HOME)/dagster.yaml 2>/dev/null || true

# dagster-dbt's prepare_if_dev() only runs under `dagster dev`: parse here so the manifest exists.
dbt-parse: $(BIN)/wudu
	cd dbt_project && ../$(BIN)/dbt deps --quiet >/dev/null 2>&1 || true
	cd dbt_project && ../$(BIN)/dbt parse --quiet --profiles-dir .

demo-data: setup
	$(BIN)/wudu demo-data --out $(WUDU_DATA_DIR) --start $(START) --days $(DAYS) --scale $(SCALE)

run: demo-data
	$(BIN)/wudu run --start $(START) --days $(DAYS)

# Everything; the fast tier (tests/unit) is ordered first by tests/conftest.py.
test: setup
	$(BIN)/python -m pytest -q -ra

# Seconds, not minutes: rules, generators and layering without a warehouse run.
test-fast: setup
	$(BIN)/python -m pytest -q -ra tests/unit

ui: setup
	$(BIN)/dagster dev -h 127.0.0.1 -p 3000

docs: setup
	cd dbt_project && WUDU_BUILD_DB=$(WUDU_DATA_DIR)/warehouse/build/wudu_build.duckdb ../$(BIN)/dbt docs generate --profiles-dir .

clean:
	rm -rf $(VENV) data .dagster_home dbt_project/target
