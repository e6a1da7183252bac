"""The load and scale benchmark of the WIC site: `make bench` (never part of `make test`).

In a temporary folder it builds a database with the seed plus the synthetic set
(`make_synthetic_data --factor 100`), collects the static files, starts the site under
gunicorn in production mode on 127.0.0.1, and drives each page with wrk for a fixed time:
once with the page cache on, once with it off (DJANGO_PAGE_CACHE=0). The ceiling is a
10 KB static file served by whitenoise from the same server. It also counts the SQL queries
of each page on the seed alone and with the synthetic set, reads each worker's peak memory,
and times the loading of the data. The report (markdown, PASS/MISS per target) is printed
and written to bench/results.md. Times and ratios are those of one run on this machine.

    python bench/run.py [--duration 10] [--factor 100] [--connections 16] [--workers N]

Needs wrk (Debian package `wrk`). See bench/README.md.
"""

import argparse
import json
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from contextlib import closing, contextmanager
from datetime import UTC, datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
YEAR = 2018  # the seed's edition, which also receives the synthetic agenda

WORST_SEARCH = (
    "互联网 数字经济 网络空间 命运共同体 乌镇 世界互联网大会 人工智能 Digital Silk Road Forum"
)
WORST_SEARCH = (WORST_SEARCH + " xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx")[:100]

# (label, URL); `{forum}` is replaced by the slug of a published forum of the seed.
PAGES = [
    ("home", "/zh-hans/"),
    ("agenda", f"/zh-hans/{YEAR}/agenda/"),
    ("agenda, one day", f"/zh-hans/{YEAR}/agenda/?day={YEAR}-11-08"),
    ("forum", f"/zh-hans/{YEAR}/agenda/{{forum}}/"),
    ("achievements", f"/zh-hans/{YEAR}/achievements/"),
    ("search", "/zh-hans/search/?q=" + urllib.parse.quote("互联网")),
    # The costliest search the form accepts: 100 characters, 10 words.
    ("search, 10 words", "/zh-hans/search/?q=" + urllib.parse.quote(WORST_SEARCH)),
    ("agenda.ics", f"/zh-hans/{YEAR}/agenda.ics"),
]
CALENDAR_LABEL = "agenda.ics"
WORST_SEARCH_LABEL = "search, 10 words"
# With SQLite, the query probe measures the seed and the synthetic set in turns, this many
# times each.
PROBE_ROUNDS = 2
STATIC_LABEL = "static file, 10 KB"
STATIC_PATH = "bench/10k.txt"  # written into the collected static files, never into static/
# A static file as large as the calendar, its ceiling: a 1 MB file is slower than a 10 KB one.
CALENDAR_STATIC_PATH = "bench/calendar-size.txt"

# The targets (2 cores, wrk on the same machine): cached pages against the static file on
# SQLite (on PostgreSQL + Redis, where a hit waits for the network, CACHED_RATIO_SHARED).
CACHED_RATIO = 0.9
CACHED_RATIO_SHARED = 0.8
CALENDAR_RATIO = 0.8  # the calendar against a static file of its own size
WORST_SEARCH_MS = (50, 150)  # rendering the costliest search, seed alone and ×100
CACHED_P99_MS = 50
UNCACHED_RATIO = 0.1
SCALE_SLOWDOWN = 2
RSS_LIMIT_MB = 150


def log(message):
    sys.stderr.write(f"[bench] {message}\n")
    sys.stderr.flush()


def cores():
    return len(os.sched_getaffinity(0))


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.static_root = workdir / "static"
        database_url = args.database_url or f"sqlite:///{workdir / 'bench.sqlite3'}"
        self.env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "GUNICORN_"))
            and key not in ("DATABASE_URL", "WEB_CONCURRENCY")
        }
        # Production mode: DEBUG off, a real secret, only the bench host allowed.
        self.env.update(
            DJANGO_SETTINGS_MODULE="wic.settings",
            DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
            DJANGO_ALLOWED_HOSTS="127.0.0.1",
            DJANGO_STATIC_ROOT=str(self.static_root),
            DJANGO_CACHE_DIR=str(workdir / "cache"),  # the page cache, unless REDIS_URL is set
            DJANGO_LOG_LEVEL="WARNING",
            DATABASE_URL=database_url,
            PYTHONUNBUFFERED="1",
        )
        self.database = "SQLite (temporary file)" if not args.database_url else database_url
        self.report = {"timings": {}, "probe": {}, "runs": {}, "rss": {}}
        self.load_before = os.getloadavg()[0]
        self.load_shape = {"threads": args.threads, "connections": args.connections}

    # --- preparation ----------------------------------------------------------------------

    def manage(self, *command):
        started = time.monotonic()
        result = subprocess.run(
            [sys.executable, "manage.py", *command],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.stderr.write(result.stdout + result.stderr)
            raise SystemExit(f"manage.py {' '.join(command)} failed")
        return time.monotonic() - started

    def prepare(self):
        log(f"work folder {self.workdir}")
        log("migrate")
        self.manage("migrate", "--noinput")
        if self.args.database_url:  # a given database starts empty too
            self.manage("flush", "--noinput")
        log("collectstatic")
        self.manage("collectstatic", "--noinput")
        static_file = self.static_root / STATIC_PATH
        static_file.parent.mkdir(parents=True, exist_ok=True)
        line = "The WIC benchmark's 10 KB static file: the ceiling for page throughput.\n"
        static_file.write_text((line * (10240 // len(line) + 1))[:10240])

        log(f"loaddata {' '.join(self.args.fixture)}")
        self.report["timings"]["seed"] = self.manage("loaddata", *self.args.fixture)
        seed_env = None
        if not self.args.database_url:
            # A copy of the seed's database, so that the two data sets can be probed in
            # turns: probed minutes apart, they would be compared under different loads.
            seed_path = self.workdir / "seed.sqlite3"
            with closing(sqlite3.connect(self.workdir / "bench.sqlite3")) as source:
                with closing(sqlite3.connect(seed_path)) as copy:
                    source.backup(copy)
            seed_env = {"DATABASE_URL": f"sqlite:///{seed_path}"}
        else:
            log("queries per page, seed only")
            self.report["probe"]["1"] = self.probe()
        log(f"make_synthetic_data --factor {self.args.factor}")
        self.report["timings"]["synthetic"] = self.manage(
            "make_synthetic_data", "--factor", str(self.args.factor), "--yes"
        )
        if seed_env is None:
            log(f"queries per page, ×{self.args.factor}")
            self.report["probe"]["n"] = self.probe()
        else:
            rounds = {"1": [], "n": []}
            for number in range(1, PROBE_ROUNDS + 1):
                log(f"queries per page, seed only and ×{self.args.factor} (round {number})")
                rounds["1"].append(self.probe(seed_env))
                rounds["n"].append(self.probe())
            self.report["probe"] = {key: quietest(runs) for key, runs in rounds.items()}
        self.forum = self.report["probe"]["1"]["forum"]
        # The calendar's ceiling: a static file of its size (×factor data), served alike.
        calendar_url = dict(PAGES)[CALENDAR_LABEL]
        calendar_bytes = self.report["probe"]["n"]["pages"][calendar_url]["bytes"]
        (self.static_root / CALENDAR_STATIC_PATH).write_text("x" * max(calendar_bytes, 1))

    def probe(self, env=None):
        result = subprocess.run(
            [
                sys.executable,
                "bench/probe.py",
                "--year",
                str(YEAR),
                "--repeat",
                str(self.args.repeat),
                *[url for _label, url in PAGES],
            ],
            cwd=ROOT,
            env={**self.env, "DJANGO_PAGE_CACHE": "0", **(env or {})},
            capture_output=True,
            text=True,
        )
        if result.returncode:
            sys.stderr.write(result.stderr)
            raise SystemExit("bench/probe.py failed")
        return json.loads(result.stdout.splitlines()[-1])

    # --- serving and loading ----------------------------------------------------------------

    @contextmanager
    def server(self, page_cache):
        """gunicorn with the production configuration (wic/gunicorn.conf.py) on a free port."""
        port = free_port()
        env = {
            **self.env,
            "DJANGO_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": str(self.args.workers),
            "DJANGO_PAGE_CACHE": "1" if page_cache else "0",
        }
        command = [sys.executable, "-m", "gunicorn", "--config", "wic/gunicorn.conf.py"]
        self.log_path = self.workdir / f"gunicorn-cache-{'on' if page_cache else 'off'}.log"
        with open(self.log_path, "w") as log_file:
            process = subprocess.Popen(
                command, cwd=ROOT, env=env, stdout=log_file, stderr=subprocess.STDOUT
            )
        base = f"http://127.0.0.1:{port}"
        memory = MemoryWatch(process.pid)
        try:
            self.wait_until_up(base + "/static/" + STATIC_PATH, process)
            memory.start()
            yield base, process, memory
        finally:
            memory.stop()
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    def drain(self, base, process):
        """Wait until the workers have answered what wrk left queued when it stopped."""
        self.wait_until_up(base + "/static/" + STATIC_PATH, process, timeout=300)

    def wait_until_up(self, url, process, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                self.fail("gunicorn exited")
            try:
                with urllib.request.urlopen(url, timeout=timeout):
                    return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        self.fail(f"gunicorn did not answer {url} within {timeout} s")

    def fail(self, message):
        lines = self.log_path.read_text(errors="replace").splitlines()
        sys.stderr.write("\n".join(lines[-40:]) + "\n")
        raise SystemExit(f"{message} (the end of its log is above)")

    def targets(self):
        forum = self.forum or "no-published-forum"
        urls = [(label, url.replace("{forum}", forum)) for label, url in PAGES]
        return [*urls, (STATIC_LABEL, "/static/" + STATIC_PATH)]

    def load(self, page_cache):
        key = "on" if page_cache else "off"
        results = self.report["runs"][key] = {}
        with self.server(page_cache) as (base, process, memory):
            static_url = base + "/static/" + STATIC_PATH
            for label, path in self.targets():
                url = base + path
                http_get(url)  # the first request of a page fills the page cache
                check = http_get(url)
                # Warm-up with one connection per worker: every worker, every cache, and no
                # long queue left behind for a slow page.
                wrk(url, duration=1, threads=1, connections=self.args.workers)
                self.drain(base, process)
                ceiling = {}
                if label != STATIC_LABEL:
                    # The static file just before the page: both see the same load on the
                    # machine, which changes over a run when other work is going on.
                    log(f"cache {key}: {STATIC_LABEL}, before {label} ({self.args.duration} s)")
                    ceiling = {"static_rps": self.run_wrk(static_url)["rps"]}
                    self.drain(base, process)
                if label == CALENDAR_LABEL:
                    log(
                        f"cache {key}: a static file of the calendar's size ({self.args.duration} s)"
                    )
                    sized = self.run_wrk(base + "/static/" + CALENDAR_STATIC_PATH)
                    ceiling["same_size_rps"] = sized["rps"]
                    self.drain(base, process)
                log(f"cache {key}: {label} ({self.args.duration} s)")
                results[label] = {**check, **self.run_wrk(url), **ceiling}
                self.drain(base, process)
        self.report["rss"][key] = memory.peaks

    def run_wrk(self, url):
        return wrk(url, self.args.duration, **self.load_shape)

    def run(self):
        self.prepare()
        self.load(page_cache=True)
        self.load(page_cache=False)
        return self.report


# --- helpers ------------------------------------------------------------------------------


def quietest(runs):
    """Probe runs of one data set merged: each page as measured in its fastest round."""
    merged = {**runs[0], "pages": {}}
    for url in runs[0]["pages"]:
        merged["pages"][url] = min((run["pages"][url] for run in runs), key=lambda p: p["min_ms"])
    return merged


def http_get(url):
    """Status, page-cache header and size of one GET (a page must answer 200 itself,
    redirects are not followed)."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=120) as response:
            size = len(response.read())
            return {
                "status": response.status,
                "cache": response.headers.get("X-Page-Cache", "—"),
                "kb": size / 1024,
            }
    except urllib.error.HTTPError as error:
        return {"status": error.code, "cache": "—", "kb": 0}
    except OSError as error:
        return {"status": type(error).__name__, "cache": "—", "kb": 0}


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


UNITS_MS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0, "h": 3600000.0}


def to_ms(text):
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m|h)", text).groups()
    return float(number) * UNITS_MS[unit]


def wrk(url, duration, threads, connections):
    """One wrk run; returns requests/s, p50 and p99 in ms, and the error count."""
    command = ["wrk", f"-t{threads}", f"-c{connections}", f"-d{duration}s", "--latency", url]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    return parse_wrk(output)


def parse_wrk(output):
    """The numbers of wrk's report. Requests still running when the time is up are not
    counted by wrk at all: a run that completed none has no latency (None)."""
    percentiles = dict(re.findall(r"^\s+(\d+)%\s+([\d.]+\w+)\s*$", output, re.MULTILINE))
    socket_errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    requests = int(re.search(r"(\d+) requests in", output).group(1))
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),
        "requests": requests,
        "p50": to_ms(percentiles["50"]) if requests else None,
        "p99": to_ms(percentiles["99"]) if requests else None,
        "errors": (int(non_2xx.group(1)) if non_2xx else 0)
        + (sum(int(n) for n in socket_errors.groups()) if socket_errors else 0),
    }


class MemoryWatch(threading.Thread):
    """Peak resident memory (VmHWM, MB) of every gunicorn worker, sampled twice a second.

    Sampled, not read once at the end: the production configuration replaces a worker after
    about 20,000 requests, and a replaced worker takes its peak with it.
    """

    def __init__(self, master_pid):
        super().__init__(daemon=True)
        self.master_pid = master_pid
        self.peaks = {}  # worker pid -> MB
        self.stopped = threading.Event()

    def run(self):
        while not self.stopped.wait(0.5):
            self.sample()

    def stop(self):
        if self.is_alive():
            self.stopped.set()
            self.join()
            self.sample()

    def sample(self):
        for stat in Path("/proc").glob("[0-9]*/stat"):
            try:
                fields = stat.read_text().rsplit(")", 1)[1].split()
                if int(fields[1]) != self.master_pid:
                    continue
                status = (stat.parent / "status").read_text()
            except (OSError, IndexError):
                continue  # the process ended meanwhile
            match = re.search(r"^VmHWM:\s+(\d+) kB", status, re.MULTILINE)
            if match:
                pid, mb = int(stat.parent.name), int(match.group(1)) / 1024
                self.peaks[pid] = max(mb, self.peaks.get(pid, 0))


# --- report -------------------------------------------------------------------------------


def fmt(number, digits=1):
    return "—" if number is None else f"{number:,.{digits}f}"


def verdict(ok):
    return "PASS" if ok else "MISS"


def problems(run, duration):
    """What went wrong in one wrk run, in words ('' when nothing)."""
    notes = []
    if run["status"] != 200:
        notes.append(f"HTTP {run['status']}")
    if not run["requests"]:
        notes.append(f"no response within {duration} s")
    return ", ".join(notes)


def render(report, args, bench):
    probe_1, probe_n = report["probe"]["1"], report["probe"]["n"]
    factor = args.factor
    lines = [
        "# WIC benchmark results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{cores()} cores, gunicorn with {args.workers} workers on 127.0.0.1, "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s --latency` per URL "
        "on the same machine, after a 1 s warm-up. "
        f"Data: the seed plus the synthetic set ×{factor} "
        f"(the {YEAR} agenda holds {probe_n['agenda_items']} published items; "
        f"{probe_1['agenda_items']} with the seed alone). Database: {bench.database}; "
        f"cache: {probe_n['cache']}. Load average (1 min) before the run: {bench.load_before:.2f}, "
        f"after: {os.getloadavg()[0]:.2f}; anything else running on the machine shows in the "
        "numbers. Times and ratios are those of this one run.",
        "",
        f"## Throughput and latency, data ×{factor}",
        "",
        "“× static”: the page's requests/s divided by the static file's, measured just before "
        "the page in the same server run (the static file's own row is its last run). “Cache”: "
        "the X-Page-Cache header of a second request before the run. wrk "
        "counts a request as a timeout error after 2 s, and does not count the requests "
        "still running when the time is up.",
        "",
        "| page | page cache | KB | req/s | p50 ms | p99 ms | errors | × static |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    ratios = {}
    for key in ("on", "off"):
        runs = report["runs"][key]
        for label, run in runs.items():
            static_rps = run.get("static_rps", runs[STATIC_LABEL]["rps"])
            ratio = ratios[(key, label)] = run["rps"] / static_rps if static_rps else 0
            errors = str(run["errors"])
            if problems(run, args.duration):
                errors += f" ({problems(run, args.duration)})"
            lines.append(
                f"| {label} | {key} ({run['cache']}) | {fmt(run['kb'])} | {fmt(run['rps'])} | "
                f"{fmt(run['p50'], 2)} | {fmt(run['p99'], 2)} | {errors} | {ratio:.2f} |"
            )

    lines += [
        "",
        "## Queries and rendering time per page (page cache off, one process)",
        "",
        "Queries of one request after two warm-up requests; time is the fastest of "
        f"{args.repeat} requests through Django's test client, body read to the end (other "
        "work on the machine can only add time to a request; the median is in parentheses)."
        + (
            ""
            if args.database_url
            else f" The seed and the synthetic set are probed in turns, {PROBE_ROUNDS} rounds "
            "each, and each page counts with its fastest round."
        ),
        "",
        f"| page | status | queries ×1 | queries ×{factor} | ms ×1 | ms ×{factor} | slowdown |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    slowdowns = {}
    for label, url in PAGES:
        one, many = probe_1["pages"][url], probe_n["pages"][url]
        slowdowns[label] = many["min_ms"] / one["min_ms"] if one["min_ms"] else 0
        status = str(one["status"])
        if one["status"] != many["status"]:
            status += f" / {many['status']}"
        lines.append(
            f"| {label} | {status} | {one['queries']} | {many['queries']} | "
            f"{fmt(one['min_ms'], 2)} ({fmt(one['median_ms'], 2)}) | "
            f"{fmt(many['min_ms'], 2)} ({fmt(many['median_ms'], 2)}) | "
            f"{slowdowns[label]:.2f}× |"
        )

    peak_rss = max((mb for peaks in report["rss"].values() for mb in peaks.values()), default=0)
    lines += [
        "",
        "## Memory and loading",
        "",
        f"- Peak memory per worker (VmHWM, sampled every 0.5 s), data ×{factor}: "
        + "; ".join(
            f"cache {key}: highest {fmt(max(peaks.values(), default=0))} MB, lowest "
            f"{fmt(min(peaks.values(), default=0))} MB over {len(peaks)} worker processes"
            for key, peaks in report["rss"].items()
        )
        + " (gunicorn replaces a worker after about 20,000 requests).",
        f"- `loaddata {' '.join(args.fixture)}`: {fmt(report['timings']['seed'], 2)} s; "
        f"`make_synthetic_data --factor {factor}`: {fmt(report['timings']['synthetic'], 2)} s "
        "(each including the start of its Python process).",
    ]

    pages = [label for label, _url in PAGES]
    cached = report["runs"]["on"]
    # A page that answered nothing within the run has no p99: it counts as the slowest.
    highest_p99 = max(pages, key=lambda label: cached[label]["p99"] or float("inf"))
    lowest_uncached = min(pages, key=lambda label: ratios[("off", label)])
    changed = [
        f"{label} {probe_1['pages'][url]['queries']}→{probe_n['pages'][url]['queries']}"
        for label, url in PAGES
        if probe_1["pages"][url]["queries"] != probe_n["pages"][url]["queries"]
    ]
    slowest = max(pages, key=lambda label: slowdowns[label])
    errors = sum(run["errors"] for runs in report["runs"].values() for run in runs.values())
    failed = [
        f"{label}, cache {key}: {problems(run, args.duration)}"
        for key, runs in report["runs"].items()
        for label, run in runs.items()
        if problems(run, args.duration)
    ]
    failed += [
        f"{label}, probe: HTTP {probe['pages'][url]['status']}"
        for label, url in PAGES
        for probe in (probe_1, probe_n)
        if probe["pages"][url]["status"] != 200
    ]
    cached_ratio = CACHED_RATIO if not args.database_url else CACHED_RATIO_SHARED
    html_pages = [label for label in pages if label != CALENDAR_LABEL]
    lowest_cached = min(html_pages, key=lambda label: ratios[("on", label)])
    calendar = cached[CALENDAR_LABEL]
    calendar_ratio = (
        calendar["rps"] / calendar["same_size_rps"] if calendar.get("same_size_rps") else 0
    )
    worst_url = dict(PAGES)[WORST_SEARCH_LABEL]
    worst_ms = (probe_1["pages"][worst_url]["min_ms"], probe_n["pages"][worst_url]["min_ms"])
    targets = [
        (
            f"cached pages ≥ {cached_ratio}× the static file's throughput",
            f"lowest {ratios[('on', lowest_cached)]:.2f}× ({lowest_cached})",
            ratios[("on", lowest_cached)] >= cached_ratio,
        ),
        (
            f"the cached calendar ≥ {CALENDAR_RATIO}× a static file of its size",
            f"{calendar_ratio:.2f}× ({fmt(calendar['kb'])} KB)",
            calendar_ratio >= CALENDAR_RATIO,
        ),
        (
            f"the costliest search renders in < {WORST_SEARCH_MS[0]} ms (seed) and "
            f"< {WORST_SEARCH_MS[1]} ms (×{factor})",
            f"{fmt(worst_ms[0], 1)} ms and {fmt(worst_ms[1], 1)} ms",
            worst_ms[0] < WORST_SEARCH_MS[0] and worst_ms[1] < WORST_SEARCH_MS[1],
        ),
        (
            f"cached pages p99 < {CACHED_P99_MS} ms",
            f"highest {fmt(cached[highest_p99]['p99'], 2)} ms ({highest_p99})",
            (cached[highest_p99]["p99"] or float("inf")) < CACHED_P99_MS,
        ),
        (
            f"uncached pages ≥ {UNCACHED_RATIO}× the static file's throughput",
            f"lowest {ratios[('off', lowest_uncached)]:.2f}× ({lowest_uncached})",
            ratios[("off", lowest_uncached)] >= UNCACHED_RATIO,
        ),
        (
            f"queries per page identical at ×1 and ×{factor}",
            ", ".join(changed) or "all identical",
            not changed,
        ),
        (
            f"no page slower than {SCALE_SLOWDOWN}× from ×1 to ×{factor}",
            f"highest {slowdowns[slowest]:.2f}× ({slowest})",
            slowdowns[slowest] <= SCALE_SLOWDOWN,
        ),
        (
            f"< {RSS_LIMIT_MB} MB peak RSS per worker at ×{factor}",
            f"highest {fmt(peak_rss)} MB",
            0 < peak_rss < RSS_LIMIT_MB,
        ),
        (
            "zero errors",
            f"{errors} errors from wrk" + "".join(f"; {item}" for item in failed),
            errors == 0 and not failed,
        ),
    ]
    lines += ["", "## Targets", "", "| target | measured | result |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {verdict(ok)} |" for name, value, ok in targets]
    if cores() != 2 or args.connections != 16:
        lines += [
            "",
            f"The targets assume 2 cores and 16 connections; this run had {cores()} cores and "
            f"{args.connections} connections.",
        ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=10, help="seconds of wrk per URL")
    parser.add_argument("--factor", type=int, default=100, help="synthetic data factor")
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=cores(), help="gunicorn workers")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page probe")
    parser.add_argument(
        "--database-url",
        default=os.environ.get("BENCH_DATABASE_URL"),
        help="a throw-away database to use instead of SQLite (it is flushed!); "
        "default $BENCH_DATABASE_URL",
    )
    parser.add_argument(
        "--fixture",
        nargs="+",
        default=["events", "outcomes"],
        help="the seed to load (default: events outcomes)",
    )
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "results.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make bench does it)")

    workdir = Path(tempfile.mkdtemp(prefix="wic-bench-"))
    try:
        bench = Bench(args, workdir)
        report = bench.run()
        text = render(report, args, bench)
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    args.output.write_text(text)
    sys.stdout.write(text)
    log(f"written to {args.output}")


if __name__ == "__main__":
    main()
