"""gunicorn settings for `make serve` (scripts/serve.sh): `gunicorn -c wic/gunicorn.conf.py wic.wsgi`.

Environment:
  DJANGO_BIND        address to listen on; default 127.0.0.1:8000 (a reverse proxy in front)
  WEB_CONCURRENCY    number of worker processes (DJANGO_WORKERS is read too);
                     default 2 x CPU cores available + 1, at most 16
  DJANGO_TIMEOUT     seconds a request may take before its worker is restarted; default 30
Any other gunicorn option can be given in GUNICORN_CMD_ARGS, e.g. "--access-logfile -".
"""

import os

bind = os.environ.get("DJANGO_BIND", "127.0.0.1:8000")


def default_workers():
    # sched_getaffinity: the cores this process may use (containers, taskset), not all cores.
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return min(2 * (cores or 1) + 1, 16)


workers = int(
    os.environ.get("WEB_CONCURRENCY") or os.environ.get("DJANGO_WORKERS") or default_workers()
)
# Synchronous workers: pages are short CPU-bound renders; the reverse proxy buffers slow
# clients, so a worker never waits on a visitor's network.
worker_class = "sync"
timeout = int(os.environ.get("DJANGO_TIMEOUT", "30"))
graceful_timeout = 20
# Replace each worker after a while: bounds the memory any slow leak can take. A worker
# serves a cached page in about a millisecond, so this is every few seconds at full load
# with a lower count, each time with a cold worker.
max_requests = 20000
max_requests_jitter = 2000
# Load the site once, in the master, and fork workers from it: a replaced worker is then
# ready in milliseconds instead of importing Django again (half a second of CPU, during
# which the other workers' visitors wait), and workers share the loaded code's memory.
# The master holds no database connection (wic.core.checks closes the one it opens). New code
# then needs a restart of gunicorn, not a HUP.
preload_app = True
# Trust X-Forwarded-* only from the proxy on this machine.
forwarded_allow_ips = "127.0.0.1,::1"
wsgi_app = "wic.wsgi:application"
# gunicorn 25's control socket defaults to one path per user: two servers would share it.
control_socket_disable = True


def on_starting(server):
    """Before any worker starts: refuse to serve without the production settings or the
    database, with a sentence saying what is missing (gunicorn prints it, exits with 1)."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "wic.settings")
    import django

    django.setup()
    from wic.core.checks import startup_problems

    problems = startup_problems()
    if problems:
        raise RuntimeError("the site cannot start:\n  " + "\n  ".join(problems))
    server.log.info("WIC site: %d workers on %s", server.cfg.workers, ", ".join(server.cfg.bind))
