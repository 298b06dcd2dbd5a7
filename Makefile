# The two commands: `make run` and `make test`. Everything else is a helper for them.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
# The benchmarks' extras (django-comments-xtd to compare with) go into the same venv, for `make bench` only.
BENCH_STAMP := $(VENV)/.bench-installed-$(shell cat requirements.txt requirements-dev.txt requirements-bench.txt | sha1sum | cut -c1-12)
PG_URL ?= postgres://postgres@127.0.0.1:5432/legislation
# The benchmarks drop and rebuild their own database, never the one above.
BENCH_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/legislation_bench
PYTEST_ARGS ?=

.PHONY: run test test-pg lint bench faults venv demo messages clean axe

venv: $(STAMP)

$(STAMP): requirements.txt requirements-dev.txt
	bin/build-headers $(PYTHON)
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@rm -f $(VENV)/.installed-*
	@touch $@

$(BENCH_STAMP): $(STAMP) requirements-bench.txt
	$(PY) -m pip install --quiet -r requirements-bench.txt
	@rm -f $(VENV)/.bench-installed-*
	@touch $@

## Set everything up on SQLite and start the web server and the task cluster (Ctrl-C stops both).
run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py load_demo
	bin/run

## Run the whole test suite on SQLite (DATABASE_URL=postgres://… make test for PostgreSQL).
test: venv
	$(PY) -m pytest $(PYTEST_ARGS)

## The same suite on PostgreSQL with the Redis task broker.
test-pg: venv
	DATABASE_URL=$(PG_URL) REDIS_URL=redis://127.0.0.1:6379/0 $(PY) -m pytest $(PYTEST_ARGS)

lint: venv
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

## Every benchmark on PostgreSQL (BENCH_ARGS="drafts --scale 100000" to choose); prints one table
## of figures and writes bench/results.json.
bench: $(BENCH_STAMP)
	DATABASE_URL=$(BENCH_DATABASE_URL) $(PY) -m bench $(BENCH_ARGS)

## Recompile translations after editing cms/locale/*/LC_MESSAGES/django.po (needs gettext).
messages: venv
	$(PY) manage.py makemessages -l en --ignore=.venv --ignore=tests --ignore=bench
	$(PY) manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-* staticfiles media bench/results.json

# axe-core for the accessibility test (tests/e2e/test_axe.py): a test tool from npm, kept outside the
# repository and never served to users.
AXE_DIR ?= $(HOME)/.cache/legislation-tests
axe:
	mkdir -p $(AXE_DIR) && npm install --prefix $(AXE_DIR) --no-audit --no-fund axe-core@4.10.2

## Fault suite against gunicorn, the task cluster, PostgreSQL, Redis and a fake Elasticsearch (not part of
## `make test`; FAULTS_ARGS=--short for CI).
faults: venv
	$(PY) -m bench.faults $(FAULTS_ARGS)
