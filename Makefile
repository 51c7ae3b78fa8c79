# Keras a medida: two commands do all the set-up.
#   make serve   - create .venv if missing, install the pinned tools, serve the site
#   make test    - the same venv; lint, guards, every page block, the strict build
.DEFAULT_GOAL := help

PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp

export NO_MKDOCS_2_WARNING := 1
export TF_CPP_MIN_LOG_LEVEL := 3
export TF_ENABLE_ONEDNN_OPTS := 0
export MPLBACKEND := Agg

.PHONY: help install serve build test outputs fresh-check new check lint format timings bench lock clean

help:  ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml requirements.lock package-lock.json
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c requirements.lock -e .
	$(BIN)/python -m ipykernel install --sys-prefix --name python3 >/dev/null
	@if command -v npm >/dev/null; then npm ci --silent --no-audit --no-fund; \
	else echo "npm not found: the accessibility test will be skipped"; fi
	@touch $@

install: $(STAMP)  ## Create .venv and install the pinned dependencies

serve: $(STAMP)  ## Serve the site at http://127.0.0.1:8000 (Spanish at /es/)
	KERAS_A_MEDIDA_SITE_URL=http://127.0.0.1:8000/ $(BIN)/mkdocs serve --dev-addr 127.0.0.1:8000

build: $(STAMP)  ## Build the site into site/ with --strict
	$(BIN)/mkdocs build --strict

new: $(STAMP)  ## Scaffold a component: make new NAME=metrics/my_metric
	@test -n "$(NAME)" || { echo "usage: make new NAME=topic/name (e.g. metrics/my_metric)"; exit 2; }
	$(BIN)/python -m keras_a_medida new $(NAME)

check: $(STAMP)  ## Run every guard and print what to fix
	$(BIN)/python -m keras_a_medida check

lint: $(STAMP)  ## ruff on src/, snippets/, tests/, hooks/ and bench/
	$(BIN)/ruff check src snippets tests hooks bench
	$(BIN)/ruff format --check src snippets tests hooks bench

format: $(STAMP)  ## Let ruff fix what it can
	$(BIN)/ruff check --fix src snippets tests hooks bench
	$(BIN)/ruff format src snippets tests hooks bench

test: lint  ## Everything: lint, guards, page blocks, snippets, strict build
	$(BIN)/pytest

outputs: $(STAMP)  ## Rewrite every page's expected outputs (both languages) from what the code prints
	$(BIN)/pytest docs --update-outputs -q

fresh-check:  ## Clone HEAD to a temp folder; new venv, registry-only install, make test
	.ci/fresh-check

timings: $(STAMP)  ## Time make test against one run of every snippet (ratio)
	$(BIN)/python bench/timings.py

bench: $(STAMP)  ## Time each recipe against its built-in twin into data/bench.json
	$(BIN)/python bench/run.py

lock: $(STAMP)  ## Rewrite requirements.lock from the venv (after changing pyproject.toml)
	$(BIN)/python -m keras_a_medida lock

clean:  ## Remove build output (keeps .venv)
	rm -rf site .pytest_cache .ruff_cache
