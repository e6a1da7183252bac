#!/usr/bin/env bash
# `make serve`: the site in production mode on this machine (docs/deploy.md).
# Checks the production settings and the database, migrates, collects static files, then
# replaces itself with gunicorn (wic/gunicorn.conf.py): DEBUG off, workers from
# WEB_CONCURRENCY (or DJANGO_WORKERS), listening on DJANGO_BIND (default 127.0.0.1:8000).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-.venv/bin/python}
export DJANGO_DEBUG=0

# Refuses, naming what is missing, without DJANGO_SECRET_KEY or DJANGO_ALLOWED_HOSTS
# (wic.E001) or when the database cannot be reached (wic.E002); warnings are only shown.
"$python" manage.py check --deploy --database default
"$python" manage.py migrate --noinput
"$python" manage.py collectstatic --noinput --verbosity 0
exec "$python" -m gunicorn --config wic/gunicorn.conf.py
