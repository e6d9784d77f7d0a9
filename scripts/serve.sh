#!/usr/bin/env bash
# Installs what is missing, builds, and serves Gatehouse with its embedded defaults:
# SQLite file ./gatehouse.db, in-memory cache, e-mail written to the log, on 127.0.0.1:8080.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
bash scripts/build.sh
exec build/gatehouse serve "$@"
