#!/usr/bin/env bash
# The performance benchmark (see bench/run.py): PostgreSQL corpus, gunicorn, wrk.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v wrk >/dev/null || { echo "wrk is required: apt-get install wrk" >&2; exit 1; }
make setup >/dev/null
exec .venv/bin/python bench/run.py "$@"
