# redcat: `make report` builds the reports, `make test` runs the tests. Each sets itself up.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed
KERNEL := $(VENV)/share/jupyter/kernels/redcat/kernel.json
DATA ?= data/default
PARAMS ?=
NOTES ?= 30000
SEED ?= 0
PYTEST_ARGS ?=

.PHONY: help setup report test lab bench lint format lock clean-venv

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

$(KERNEL): $(INSTALLED)
	$(BIN)/python -m ipykernel install --sys-prefix --name redcat --display-name "Python (redcat)"

setup: $(INSTALLED) $(KERNEL) ## Create .venv from the lock file and install the `redcat` Jupyter kernel (idempotent)

$(DATA)/notes.parquet: | $(INSTALLED)
	$(BIN)/redcat simulate $(DATA) --notes $(NOTES) --seed $(SEED) --overwrite

report: setup $(DATA)/notes.parquet ## Simulate the default world if data/ has none, then run every report into reports/<run_id>/
	$(BIN)/redcat run --data $(DATA) $(if $(PARAMS),--params $(PARAMS))
	@echo "open reports/latest/ for the newest report"

test: setup ## Run the test suite
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lab: setup ## Start JupyterLab on the project kernel
	$(BIN)/jupyter lab --notebook-dir=notebooks

bench: setup ## Run the benchmarks and print their figures
	@for script in benchmarks/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: setup ## Lint and format-check the code; check notebooks carry no outputs
	$(BIN)/ruff check src tests benchmarks notebooks
	$(BIN)/ruff format --check src tests benchmarks
	$(BIN)/python .ci/check_notebooks.py notebooks

format: setup ## Format the code and strip notebook outputs (keeps cell tags)
	$(BIN)/ruff format src tests benchmarks
	$(BIN)/ruff check --fix src tests benchmarks
	$(BIN)/nbstripout --keep-id notebooks/*.ipynb

lock: ## Re-pin every dependency (needs network to the registry) and regenerate environment.yml
	$(BIN)/python -m pip install --quiet uv
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --generate-hashes -o requirements.lock
	$(BIN)/python .ci/environment_yml.py requirements.lock > environment.yml

clean-venv: ## Remove the virtual environment
	rm -rf $(VENV)
