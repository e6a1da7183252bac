#!/usr/bin/env bash
# A throwaway PostgreSQL 15 server for the test suite, from Debian's postgresql-15 package.
#
#   scripts/pg-test-server.sh start DIR   initdb in DIR/data, start on a free 127.0.0.1 port,
#                                         print the DATABASE_URL to use
#   scripts/pg-test-server.sh stop DIR    stop it (DIR is then safe to delete)
#
# initdb refuses to run as root, so as root the server runs as the `postgres` user (created
# by the package). Durability is switched off: the data lives only as long as the tests.
set -euo pipefail

bin=${PG_BIN:-/usr/lib/postgresql/15/bin}
command=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}

as_owner() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

case "$command" in
start)
    if [ ! -x "$bin/initdb" ]; then
        echo "PostgreSQL 15 is not installed ($bin/initdb): installing Debian's postgresql-15" >&2
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update >&2
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y postgresql-15 >&2
    fi
    mkdir -p "$dir"
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    port=$(free_port)
    as_owner "$bin/initdb" --pgdata="$dir/data" --username=postgres --auth=trust \
        --encoding=UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || { cat "$dir/initdb.log" >&2; exit 1; }
    as_owner "$bin/pg_ctl" --pgdata="$dir/data" --log="$dir/server.log" --wait start \
        --options="-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories=$dir \
-c fsync=off -c synchronous_commit=off -c full_page_writes=off" >&2 \
        || { cat "$dir/server.log" >&2; exit 1; }
    as_owner "$bin/createdb" --host=127.0.0.1 --port="$port" --username=postgres wic
    echo "postgres://postgres@127.0.0.1:$port/wic"
    ;;
stop)
    if [ -f "$dir/data/postmaster.pid" ]; then
        as_owner "$bin/pg_ctl" --pgdata="$dir/data" --mode=immediate stop >&2 || true
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
