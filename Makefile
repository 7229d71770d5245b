# Two commands: `make run` (demo platform on http://127.0.0.1:8000) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin

.PHONY: run test install lint bench fuzz clean

$(BIN)/activate:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(BIN)/activate
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[test]"
	touch $@

install: $(VENV)/.installed

# axe-core for the browser tests' accessibility checks (skipped, with the reason, where npm is missing).
.ci/node/node_modules/axe-core/axe.min.js: .ci/node/package.json
	if command -v npm >/dev/null 2>&1; then cd .ci/node && npm ci --no-audit --no-fund --silent; fi

run: install
	$(BIN)/vrp migrate --no-input
	$(BIN)/vrp demo
	# Report jobs queued from the analysts' page run in a worker beside the server (stopped with it).
	$(BIN)/vrp worker & trap 'kill $$!' EXIT; $(BIN)/vrp runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	# The layers (core < geography < insights < capability apps < reports < demo; pyproject [tool.importlinter]).
	$(BIN)/lint-imports

# PYTEST_ARGS narrows a run, e.g. PYTEST_ARGS='-m "not browser and not slow"' (CI's PostgreSQL pass).
PYTEST_ARGS ?=
test: install lint .ci/node/node_modules/axe-core/axe.min.js
	$(BIN)/pytest $(PYTEST_ARGS)
	# Restarts the PostgreSQL server, so it runs alone, after the parallel suite (it skips, saying why, on SQLite).
	$(BIN)/pytest -n 0 -m restarts_postgres tests/test_faults_web.py

# Coverage-guided fuzzing (atheris) of every parser, FUZZ_SECONDS per parser; fails on any crash. A fixed
# seed makes a run repeatable (the same inputs first); FUZZ_SEED=0 explores afresh.
FUZZ_SECONDS ?= 10
FUZZ_SEED ?= 1
fuzz: install
	$(BIN)/python fuzz/run.py --seconds $(FUZZ_SECONDS) --seed $(FUZZ_SEED)

bench: install
	$(BIN)/python bench/ingest.py

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache
