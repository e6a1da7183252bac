#!/usr/bin/env bash
# `make soak-pg`: the soak test (bench/soak.py) on PostgreSQL 15 with Redis as the page cache,
# both started here in a temporary directory and stopped at the end, even when the soak
# fails. Extra arguments go to bench/soak.py.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d /tmp/wic-soak.XXXXXX)
chmod 755 "$tmp"  # the PostgreSQL server runs as `postgres` when we are root
cleanup() {
    scripts/redis-test-server.sh stop "$tmp/redis"
    scripts/pg-test-server.sh stop "$tmp/pg"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # through the EXIT trap

database_url=$(scripts/pg-test-server.sh start "$tmp/pg")
REDIS_URL=$(scripts/redis-test-server.sh start "$tmp/redis")
export REDIS_URL
echo "== soak on $database_url, cache $REDIS_URL"
"${PYTHON:-.venv/bin/python}" bench/soak.py --database-url "$database_url" "$@"
