#!/usr/bin/env bash
# The second run of `make test`: the suite (browser tests aside) on PostgreSQL 15 with Redis
# as the cache, both started here in a temporary directory and stopped at the end, even when
# the tests fail. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."

tmp=$(mktemp -d /tmp/wic-test.XXXXXX)
chmod 755 "$tmp"  # the PostgreSQL server runs as `postgres` when we are root
cleanup() {
    scripts/redis-test-server.sh stop "$tmp/redis"
    scripts/pg-test-server.sh stop "$tmp/pg"
    rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT TERM  # through the EXIT trap

DATABASE_URL=$(scripts/pg-test-server.sh start "$tmp/pg")
REDIS_URL=$(scripts/redis-test-server.sh start "$tmp/redis")
export DATABASE_URL REDIS_URL
echo "== pytest on $DATABASE_URL, cache $REDIS_URL"
"${PYTEST:-.venv/bin/pytest}" -m "not browser" "$@"
