#!/usr/bin/env bash
# A throwaway Redis for the test suite, from Debian's redis-server package (installed when
# missing). Nothing is written to disk: no RDB snapshots, no append-only file.
#
#   scripts/redis-test-server.sh start DIR   start on a free 127.0.0.1 port, print the REDIS_URL
#   scripts/redis-test-server.sh stop DIR    stop it
set -euo pipefail

command=${1:?usage: $0 start|stop DIR}
dir=${2:?usage: $0 start|stop DIR}

case "$command" in
start)
    if ! command -v redis-server >/dev/null 2>&1; then
        echo "redis-server is not installed: installing Debian's redis-server" >&2
        sudo=""; [ "$(id -u)" -eq 0 ] || sudo=sudo
        $sudo apt-get update >&2
        $sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y redis-server >&2
    fi
    mkdir -p "$dir"
    port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no \
        --dir "$dir" --daemonize yes --pidfile "$dir/redis.pid" --logfile "$dir/redis.log"
    # --daemonize returns at once: wait until it answers.
    for _ in $(seq 50); do
        if redis-cli -p "$port" ping >/dev/null 2>&1; then
            echo "redis://127.0.0.1:$port/0"
            exit 0
        fi
        sleep 0.1
    done
    cat "$dir/redis.log" >&2
    exit 1
    ;;
stop)
    if [ -f "$dir/redis.pid" ]; then
        pid=$(cat "$dir/redis.pid")
        kill "$pid" 2>/dev/null || true
        for _ in $(seq 50); do  # until it has gone, so that DIR can be deleted
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
    fi
    ;;
*)
    echo "usage: $0 start|stop DIR" >&2
    exit 2
    ;;
esac
