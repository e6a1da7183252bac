"""Tests that run the site as production runs it: gunicorn processes on a free 127.0.0.1
port, a SQLite file, the cache shared between processes (files, or Redis when the suite runs
with REDIS_URL), and other processes changing content through the ORM."""

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SECRET_KEY = "serving-tests-" + "k3y-n0t-f0r-production-" * 3


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def site_env(tmp_path, database, **extra):
    """The environment of a production process of the site, in tmp_path."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "WEB_CONCURRENCY", "DATABASE_URL", "GUNICORN"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="wic.settings",
        DJANGO_SECRET_KEY=SECRET_KEY,
        DJANGO_ALLOWED_HOSTS="127.0.0.1",
        DATABASE_URL=f"sqlite:///{database}",
        DJANGO_CACHE_DIR=str(tmp_path / "cache"),
        DJANGO_MEDIA_ROOT=str(tmp_path / "media"),
        DJANGO_LOG_LEVEL="WARNING",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def manage(env, *args, check=True):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=check,
    )


@pytest.fixture(scope="session")
def built_site(tmp_path_factory):
    """A migrated SQLite file and collected static files, made once for all these tests."""
    base = tmp_path_factory.mktemp("site")
    env = site_env(base, base / "db.sqlite3", DJANGO_STATIC_ROOT=str(base / "static"))
    manage(env, "migrate", "--noinput")
    # What public pages use: leaving out the admin's files saves seconds of compression.
    ignore = ["--ignore", "admin", "--ignore", "modeltranslation", "--ignore", "vendor"]
    manage(env, "collectstatic", "--noinput", "--verbosity", "0", *ignore)
    return base


@pytest.fixture
def site(built_site, tmp_path):
    """A copy of the built site's database, and the environment that serves it."""
    database = tmp_path / "db.sqlite3"
    shutil.copy(built_site / "db.sqlite3", database)
    return site_env(tmp_path, database, DJANGO_STATIC_ROOT=str(built_site / "static"))


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path

    def get(self, path, headers=None):
        """(status, headers, body) of one request on a new connection."""
        request = urllib.request.Request(self.url + path, headers=headers or {})
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return response.status, response.headers, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.headers, error.read().decode()

    def output(self):
        return self.log.read_text()


def start_gunicorn(env, log, workers=2, timeout=20):
    """Start gunicorn as `make serve` does; return the Server once it answers."""
    port = free_port()
    env = {**env, "WEB_CONCURRENCY": str(workers), "DJANGO_BIND": f"127.0.0.1:{port}"}
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--config", "wic/gunicorn.conf.py"],
        cwd=ROOT,
        env=env,
        stdout=log.open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,  # its own process group: stop() ends the workers with it
    )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"gunicorn exited with {process.returncode}:\n{server.output()}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.1)
    stop(process)
    raise AssertionError(f"gunicorn did not answer in {timeout} s:\n{server.output()}")


def stop(process):
    """End the master and its workers at once: the process group of the master's id.
    (A graceful shutdown takes seconds, and these servers have nothing to save.)"""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


@pytest.fixture
def gunicorn(tmp_path):
    """Start gunicorn servers in the test, stop them at its end."""
    processes = []

    def start(env, **kwargs):
        server = start_gunicorn(env, tmp_path / f"gunicorn-{len(processes)}.log", **kwargs)
        processes.append(server.process)
        return server

    yield start
    for process in processes:
        stop(process)
