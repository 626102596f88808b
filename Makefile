# Everyday commands. `make run` and `make test` install what they need first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Both lock files are resolved for Python 3.11+ on every platform, with a hash for every file.
LOCK := $(BIN)/uv pip compile pyproject.toml --universal --python-version 3.11 --generate-hashes --upgrade \
	--quiet --custom-compile-command "make lock"

.PHONY: install lock run test lint migrate data clean

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

# Web, Celery worker and beat together; Ctrl-C stops all three.
run: data
	$(BIN)/honcho start

test: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/pytest -n 2 --dist worksteal $(PYTEST_ARGS)
	# Fault drills restart and kill servers of their own, and their timings want the machine to themselves,
	# so they run alone, after everything else.
	$(BIN)/pytest -m drill -p no:xdist $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .

clean:
	rm -rf $(VENV) var
