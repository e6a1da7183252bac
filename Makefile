# Everyday commands for the WIC site. A newcomer needs two of them:
#   make run    set everything up, load the seed and serve http://127.0.0.1:8000/
#   make test   set everything up, lint, and run the whole test suite (browser tests too)
# Needs: Python 3.11, gcc, GNU gettext (msgfmt). `make test` installs Chromium and a Java
# runtime from Debian.

VENV    ?= .venv
PYTHON3 ?= python3
PYTHON  := $(VENV)/bin/python
PIP     := $(PYTHON) -m pip
MANAGE  := $(PYTHON) manage.py
BIN     := $(VENV)/bin
# Set when the requirements were last installed into $(VENV).
STAMP   := $(VENV)/.requirements-installed

HOST ?= 127.0.0.1
PORT ?= 8000

.DEFAULT_GOAL := help
.PHONY: help run serve test setup seed messages lint check-migrations check-static chromium java clean distclean bench
.PHONY: backup restore soak soak-pg wrk

help:
	@echo "make run       set up, migrate, load the seed, create a demo editor, serve on $(HOST):$(PORT)"
	@echo "make serve     production mode: check, migrate, collect static files, gunicorn on $(HOST):$(PORT)"
	@echo "make test      set up, lint, check migrations and static files, run the whole test suite"
	@echo "make seed      migrate and (re)load the seed: fixtures/events.json, fixtures/outcomes.json"
	@echo "make bench     load and scale benchmark under gunicorn + wrk, writes bench/results.md"
	@echo "make soak      the conference day: load without, then with a save a second (bench/soak-results.md)"
	@echo "make soak-pg   the same on PostgreSQL + Redis, started and stopped by it"
	@echo "make backup    back up the database and the uploads into backups/ (safe while the site runs)"
	@echo "make restore FILE=backups/wic-<time>.sqlite3   put a backup back (asks first; .pgdump for PostgreSQL)"
	@echo "make messages  extract interface strings into locale/zh_Hans and compile them"
	@echo "make lint      ruff check, ruff format --check, djhtml --check"
	@echo "make clean     remove caches (page cache included) and collected static files; distclean: the virtualenv too"

# --- set-up -------------------------------------------------------------------------------

$(PYTHON):
	$(PYTHON3) -m venv $(VENV)

# Reinstall only when a requirements file changed since the last install.
# (pip installs playwright's Python package only; browsers come from Debian, see `chromium`.)
$(STAMP): requirements.txt requirements-dev.txt | $(PYTHON)
	$(PIP) install --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Interface translations: locale/*/LC_MESSAGES/django.po -> django.mo.
# --ignore: compilemessages walks every locale/ folder below here, the virtualenv's included.
setup: $(STAMP)
	@test -d locale || { echo "locale/ is missing: the zh_Hans interface catalogue belongs in locale/zh_Hans/LC_MESSAGES/django.po (make messages)"; exit 1; }
	$(MANAGE) compilemessages --ignore=$(VENV)

# Browser tests drive Debian's Chromium (Playwright never downloads its own browsers here);
# the CJK font keeps Chinese readable in screenshots.
chromium:
	@if command -v chromium >/dev/null 2>&1; then \
		echo "chromium: $$(command -v chromium)"; \
	else \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		set -x; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y chromium fonts-noto-cjk; \
	fi

# The markup test (tests/wic/test_markup_validity.py) runs the Nu Html Checker, a Java program
# that requirements-dev.txt brings as vnu.jar: it needs a Java runtime, from Debian.
java:
	@if command -v java >/dev/null 2>&1; then \
		echo "java: $$(command -v java)"; \
	else \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		set -x; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y default-jre-headless; \
	fi

# --- run ----------------------------------------------------------------------------------

# DEBUG on: local development only (static files served from static/, demo editor allowed).
run: export DJANGO_DEBUG = 1
run: setup seed
	$(MANAGE) setup_editors
	$(MANAGE) check_content
	$(MANAGE) create_demo_editor --address $(HOST):$(PORT)
	$(MANAGE) runserver $(HOST):$(PORT)

# Production mode (docs/deploy.md): DEBUG off, gunicorn with WEB_CONCURRENCY workers. Refuses
# to start without DJANGO_SECRET_KEY and DJANGO_ALLOWED_HOSTS, or without its database.
serve: setup
	DJANGO_BIND=$${DJANGO_BIND:-$(HOST):$(PORT)} PYTHON=$(PYTHON) scripts/serve.sh

# The seed has fixed primary keys: loading it again rewrites the seeded rows, adds nothing.
seed: $(STAMP)
	$(MANAGE) migrate
	$(MANAGE) loaddata events outcomes

# --- test ---------------------------------------------------------------------------------

test: setup chromium java lint check-migrations check-static
	$(BIN)/pytest
	PYTEST=$(BIN)/pytest scripts/test-postgres-redis.sh

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/djhtml --check templates

# A model change without its migration fails here.
check-migrations: $(STAMP)
	$(MANAGE) makemigrations --check --dry-run

# Tests render with plain static storage; this runs the production (manifest) storage once,
# so a template naming a missing file or a CSS url() to nothing fails the build.
check-static: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
		echo "collectstatic into $$tmp" && \
		DJANGO_STATIC_ROOT="$$tmp" $(MANAGE) collectstatic --noinput --verbosity 0

# --- backups ------------------------------------------------------------------------------

# The database (an online SQLite copy, or pg_dump for PostgreSQL) and the uploads, into
# backups/wic-<UTC time>.*; safe while the site runs (docs/operations.md).
backup: $(STAMP)
	$(MANAGE) backup $(BACKUP_ARGS)

# Puts a backup and its uploads back; asks first, and backs the current database up beside
# FILE before replacing it: make restore FILE=backups/wic-20181107-093000.sqlite3
restore: $(STAMP)
	@test -n "$(FILE)" || { echo "usage: make restore FILE=backups/wic-<time>.sqlite3 (or .pgdump)"; exit 2; }
	$(MANAGE) restore "$(FILE)" $(RESTORE_ARGS)

# --- benchmark ----------------------------------------------------------------------------

wrk:
	@if command -v wrk >/dev/null 2>&1; then \
		echo "wrk: $$(command -v wrk)"; \
	else \
		sudo=""; [ "$$(id -u)" -eq 0 ] || sudo=sudo; \
		set -x; \
		$$sudo apt-get update && \
		$$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y wrk; \
	fi

# The load and scale benchmark (bench/README.md): a few minutes, never part of `make test`.
# Its own temporary database, seed + synthetic data ×100, gunicorn, wrk; the report goes to
# bench/results.md. A quick run: make bench BENCH_ARGS="--duration 3".
bench: setup wrk
	$(PYTHON) bench/run.py $(BENCH_ARGS)

# The soak test (bench/soak.py): the conference day. wrk with 64 connections, 30 s without
# edits and 30 s while an editor saves through the admin every second (a forum, a timeline
# item, an achievement, a press quote, a document section in turn), in alternating slices;
# both and their ratios, zero 5xx, no "database is locked", no lost save, flat memory.
# Never part of `make test`.
# soak-pg: the same on a PostgreSQL 15 and a Redis it starts and stops itself.
# A quick run: make soak SOAK_ARGS="--duration 10 --warmup 5".
soak: setup wrk
	$(PYTHON) bench/soak.py $(SOAK_ARGS)

soak-pg: setup wrk
	PYTHON=$(PYTHON) scripts/soak-postgres-redis.sh $(SOAK_ARGS)

# --- interface translations ---------------------------------------------------------------

messages: $(STAMP)
	$(MANAGE) makemessages -l zh_Hans --add-location=file --ignore=$(VENV) --ignore=staticfiles
	$(MANAGE) compilemessages --ignore=$(VENV)

# --- housekeeping -------------------------------------------------------------------------

clean:
	find . -path ./$(VENV) -prune -o -name __pycache__ -type d -prune -exec rm -rf {} +
	rm -rf staticfiles var/cache .pytest_cache .ruff_cache .hypothesis test-results

distclean: clean
	rm -rf $(VENV)
