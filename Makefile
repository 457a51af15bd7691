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
NOTES ?= 100000
SEED ?= 0
PYTEST_ARGS ?=
LAB_ARGS ?=
# The browser test drives Debian's Chromium (never a downloaded browser) and needs CJK fonts.
CHROMIUM ?= /usr/bin/chromium
BROWSER_PACKAGES := chromium fonts-noto-cjk

.PHONY: help setup browser report test lab bench lint format lock clean-venv

help: ## Show this help
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-12s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

$(INSTALLED): requirements.lock pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r requirements.lock
	$(BIN)/python -m pip install --quiet --no-deps -e .
	@touch $@

# `ipykernel install --sys-prefix --name redcat`, plus `--ext=redcat.lab` (autoreload in `make lab`).
$(KERNEL): $(INSTALLED) src/redcat/lab.py
	$(BIN)/python -m redcat.lab --install-kernel

setup: $(INSTALLED) $(KERNEL) ## Create .venv from the lock file and install the `redcat` Jupyter kernel (idempotent)

$(DATA)/notes.parquet: | $(INSTALLED)
	$(BIN)/redcat simulate $(DATA) --notes $(NOTES) --seed $(SEED) --overwrite

report: setup $(DATA)/notes.parquet ## Simulate the default world if data/ has none, then run every report into reports/<run_id>/
	$(BIN)/redcat run --data $(DATA) $(if $(PARAMS),--params $(PARAMS))
	@echo "open reports/latest/ for the newest report"

# Quiet and quick when both are there; otherwise apt-get (as root, or through sudo).
browser: ## Install Debian's chromium and fonts-noto-cjk for the browser test, if missing
	@missing=""; \
	test -x $(CHROMIUM) || missing="chromium"; \
	dpkg-query -W -f='$${Status}' fonts-noto-cjk 2>/dev/null | grep -q "ok installed" \
		|| missing="$$missing fonts-noto-cjk"; \
	if [ -n "$$missing" ]; then \
		missing=$$(echo $$missing); \
		if ! command -v apt-get >/dev/null 2>&1; then \
			echo "make browser: the browser test needs the Debian packages '$$missing' ($(CHROMIUM) and CJK fonts), and apt-get is not available: install them by hand" >&2; exit 1; \
		fi; \
		if [ "$$(id -u)" = 0 ]; then sudo=""; \
		elif command -v sudo >/dev/null 2>&1; then sudo="sudo"; \
		else echo "make browser: installing '$$missing' needs root or sudo; run as root: apt-get install $$missing" >&2; exit 1; fi; \
		echo "make browser: installing $$missing (apt-get)"; \
		$$sudo apt-get update -qq \
		&& $$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing >/dev/null \
		|| { echo "make browser: apt-get install $$missing failed (see above)" >&2; exit 1; }; \
		test -x $(CHROMIUM) || { echo "make browser: $(CHROMIUM) still missing after installing chromium" >&2; exit 1; }; \
	fi

test: setup browser ## Run the test suite (installs the browser test's chromium and CJK fonts if missing)
	$(BIN)/python -m pytest -n 2 --dist loadfile $(PYTEST_ARGS)

lab: setup $(DATA)/notes.parquet ## Start JupyterLab on the `redcat` kernel (notebooks/ as root, autoreload on)
	$(BIN)/python -m redcat.lab $(LAB_ARGS)

# `make bench` times every stage at BENCH_NOTES (quick default); the big sizes:
#   make bench BENCH_NOTES=100000,1000000,3000000   (worlds cached in BENCH_DATA, 1M+ under flock)
# BENCH_ALL=1 also runs the other benchmarks/bench_*.py scripts (each with its own defaults).
BENCH_NOTES ?= 30000,100000
BENCH_ALL ?=
bench: setup ## Time and peak memory per stage at BENCH_NOTES notes (see the README's Performance)
	BENCH_NOTES=$(BENCH_NOTES) OMP_NUM_THREADS=2 $(BIN)/python benchmarks/bench_stages.py
	@if [ -n "$(BENCH_ALL)" ]; then for script in benchmarks/bench_*.py; do \
		[ "$$script" = benchmarks/bench_stages.py ] && continue; \
		echo "== $$script"; $(BIN)/python $$script || exit 1; done; fi

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
