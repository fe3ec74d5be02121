# Quick start: `make run` (set up, then serve the advisor on its embedded SQLite database)
#              `make test` (set up, then run the whole test suite, golden cases included)
# Python 3.11 or 3.12: scripts/find-python.sh takes python3.11, else python3.12 (PATH, then pyenv), or the
# one named by PY=..., and names anything missing (headers, venv, compiler) before pip downloads anything.
# Another venv beside this one: make test PY=python3.12 VENV=.venv-3.12
PY ?=
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: run test setup bench mutate clean

# A set-up that fails (or a venv left without its stamp by an interrupted one) is removed, so that the
# next command starts clean instead of on a half-made .venv.
$(STAMP): pyproject.toml
	@py=$$(bash scripts/find-python.sh $(PY)) || exit 1; \
	if [ ! -f $(STAMP) ]; then rm -rf $(VENV); fi; \
	echo "set-up: $(VENV) with $$py ($$($$py --version 2>&1))"; \
	{ [ -x $(BIN)/python ] || $$py -m venv $(VENV); } && \
	$(BIN)/pip install -q --upgrade pip && \
	$(BIN)/pip install -q -e ".[dev]" || \
	{ rm -rf $(VENV); echo "set-up failed (see above): $(VENV) removed, nothing half-made is left" >&2; exit 1; }
	@touch $(STAMP)

setup: $(STAMP)

run: $(STAMP)
	$(BIN)/advisor serve

test: $(STAMP)
	bash scripts/services.sh
	ADVISOR_REQUIRE_BROWSER=1 ADVISOR_REQUIRE_OFFICE=1 $(BIN)/python -m pytest
	$(BIN)/python -m tests.casefile --advisor "$(BIN)/advisor assess"

mutate: $(STAMP)
	$(BIN)/python bench/mutate.py $(MUTATE_ARGS)

bench: $(STAMP)
	$(BIN)/python bench/engine.py

clean:
	rm -rf $(VENV) data test-artifacts
