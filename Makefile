# The one entry point for people and CI. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash

VENV ?= .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export SITE_URL ?= http://127.0.0.1:$(PORT)
PYTEST_ARGS ?=

# A Python of 3.12 or newer: pyenv's shim picks .python-version (3.13) where pyenv is used.
PYTHON ?= $(shell for candidate in python3.13 python3.12 python3 python; do \
	if command -v $$candidate >/dev/null 2>&1 && $$candidate -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then \
	echo $$candidate; break; fi; done)

.PHONY: help run test lint format migrate demo bench clean reliability audit

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "} {printf "  make %-12s %s\n", $$1, $$2}'

$(VENV)/bin/activate:
	@if [ -z "$(PYTHON)" ]; then echo "Python 3.12 or newer is needed (3.13 recommended): install it, e.g. with pyenv, then run make again."; exit 1; fi
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(VENV)/.installed-runtime: requirements.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: requirements.txt requirements-dev.txt | $(VENV)/bin/activate
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@ $(VENV)/.installed-runtime

migrate: $(VENV)/.installed-runtime ## Apply database migrations
	$(PY) manage.py migrate --no-input

demo: migrate ## Load the demo content (idempotent)
	$(PY) manage.py load_demo_content

run: migrate ## Set up and serve the site with demo content at http://127.0.0.1:8000 (PORT=... to change)
	$(PY) manage.py load_demo_content --if-empty
	$(PY) manage.py create_local_admin
	@echo "Serving $(SITE_URL)/ (admin at $(SITE_URL)/admin/). Stop with Ctrl-C."
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

test: $(VENV)/.installed-dev ## Set up and run the whole test suite (SQLite unless DATABASE_URL is set)
	$(PY) -m pytest $(PYTEST_ARGS)

reliability: $(VENV)/.installed-dev ## Run the whole reliability suite: load, faults, 10,000+ hostile inputs (see docs/reliability.md)
	RELIABILITY_FULL=1 HYPOTHESIS_PROFILE=full $(PY) -m pytest tests/reliability $(PYTEST_ARGS)

audit: $(VENV)/.installed-dev ## Check the pinned requirements for known vulnerabilities (needs network access to the advisory databases)
	$(PY) -m pip install --quiet pip-audit==2.10.1
	$(VENV)/bin/pip-audit --strict --requirement requirements.txt --requirement requirements-dev.txt

lint: $(VENV)/.installed-dev ## Check formatting, lint rules and missing migrations
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	DJANGO_SETTINGS_MODULE=practice.settings.test $(PY) manage.py makemigrations --check --dry-run

format: $(VENV)/.installed-dev ## Format the code and fix what ruff can fix
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

# The harness (deploy/localsite.py) is a dev tool: its SMTP sink is aiosmtpd, from requirements-dev.txt.
bench: $(VENV)/.installed-dev ## Load-test the site and measure a newsletter mailing (production settings); writes docs/benchmarks.md
	@command -v wrk >/dev/null 2>&1 || { DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null; }
	$(PY) -m deploy.bench

clean: ## Remove the virtualenv and local SQLite database
	rm -rf $(VENV) db.sqlite3
