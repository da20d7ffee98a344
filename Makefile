# Two commands do all set-up on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
PY := $(VENV)/bin/python
PYTHON_VERSION := $(shell cat .python-version)
# The interpreter .python-version names: pyenv's build of it, else a python3.12+ on the PATH.
BASE_PYTHON ?= $(shell \
	for candidate in "$$HOME/.pyenv/versions/$(PYTHON_VERSION)/bin/python" \
	                 "$$(command -v python$(basename $(PYTHON_VERSION)) 2>/dev/null)" \
	                 "$$(command -v python3.13 2>/dev/null)" "$$(command -v python3 2>/dev/null)"; do \
	  [ -x "$$candidate" ] && "$$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 12))' \
	    && { echo "$$candidate"; break; }; \
	done)
# The bundled sample records `make run` imports: the seed and the real corpus in every form
# (less NCT00465816.json, an AACT test fragment the importer rightly refuses).
SAMPLE := fixtures/corpus/text fixtures/corpus/html fixtures/corpus/xml fixtures/corpus/json_v1 \
	$(filter-out %/NCT00465816.json,$(wildcard fixtures/corpus/json/*.json))
HOST ?= 127.0.0.1:8000

.PHONY: help install migrate sample run dev stop-db test lint browser

help:
	@echo "make run   install, migrate, import the sample records and serve on http://$(HOST) as a deployment does"
	@echo "make dev   the same with Django's development server and debug pages"
	@echo "make stop-db  stop the embedded PostgreSQL (it keeps running between commands)"
	@echo "make test  install and run every test (browser tests need Debian's chromium)"
	@echo "make lint  ruff check, format check and mypy"

$(VENV)/.installed: pyproject.toml
	@[ -n "$(BASE_PYTHON)" ] || { echo "Python 3.12+ not found (.python-version says $(PYTHON_VERSION))"; exit 1; }
	[ -x $(PY) ] || $(BASE_PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed

migrate: install
	$(PY) manage.py migrate --no-input

sample: migrate
	$(PY) manage.py import_trials --quiet-unchanged $(SAMPLE)

# As a deployment serves: gunicorn, debug off, static files by WhiteNoise, a generated secret key
# (.secret_key) unless DJANGO_SECRET_KEY is set. Plain HTTP on loopback, so no HTTPS redirect.
run: export DJANGO_DEBUG ?= false
run: export DJANGO_HTTPS ?= false
run: sample
	$(PY) manage.py collectstatic --no-input --verbosity 0
	HOST=$(HOST) $(VENV)/bin/gunicorn -c gunicorn.conf.py registry.wsgi

dev: sample
	$(PY) manage.py runserver $(HOST)

stop-db: install
	$(PY) -m registry.embedded stop

# Browser tests drive Debian's Chromium; install it when we may (root), else they skip.
browser:
	@if [ ! -x /usr/bin/chromium ] && [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
	    || echo "chromium could not be installed: browser tests will be skipped"; \
	fi

test: install browser
	$(PY) -m pytest -n auto

# django-stubs imports the settings, which start the embedded PostgreSQL when no DATABASE_URL is
# set; type checking opens no connection, so any PostgreSQL URL will do and none need be running.
lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	DATABASE_URL=postgres://mypy.invalid/unused $(VENV)/bin/mypy
