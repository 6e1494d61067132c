# Two commands set everything up on a fresh machine:
#   make run   - virtualenv, install, migrate the local SQLite database, demo content, serve on 127.0.0.1:8000
#                with the background worker beside it
#   make test  - the same set-up, then the whole test suite (PostgreSQL when DATABASE_URL is set)
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# Local runs are DEBUG unless told otherwise; production sets DEBUG=0 and a SECRET_KEY.
export DEBUG ?= 1

# The first interpreter that is Python >= 3.12 (pyenv picks 3.12 from .python-version).
PYTHON_CANDIDATES := python3.12 python3.13 python3.14 python3 python
PYTHON ?= $(shell for p in $(PYTHON_CANDIDATES); do \
	  if command -v $$p >/dev/null 2>&1 && $$p -c 'import sys; sys.exit(sys.version_info < (3, 12))' >/dev/null 2>&1; then echo $$p; break; fi; \
	done)

.PHONY: help run test lint format setup migrate demo messages check-python check-html backup restore bench clean

help:
	@echo "make run     set up and serve http://127.0.0.1:8000/ (admin at /admin/)"
	@echo "make test    set up and run the whole test suite"
	@echo "make lint    ruff check + format check"
	@echo "make format  apply ruff fixes and formatting"
	@echo "make bench   the PostgreSQL benchmark (bench/run.sh; ARGS=\"--articles 1000000\")"

check-python:
	@if [ -z "$(PYTHON)" ]; then \
	  echo "error: Python 3.12 or newer is required, but none was found on PATH (tried: $(PYTHON_CANDIDATES))." >&2; \
	  echo "       Install it (e.g. 'pyenv install 3.12') and run make again." >&2; \
	  exit 1; \
	fi

$(BIN)/.installed: requirements.txt requirements-dev.txt | check-python
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	@touch $@

setup: $(BIN)/.installed

migrate: setup
	@mkdir -p var/static
	$(BIN)/python manage.py migrate --no-input

demo: migrate
	$(BIN)/python manage.py load_demo
	$(BIN)/python manage.py make_renditions --missing

# The web server and the background worker together; Ctrl+C (or the end of either) stops both.
run: demo
	@echo "Serving http://127.0.0.1:8000/ (admin: http://127.0.0.1:8000/admin/) with the background worker. Stop both with Ctrl+C."
	@$(BIN)/python manage.py worker & worker=$$!; \
	trap 'kill -TERM $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# vnu.jar (the Nu Html Checker, from npm) for the HTML validity test; needs npm and Java.
node_modules/.installed: package.json package-lock.json
	@if command -v npm >/dev/null 2>&1; then npm ci --no-audit --no-fund --ignore-scripts --loglevel=error && touch $@; \
	else echo "npm not found: the HTML validity test will be skipped (CI installs it)"; fi

# One pytest process per core, at most four (the browser tests each start a gunicorn): the
# suite is parallel-safe, and run one at a time it took twelve minutes per database.
test: demo node_modules/.installed
	$(BIN)/python manage.py check
	$(BIN)/python manage.py makemigrations --check --dry-run
	$(BIN)/python -m pytest --numprocesses=auto --maxprocesses=4

check-html: demo node_modules/.installed
	$(BIN)/python -m pytest tests/test_html_validity.py

lint: setup
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: setup
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Local backups (SQLite + media): make backup; make restore BACKUP=var/backups/newsroom-....tar.gz
backup: setup
	$(BIN)/python manage.py backup

restore: setup
	@test -n "$(BACKUP)" || { echo "usage: make restore BACKUP=var/backups/newsroom-<time>.tar.gz" >&2; exit 1; }
	$(BIN)/python manage.py restore "$(BACKUP)"

# The performance benchmark on PostgreSQL (needs wrk); ARGS="--articles 1000000" for the scale run.
bench: setup
	bench/run.sh $(ARGS)

# Rebuild the translation catalogues after changing UI strings (needs GNU gettext; the compiled
# .mo files are committed, so a fresh machine does not need it). One catalogue per language,
# locale/<lang>/LC_MESSAGES/django.po, from both template engines: Django's makemessages reads
# the Python files and the Django templates (with every language excluded it only writes its
# template, locale/django.pot), Babel's Jinja2 extractor the readers' templates (babel.cfg).
# msguniq joins the two (a message both use is one entry); msgmerge brings each catalogue up
# to date, keeping every translation (a changed message comes back fuzzy, beside its previous
# text), and msgattrib drops what no code uses any more.
CATALOGUES := $(patsubst locale/%/LC_MESSAGES,%,$(wildcard locale/*/LC_MESSAGES))
MESSAGES_TMP := var/messages

messages: setup
	rm -rf $(MESSAGES_TMP) && mkdir -p $(MESSAGES_TMP)
	$(BIN)/pybabel --quiet extract --mapping-file babel.cfg --add-comments Translators --omit-header \
	  --output-file $(MESSAGES_TMP)/jinja2.pot templates/jinja2
	$(BIN)/python manage.py makemessages --keep-pot $(foreach lang,$(CATALOGUES),--exclude $(lang)) \
	  --ignore '.venv/*' --ignore 'var/*' --ignore 'node_modules/*' --ignore 'templates/jinja2/*'
	mv locale/django.pot $(MESSAGES_TMP)/django.pot
	cat $(MESSAGES_TMP)/django.pot $(MESSAGES_TMP)/jinja2.pot | msguniq --output-file $(MESSAGES_TMP)/all.pot
	for lang in $(CATALOGUES); do \
	  po=locale/$$lang/LC_MESSAGES/django.po; \
	  msgmerge --quiet --previous --backup=none --update $$po $(MESSAGES_TMP)/all.pot && \
	  msgattrib --no-obsolete --output-file $$po $$po || exit 1; \
	done
	rm -rf $(MESSAGES_TMP)
	$(BIN)/python manage.py compilemessages --ignore '.venv/*'

clean:
	rm -rf $(VENV) var node_modules .pytest_cache .ruff_cache
