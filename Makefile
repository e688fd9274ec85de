# Two commands for a newcomer: `make run` and `make test`. Everything they need is installed here.
SHELL := /bin/bash
.DEFAULT_GOAL := run

PORT ?= 8000
DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/veileder
export DATABASE_URL

VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
# The interpreter named in .python-version, through pyenv when the machine has it.
BOOT_PYTHON ?= $(shell pyenv which python 2>/dev/null || command -v python$$(cat .python-version) || command -v python3)

.PHONY: run serve test install install-dev setup database messages check lint format bench bench-search clean backup restore audit

$(VENV)/.installed: requirements.txt .python-version
	@test -x $(PY) || $(BOOT_PYTHON) -m venv $(VENV)
	$(PY) -c 'import sys; v=open(".python-version").read().strip(); assert sys.version.startswith(v), f"{sys.version} is not {v}: remove .venv"'
	$(PIP) install --quiet --disable-pip-version-check -r requirements.txt
	@touch $@

$(VENV)/.installed-dev: $(VENV)/.installed requirements-dev.txt
	$(PIP) install --quiet --disable-pip-version-check -r requirements-dev.txt
	@touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@touch $@

# A local secret key, made once, kept out of git. Production sets DJANGO_SECRET_KEY instead.
.local/secret_key:
	@mkdir -p .local
	@$(BOOT_PYTHON) -c 'import secrets; print(secrets.token_urlsafe(50))' > $@
	@chmod 600 $@

install: $(VENV)/.installed node_modules/.installed .local/secret_key

install-dev: install $(VENV)/.installed-dev

database: install
	@$(PY) scripts/ensure_database.py

# The portal's own words in bokmål and nynorsk: locale/*/LC_MESSAGES/django.po, compiled here (the
# .mo files are never committed). Needs gettext's msgfmt, installed from Debian when missing.
messages: install
	@command -v msgfmt >/dev/null || (apt-get update -qq && apt-get install -y -qq gettext)
	$(PY) manage.py compilemessages --ignore=.venv --ignore=node_modules --verbosity 0

setup: database messages
	$(PY) manage.py migrate --no-input
	$(PY) manage.py import_content
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(PY) manage.py build_pdfs --verbosity 0

# Production mode (DEBUG off, whitenoise) on plain HTTP, which only DJANGO_LOCAL_HTTP allows.
# honcho starts the Procfile: gunicorn and the two task workers (e-mail, PDF); Ctrl+C stops all.
# -p gives the first process (web) PORT.
run: setup
	@echo "Portalen kjører på http://127.0.0.1:$(PORT)/ med bakgrunnsoppgavene (Ctrl+C for å stoppe)"
	DJANGO_LOCAL_HTTP=1 PYTHONUNBUFFERED=1 $(VENV)/bin/honcho start -f Procfile -p $(PORT)

test: install-dev messages
	@$(PY) scripts/ensure_database.py
	$(PY) manage.py collectstatic --no-input --verbosity 0
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(PY) manage.py check
	$(PY) manage.py makemigrations --check --dry-run
	$(PY) scripts/audit_dependencies.py
	$(VENV)/bin/pytest $(PYTEST_ARGS)

# Known vulnerabilities in the pinned packages (pip-audit; needs PyPI).
audit: install-dev
	$(PY) scripts/audit_dependencies.py

# The database (pg_dump, custom format) and media in one file, backups/veileder-<time>.tar.
backup: install
	@$(PY) scripts/backup.py

# make restore FILE=backups/veileder-....tar [FORCE=1 to replace a database that has tables]
restore: install
	@test -n "$(FILE)" || { echo "Bruk: make restore FILE=backups/veileder-....tar [FORCE=1]"; exit 1; }
	@$(PY) scripts/restore.py "$(FILE)" $(if $(FORCE),--force)

# Throughput and latency against a static file; writes docs/performance.md. Needs wrk (Debian).
bench: setup
	@command -v wrk >/dev/null || (apt-get update -qq && apt-get install -y -qq wrk)
	$(PY) bench/run_bench.py $(BENCH_ARGS)

# Search latency over 5,000 generated documents in its own database; prints p50/p95.
bench-search: install
	$(PY) bench/search_bench.py $(BENCH_ARGS)

lint: install-dev
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

format: install-dev
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

clean:
	rm -rf $(VENV) node_modules staticfiles .pytest_cache .ruff_cache
