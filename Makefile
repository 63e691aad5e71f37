# Langlearn API — the two commands: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON ?= $(shell command -v python3.13 2>/dev/null || ls -d $$HOME/.pyenv/versions/3.13*/bin/python3.13 2>/dev/null | tail -n1 || echo python3)
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
REQS := requirements/base.txt requirements/dev.txt requirements/prod.txt
STAMP := $(VENV)/.installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/langlearn
PYTEST_ARGS ?=

.PHONY: help venv run test test-brokers worker lint format migrate bench clean

help:
	@echo "make run           set up and serve on 127.0.0.1:$(PORT) (SQLite, in-process worker, offline providers)"
	@echo "make test          set up and run the whole suite on PostgreSQL"
	@echo "make test-brokers  worker-death tests on real Redis and RabbitMQ"
	@echo "make worker        run Dramatiq workers against BROKER_URL"
	@echo "make lint          ruff"

# pip shows progress bars on a terminal; in a log (CI, `make run > log`) it is quiet and one summary line
# says what was installed and how long it took, instead of a file full of escape codes.
$(STAMP): $(REQS)
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 13), f"Python 3.13 needed, found {sys.version}"' \
		|| { echo "Python 3.13 is required (pyenv install 3.13, or set PYTHON=/path/to/python3.13)"; exit 1; }
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	@echo "Installing the Python packages of requirements/dev.txt into $(VENV) (about 2 minutes on a fresh clone)..."
	@start=$$(date +%s); \
	if [ -t 1 ]; then pip_output="--progress-bar on"; else pip_output="--quiet --progress-bar off"; fi; \
	$(BIN)/python -m pip install $$pip_output --disable-pip-version-check --upgrade pip \
	&& $(BIN)/python -m pip install $$pip_output --disable-pip-version-check -r requirements/dev.txt \
	&& echo "Installed $$($(BIN)/python -m pip list --format=freeze --disable-pip-version-check | wc -l) packages in $$(( $$(date +%s) - start )) s."
	@# simplemma's dictionaries as mapped tries (langlearn/nlp/dictionaries.py); built lazily otherwise.
	$(BIN)/python -m langlearn.nlp.dictionaries
	touch $(STAMP)

venv: $(STAMP)

migrate: venv
	$(BIN)/python manage.py migrate --noinput

run: venv
	@bash scripts/ensure_espeak.sh
	@echo "Migrating the database (db.sqlite3 unless DATABASE_URL is set)..."
	@$(BIN)/python manage.py migrate --noinput -v 0
	$(BIN)/python manage.py seed_demo
	@if [ -d packs/fixtures/demo ] && $(BIN)/python manage.py help import_packs >/dev/null 2>&1; then \
		$(BIN)/python manage.py import_packs --publish packs/fixtures/demo/*; fi
	@echo "Serving on http://127.0.0.1:$(PORT)/  (API docs: /api/docs/, admin: /admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: venv
	bash scripts/ensure_services.sh
	bash scripts/ensure_chromium.sh
	DATABASE_URL=$(TEST_DATABASE_URL) LANGLEARN_TESTING=1 $(BIN)/python -m pytest -q -m "not brokers" $(PYTEST_ARGS)

test-brokers: venv
	bash scripts/ensure_services.sh --brokers
	DATABASE_URL=$(TEST_DATABASE_URL) LANGLEARN_TESTING=1 $(BIN)/python -m pytest -q -m brokers $(PYTEST_ARGS)

worker: venv
	@test -n "$$BROKER_URL" || { echo "Set BROKER_URL=redis://... or amqp://..."; exit 1; }
	$(BIN)/python manage.py runworkers --processes $${DRAMATIQ_NPROCS:-2} --threads $${DRAMATIQ_NTHREADS:-8}

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: venv
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
