# Everyday commands. `make run` and `make test` install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Both lock files are resolved for Python 3.11+ on every platform, with a hash for every file.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --upgrade \
	--quiet --custom-compile-command "make lock"

.PHONY: install lock run test screenshots lint migrate data clean bench bench-smoke

# Python caches what it compiles, and pytest what it rewrites, even where the environment says not to
# (PYTHONDONTWRITEBYTECODE=1 here): without the caches every test process rewrote the asserts of some 350 modules
# of its plugins again (schemathesis, hypothesis: 4 of its 8 s of collecting), and every worker and server a test
# starts compiled the project anew.
unexport PYTHONDONTWRITEBYTECODE

install: $(STAMP)

# Exactly the locked versions, each checked against its hash; then the project itself, which adds none.
$(STAMP): requirements/dev.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet --require-hashes -r requirements/dev.txt
	$(BIN)/pip install --quiet --no-deps -e .
	touch $(STAMP)

# Refresh the locks from pyproject.toml (newest versions it allows): requirements/dev.txt for `make install`,
# and requirements/base.txt, the same versions without [dev], for production.
lock: install
	$(LOCK) --extra dev --output-file requirements/dev.txt
	$(LOCK) --constraint requirements/dev.txt --output-file requirements/base.txt

migrate: install
	$(BIN)/python manage.py migrate --noinput

data: migrate
	$(BIN)/python manage.py load_reference_data

# Web, Celery worker and beat together; Ctrl-C stops all three. `PORT=8123 make run` serves on 8123, and links in
# emails follow it unless SITE_URL says otherwise (honcho gives each process its own PORT, so SITE_URL is set here).
PORT ?= 8000
run: data
	SITE_URL=$${SITE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/honcho start --port $(PORT)

# The page audits' tools (axe-core, the Nu HTML checker), pinned in package-lock.json; skipped without npm.
node_modules/.installed: package-lock.json
	@if command -v npm >/dev/null; then npm ci --no-audit --no-fund --silent && touch $@; \
	else echo "npm not found: the page audits (tests/pages) will be skipped"; fi

# One test process more than the machine has cores: a third of the suite's time is spent waiting on the servers,
# browsers and workers it starts, which a third process fills (on two cores pytest takes about 10 s less on each
# database; docs/benchmarks.md, "The test suite"). The fault drills are in the same run, one after another in one
# process (tests/conftest.py says how), mostly waiting on the servers they restart while the other processes work.
TEST_PROCESSES ?= $(shell $(PYTHON) -c "import os; print(os.cpu_count() + 1)")

test: install node_modules/.installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n $(TEST_PROCESSES) --dist worksteal $(PYTEST_ARGS)

# The browser tests and page audits, saving each page as Chromium draws it to var/screenshots/, for a person to
# look at (`make test` takes none: they were a fifth of those tests' time).
screenshots: install node_modules/.installed
	SCREENSHOTS=1 $(BIN)/pytest -n $(TEST_PROCESSES) tests/pages tests/treaties/test_browser.py $(PYTEST_ARGS)

# Benchmarks (bench/, figures in docs/benchmarks.md): each against its ceiling, interleaved, on PostgreSQL, each in
# a database of its own that it generates once. `make bench` takes an hour or more; `make bench-smoke` runs each
# on a tiny dataset in fresh databases, so that CI notices a benchmark that no longer runs.
PG ?= postgres://postgres@127.0.0.1:5432
BENCH_BROKER_URL ?= redis://127.0.0.1:6379/14
bench: install
	-createdb -h 127.0.0.1 -U postgres treaty_bench_pages 2>/dev/null
	-createdb -h 127.0.0.1 -U postgres treaty_bench_alerts 2>/dev/null
	-createdb -h 127.0.0.1 -U postgres treaty_bench_send 2>/dev/null
	-createdb -h 127.0.0.1 -U postgres treaty_bench_feeds 2>/dev/null
	DATABASE_URL=$(PG)/treaty_bench_pages $(BIN)/python bench/pages.py
	DATABASE_URL=$(PG)/treaty_bench_pages $(BIN)/python bench/statement_search.py --plans
	DATABASE_URL=$(PG)/treaty_bench_alerts $(BIN)/python bench/reminder_scan.py
	DATABASE_URL=$(PG)/treaty_bench_send $(BIN)/python bench/send_rate.py --broker $(BENCH_BROKER_URL)
	DATABASE_URL=$(PG)/treaty_bench_feeds $(BIN)/python bench/feed_ingest.py
	$(BIN)/python bench/linking.py

bench-smoke: install
	for db in pages alerts send feeds; do dropdb -h 127.0.0.1 -U postgres --if-exists treaty_smoke_$$db; \
		createdb -h 127.0.0.1 -U postgres treaty_smoke_$$db; done
	DATABASE_URL=$(PG)/treaty_smoke_pages $(BIN)/python bench/pages.py --treaties 30 --statements 300 --rounds 1 --no-wrk
	DATABASE_URL=$(PG)/treaty_smoke_pages $(BIN)/python bench/statement_search.py --rounds 1 --plans
	DATABASE_URL=$(PG)/treaty_smoke_alerts $(BIN)/python bench/reminder_scan.py --pairs 2000 --rounds 1
	DATABASE_URL=$(PG)/treaty_smoke_send $(BIN)/python bench/send_rate.py -n 20 --rounds 1 --broker $(BENCH_BROKER_URL)
	DATABASE_URL=$(PG)/treaty_smoke_feeds $(BIN)/python bench/feed_ingest.py 200 --rounds 1
	$(BIN)/python bench/linking.py
	for db in pages alerts send feeds; do dropdb -h 127.0.0.1 -U postgres --if-exists treaty_smoke_$$db; done

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
