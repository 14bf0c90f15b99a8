# casedesk — the one entry point.  `make run` and `make test` are all a new user needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 8000
export PORT

.PHONY: run test deps lint format migrate demo bench-data bench clean

$(BIN)/casedesk: pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $@

## run: the system on SQLite (./var/) with demo data, web + worker on http://127.0.0.1:$(PORT)/
run: $(BIN)/casedesk
	$(BIN)/casedesk migrate --no-input
	$(BIN)/casedesk demo --if-empty
	$(BIN)/casedesk serve --port $(PORT)

## test: every test (SQLite by default, PostgreSQL when DATABASE_URL is set), on
## TEST_WORKERS processes (pytest-xdist; default: one per core, 0 for one process)
TEST_WORKERS ?= auto
test: $(BIN)/casedesk deps
	$(BIN)/pytest -n $(TEST_WORKERS) $(PYTEST_ARGS)

## deps: the system packages the tests need (Chromium, a CJK font, gettext), by apt if missing
deps:
	scripts/system-deps

lint: $(BIN)/casedesk
	$(BIN)/ruff check src tests bench
	$(BIN)/ruff format --check src tests bench
	$(BIN)/mypy
	$(BIN)/lint-imports

format: $(BIN)/casedesk
	$(BIN)/ruff format src tests bench
	$(BIN)/ruff check --fix src tests bench

migrate: $(BIN)/casedesk
	$(BIN)/casedesk migrate --no-input

demo: $(BIN)/casedesk
	$(BIN)/casedesk demo

## bench-data: fill $(BENCH_DATABASE_URL) with $(BENCH_CASES) generated CASEs (once)
## bench: the API benchmark against it (gunicorn on 127.0.0.1); see docs/PERFORMANCE.md
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/casedesk_bench
BENCH_CASES ?= 100000
bench-data: $(BIN)/casedesk
	$(BIN)/python bench/generate.py --database-url $(BENCH_DATABASE_URL) --cases $(BENCH_CASES) --if-empty

bench: $(BIN)/casedesk
	$(BIN)/python bench/api_bench.py --database-url $(BENCH_DATABASE_URL) --cases $(BENCH_CASES) $(BENCH_ARGS)

clean:
	rm -rf $(VENV) var .pytest_cache .ruff_cache .mypy_cache .import_linter_cache
