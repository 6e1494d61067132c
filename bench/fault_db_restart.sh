#!/usr/bin/env bash
# Restart PostgreSQL under load and report what readers saw (see bench/fault_db_restart.py).
# It restarts this machine's PostgreSQL cluster: run by hand, never in CI.
set -euo pipefail
cd "$(dirname "$0")/.."
make setup >/dev/null
exec .venv/bin/python bench/fault_db_restart.py "$@"
