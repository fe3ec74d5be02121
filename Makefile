# Quick start: `make run` (set up, then serve the advisor on its embedded SQLite database)
#              `make test` (set up, then run the whole test suite, golden cases included)
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench mutate clean

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null || { echo "Python 3.11 is required (durable_rules does not build on 3.13)"; exit 1; }
	$(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e ".[dev]"
	touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/advisor serve

test: $(STAMP)
	bash scripts/services.sh
	ADVISOR_REQUIRE_BROWSER=1 $(BIN)/python -m pytest
	$(BIN)/python -m tests.casefile --advisor "$(BIN)/advisor assess"

mutate: $(STAMP)
	$(BIN)/python bench/mutate.py $(MUTATE_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) data test-artifacts
