"""The soak test of the WIC site: `make soak` (`make soak-pg` on PostgreSQL + Redis); never
part of `make test`.

The conference day: the production server under a steady load, first quiet, then while an
editor saves through the admin every second. In a temporary folder (bench/run.py's
machinery: a SQLite file with the seed, or the PostgreSQL database given, collected static
files, gunicorn in production mode on 127.0.0.1) it runs

- wrk, 64 connections, cycling through the public pages of both languages (a Lua script
  counts every response by status and hands back the latency histogram): a warm-up, then
  the two phases compared, without edits and with edits, in alternating slices (three of
  each by default), so that a change in what else the machine does falls on both alike; each
  phase's figures are those of its slices taken together;
- during the warm-up and the edit phase, an editor (a staff user in the Editors group) who
  logs in through the real login form and, every second, opens the change form of the next
  kind of content in turn — a forum's title, a timeline item's, an achievement's, a press
  quote, a document section's heading — sends back every field of it (CSRF token and
  edit-version fields included) with that text changed to "soak N", and checks that the
  form and the public page show it at the very next request;
- samples the resident memory (VmRSS) of each worker after the warm-up, between the phases
  and at the end.

It reports both phases and their ratios: throughput with edits ≥ 0.9× without, p99 ≤ 1.5×
and under 100 ms; zero 5xx, zero "database is locked", every save answered 302 and present
afterwards (the next form shows it, the final texts are the last ones) and on its public
page at once; memory flat (each worker ends within 20 % or 5 MB of where it started). The
table is printed and written to bench/soak-results.md (soak-pg-results.md for
PostgreSQL); the exit status is 1 when a target is missed.

    python bench/soak.py [--duration 30] [--rounds 3] [--warmup 20] [--connections 64]
                         [--workers N] [--save-interval 1] [--database-url URL] [--recycle]
                         [--keep]

gunicorn's worker recycling (max_requests) is switched off so that a leak cannot hide
behind replaced workers; --recycle keeps it. The per-client limit on searches
(DJANGO_SEARCH_RATE_LIMIT) is off: wrk is one client sending thousands. Needs wrk (Debian
package `wrk`).
"""

import argparse
import html
import http.cookiejar
import json
import os
import platform
import re
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from html.parser import HTMLParser
from pathlib import Path

from run import ROOT, STATIC_PATH, YEAR, Bench, NoRedirect, cores, fmt, log, parse_wrk

# Memory is flat when each worker ends within this much of where it started.
RSS_GROWTH_RATIO = 0.2
RSS_GROWTH_MB = 5.0
EDITOR = "soak-editor"

# The public pages under load, in both languages; `{forum}` is a published forum's slug.
PAGES = [
    "/{lang}/",
    f"/{{lang}}/{YEAR}/",
    f"/{{lang}}/{YEAR}/about/",
    f"/{{lang}}/{YEAR}/news/",
    f"/{{lang}}/{YEAR}/agenda/",
    f"/{{lang}}/{YEAR}/agenda/?day={YEAR}-11-08",
    f"/{{lang}}/{YEAR}/agenda/{{forum}}/",
    f"/{{lang}}/{YEAR}/outcomes/",
    f"/{{lang}}/{YEAR}/achievements/",
    f"/{{lang}}/{YEAR}/press/",
    "/{lang}/search/?q=" + urllib.parse.quote("互联网"),
    "/{lang}/editions/",
]

# wrk's Lua script: cycle through the paths, count responses by status in every thread,
# and print the totals at the end ("status 200 12345" lines), then the latency histogram
# ("latency <microseconds> <count>" lines), so that slices add up exactly.
WRK_SCRIPT = """
local paths = {%(paths)s}
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  statuses = {}
  counter = math.random(#paths)
end

function request()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, thread in ipairs(threads) do
    for status, count in pairs(thread:get("statuses")) do
      total[status] = (total[status] or 0) + count
    end
  end
  for status, count in pairs(total) do
    io.write(string.format("status %%d %%d\\n", status, count))
  end
  for i = 1, #latency do
    local value, count = latency(i)
    io.write(string.format("latency %%d %%d\\n", value, count))
  end
end
"""

# Run in the site's environment with `manage.py shell -c`: the last line printed is JSON.
# The conference day's targets: with a save every second, against the same load without.
THROUGHPUT_RATIO = 0.9
P99_RATIO = 1.5
P99_MS = 100

# What the editor changes, in turn: (name, admin change form, its form id, the field, the
# public page that shows it). `{pk}` and `{slug}` come from SETUP_CODE.
EDITS = [
    ("forum title", "events/forum", "forum_form", "title_en", "/en/%(year)d/agenda/{slug}/"),
    ("timeline item", "events/milestone", "milestone_form", "title_en", "/en/%(year)d/news/"),
    (
        "achievement",
        "outcomes/achievement",
        "achievement_form",
        "title_en",
        "/en/%(year)d/achievements/{slug}/",
    ),
    (
        "press quote",
        "outcomes/pressevaluation",
        "pressevaluation_form",
        "quote_en",
        "/en/%(year)d/press/",
    ),
    (
        "document section",
        "outcomes/document",
        "document_form",
        "sections-0-heading_en",
        "/en/%(year)d/outcomes/{slug}/",
    ),
]

# Run in the site's environment with `manage.py shell -c`: the last line printed is JSON.
# The seed has no document with sections (the documents' text is not public): the soak
# gives the first document one, to edit.
SETUP_CODE = """
import json
from django.contrib.auth import get_user_model
from events.models import Milestone, Session
from outcomes.models import Achievement, Document, DocumentSection, PressEvaluation
from wic.core.management.commands.setup_editors import setup_editors
user = get_user_model().objects.create_user(%(username)r, password=%(password)r, is_staff=True)
user.groups.add(setup_editors())
year = %(year)d
def first(model, **filters):
    return model.objects.published().filter(edition__year=year, **filters).order_by("pk").first()
document = first(Document)
DocumentSection.objects.create(
    document=document, number=1, heading_zh_hans="浸泡测试", heading_en="Soak test",
    is_published=True,
)
forum = first(Session, kind="forum")
achievement = first(Achievement)
print(json.dumps({
    "forum title": {"pk": forum.pk, "slug": forum.slug},
    "timeline item": {"pk": first(Milestone).pk, "slug": ""},
    "achievement": {"pk": achievement.pk, "slug": achievement.slug},
    "press quote": {"pk": first(PressEvaluation).pk, "slug": ""},
    "document section": {"pk": document.pk, "slug": document.slug},
}))
"""
CHECK_CODE = """
import json
from events.models import Milestone, Session
from outcomes.models import Achievement, DocumentSection, PressEvaluation
rows = %(rows)s
print(json.dumps({
    "forum title": Session.objects.get(pk=rows["forum title"]).title_en,
    "timeline item": Milestone.objects.get(pk=rows["timeline item"]).title_en,
    "achievement": Achievement.objects.get(pk=rows["achievement"]).title_en,
    "press quote": PressEvaluation.objects.get(pk=rows["press quote"]).quote_en,
    "document section": DocumentSection.objects.get(document=rows["document section"]).heading_en,
}))
"""


def shell(bench, code):
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "--command", code],
        cwd=ROOT,
        env=bench.env,
        capture_output=True,
        text=True,
    )
    if result.returncode:
        sys.stderr.write(result.stdout + result.stderr)
        raise SystemExit("manage.py shell failed")
    return json.loads(result.stdout.strip().splitlines()[-1])


# --- the editor ---------------------------------------------------------------------------


class FormReader(HTMLParser):
    """The fields of one form, as a browser would submit them with its "Save" button:
    inputs (checked boxes only, no files, no other submit buttons), selects, textareas."""

    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.enctype = None
        self.fields = []  # (name, value) in document order
        self.select = None
        self.textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
            self.enctype = attrs.get("enctype", "application/x-www-form-urlencoded")
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name and "disabled" not in attrs:
            kind = attrs.get("type", "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            if kind in ("file", "button", "image", "reset"):
                return
            if kind == "submit" and name != "_save":
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self.select = {
                "name": name,
                "chosen": [],
                "first": None,
                "multiple": "multiple" in attrs,
            }
        elif tag == "option" and self.select is not None:
            value = attrs.get("value", "")
            if self.select["first"] is None:
                self.select["first"] = value
            if "selected" in attrs:
                self.select["chosen"].append(value)
        elif tag == "textarea" and name:
            self.textarea = [name, ""]

    def handle_data(self, data):
        if self.textarea is not None:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        elif tag == "select" and self.select is not None:
            chosen = self.select["chosen"]
            if not chosen and not self.select["multiple"]:  # a browser sends the first option
                chosen = [self.select["first"] or ""]
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None


def read_form(page, form_id):
    """(fields, whether the form is sent as multipart/form-data)."""
    reader = FormReader(form_id)
    reader.feed(page)
    if reader.enctype is None:
        raise ValueError(f"no form #{form_id} on the page")
    return reader.fields, reader.enctype == "multipart/form-data"


def multipart(fields):
    """(body, content type) of `fields` as multipart/form-data (no files)."""
    boundary = secrets.token_hex(16)
    parts = []
    for name, value in fields:
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        )
    parts.append(f"--{boundary}--\r\n")
    return "".join(parts).encode(), f"multipart/form-data; boundary={boundary}"


def replace(fields, name, value):
    assert any(field == name for field, _ in fields), f"no field {name}"
    return [(field, value if field == name else old) for field, old in fields]


class Editor:
    """An editor's browser: cookies, CSRF tokens, redirects not followed."""

    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()), NoRedirect
        )

    def request(self, path, fields=None, as_multipart=False):
        """(status, body); a 302 is returned, not followed."""
        headers = {"Referer": self.base + path}
        if fields is None:
            data = None
        elif as_multipart:
            data, headers["Content-Type"] = multipart(fields)
        else:
            data = urllib.parse.urlencode(fields).encode()
        request = urllib.request.Request(self.base + path, data=data, headers=headers)
        try:
            with self.opener.open(request, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(errors="replace")

    def login(self, username, password):
        status, page = self.request("/admin/login/?next=/admin/")
        if status != 200:
            raise SystemExit(f"the admin login page answered {status}")
        fields, _as_multipart = read_form(page, "login-form")
        fields = replace(replace(fields, "username", username), "password", password)
        status, page = self.request("/admin/login/?next=/admin/", fields)
        if status != 302:
            raise SystemExit(f"logging in as {username} answered {status}, not 302")


class Saver(threading.Thread):
    """Every `interval` seconds while `saving` is set: the next kind of content's change form,
    its text changed to "soak N", sent back, and its public page read at once."""

    def __init__(self, editor, targets, interval):
        super().__init__(daemon=True)
        self.editor = editor
        self.targets = targets  # [(name, change path, form id, field, public path)]
        self.interval = interval
        self.saving = threading.Event()
        self.stopped = threading.Event()
        self.saves = []  # one dict per save
        self.last = {}  # name -> the last text saved
        self.idle = threading.Event()
        self.idle.set()

    def run(self):
        while not self.stopped.is_set():
            if not self.saving.wait(0.1):
                continue
            self.idle.clear()
            started = time.monotonic()
            self.saves.append(self.save(len(self.saves) + 1))
            self.idle.set()
            self.stopped.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def wait_idle(self):
        """Until the save under way, if any, has ended."""
        self.idle.wait(timeout=120)

    def save(self, n):
        name, change_path, form_id, field, public_path = self.targets[(n - 1) % len(self.targets)]
        record = {
            "n": n,
            "name": name,
            "form": None,
            "post": None,
            "previous_seen": None,
            "public": None,
            "phase": self.phase,
        }
        started = time.monotonic()
        try:
            status, page = self.editor.request(change_path)
            record["form"] = status
            if status != 200:
                return record
            fields, as_multipart = read_form(page, form_id)
            # The form shows this item's last save: it is in the database, not lost.
            shown = html.unescape(dict(fields).get(field, ""))
            record["previous_seen"] = name not in self.last or shown == self.last[name]
            text = f"soak {n}"
            status, page = self.editor.request(
                change_path, replace(fields, field, text), as_multipart
            )
            record["post"] = status
            if status == 200:  # the form again: a validation error or an edit conflict
                errors = re.findall(r'class="errornote">\s*(.*?)\s*<', page, re.S)
                record["error"] = html.unescape(errors[0]) if errors else "form shown again"
            if status == 302:  # and the very next public request shows it (never stale)
                self.last[name] = text
                status, page = self.editor.request(public_path)
                record["public"] = status == 200 and bool(re.search(rf"\b{text}\b", page))
        except (OSError, ValueError) as error:
            record["error"] = f"{type(error).__name__}: {error}"
        finally:
            record["seconds"] = time.monotonic() - started
        return record

    def stop(self):
        self.stopped.set()
        self.join(timeout=120)


def together(runs):
    """wrk's figures of several runs taken as one: requests and statuses added up, the rate
    over their total time, and the percentiles of their added latency histograms."""
    requests = sum(run["requests"] for run in runs)
    seconds = sum(run["requests"] / run["rps"] for run in runs if run["rps"])
    histogram, statuses = Counter(), Counter()
    for run in runs:
        histogram.update(run["latency"])
        statuses.update(run["statuses"])
    return {
        "requests": requests,
        "rps": requests / seconds if seconds else 0.0,
        "p50": percentile(histogram, 50),
        "p99": percentile(histogram, 99),
        "statuses": dict(statuses),
    }


def percentile(histogram, percent):
    """The latency (ms) under which `percent` % of the requests of {µs: count} fall."""
    total = sum(histogram.values())
    if not total:
        return None
    seen = 0
    for value in sorted(histogram):
        seen += histogram[value]
        if seen * 100 >= total * percent:
            return value / 1000
    return max(histogram) / 1000


# --- memory -------------------------------------------------------------------------------


def worker_rss(master_pid):
    """{worker pid: resident MB (VmRSS)} of the gunicorn master's children."""
    rss = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) != master_pid:
                continue
            status = (stat.parent / "status").read_text()
        except (OSError, IndexError):
            continue
        match = re.search(r"^VmRSS:\s+(\d+) kB", status, re.MULTILINE)
        if match:
            rss[int(stat.parent.name)] = int(match.group(1)) / 1024
    return rss


def is_flat(start, end):
    return end <= start * (1 + RSS_GROWTH_RATIO) or end - start <= RSS_GROWTH_MB


# --- the run ------------------------------------------------------------------------------


class Soak:
    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        # bench/run.py's Bench: its environment (production settings, temporary database,
        # cache and static folders), manage(), and server() with its start-up checks.
        self.bench = Bench(
            argparse.Namespace(
                database_url=args.database_url,
                threads=args.threads,
                connections=args.connections,
                workers=args.workers,
            ),
            workdir,
        )
        if not args.recycle:
            self.bench.env["GUNICORN_CMD_ARGS"] = "--max-requests 0"
        self.bench.env["DJANGO_SEARCH_RATE_LIMIT"] = "0/60"  # wrk is one client
        self.password = secrets.token_urlsafe(16)
        self.report = {"load_before": os.getloadavg()[0]}

    def prepare(self):
        bench = self.bench
        log(f"work folder {self.workdir}")
        bench.manage("migrate", "--noinput")
        if self.args.database_url:  # a given database starts empty too
            bench.manage("flush", "--noinput")
        bench.manage("collectstatic", "--noinput")
        static_file = bench.static_root / STATIC_PATH  # bench.server() waits for this file
        static_file.parent.mkdir(parents=True, exist_ok=True)
        static_file.write_text("x" * 10240)
        bench.manage("loaddata", "events", "outcomes")
        found = shell(
            bench, SETUP_CODE % {"username": EDITOR, "password": self.password, "year": YEAR}
        )
        self.rows = {name: row["pk"] for name, row in found.items()}
        self.targets = [
            (
                name,
                f"/admin/{admin}/{found[name]['pk']}/change/",
                form_id,
                field,
                (public % {"year": YEAR}).format(slug=found[name]["slug"]),
            )
            for name, admin, form_id, field, public in EDITS
        ]
        self.paths = [
            page.format(lang=lang, forum=found["forum title"]["slug"])
            for lang in ("zh-hans", "en")
            for page in PAGES
        ]

    def check_pages(self, base):
        editor = Editor(base)
        statuses = {path: editor.request(path)[0] for path in self.paths}
        wrong = {path: status for path, status in statuses.items() if status != 200}
        if wrong:
            raise SystemExit(f"pages that do not answer 200 before the soak: {wrong}")

    def pause_saving(self, saver, base):
        """Stop saving: the save under way ends, and the pages it made cold are rendered
        again, so that its cost does not fall in the next slice without edits."""
        saver.saving.clear()
        saver.wait_idle()
        self.check_pages(base)

    def wrk(self, base, duration, script):
        command = [
            "wrk",
            f"-t{self.args.threads}",
            f"-c{self.args.connections}",
            f"-d{duration}s",
            f"--timeout={self.args.timeout}s",
            "--latency",
            "-s",
            str(script),
            base,
        ]
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
        statuses = {int(s): int(n) for s, n in re.findall(r"^status (\d+) (\d+)$", output, re.M)}
        latency = {int(v): int(n) for v, n in re.findall(r"^latency (\d+) (\d+)$", output, re.M)}
        return {**parse_wrk(output), "statuses": statuses, "latency": latency}

    def run(self):
        self.prepare()
        script = self.workdir / "soak.lua"
        script.write_text(
            WRK_SCRIPT % {"paths": ", ".join(json.dumps(path) for path in self.paths)}
        )
        duration = self.args.duration
        with self.bench.server(page_cache=True) as (base, process, memory):
            self.check_pages(base)
            editor = Editor(base)
            editor.login(EDITOR, self.password)
            saver = Saver(editor, self.targets, self.args.save_interval)
            samples = {}
            saver.phase = "warm-up"
            saver.start()
            try:
                # The editor saves from the warm-up on: memory is measured once the workers'
                # bounded caches (templates, the local page cache of wic/core/cache.py) are
                # full.
                log(f"warm-up: {self.args.warmup} s, saving every {self.args.save_interval} s")
                saver.saving.set()
                warmup = self.wrk(base, self.args.warmup, script)
                self.pause_saving(saver, base)
                samples["start"] = worker_rss(process.pid)
                rounds = self.args.rounds
                slice_seconds = max(1, round(duration / rounds))
                quiet, editing = [], []
                saver.phase = "edits"
                for number in range(1, rounds + 1):
                    log(f"round {number} of {rounds}: {slice_seconds} s without edits")
                    quiet.append(self.wrk(base, slice_seconds, script))
                    log(
                        f"round {number} of {rounds}: {slice_seconds} s with a save every "
                        f"{self.args.save_interval} s"
                    )
                    saver.saving.set()
                    editing.append(self.wrk(base, slice_seconds, script))
                    self.pause_saving(saver, base)
                    if number == 1:
                        samples["middle"] = worker_rss(process.pid)
                samples["end"] = worker_rss(process.pid)
            finally:
                saver.stop()
            self.bench.drain(base, process)
            self.report["peak_rss"] = dict(memory.peaks)
        log_text = self.bench.log_path.read_text(errors="replace")
        final = shell(self.bench, CHECK_CODE % {"rows": json.dumps(self.rows)})
        self.report.update(
            warmup=warmup,
            quiet=together(quiet),
            editing=together(editing),
            slice_seconds=slice_seconds,
            saves=saver.saves,
            expected=dict(saver.last),
            samples=samples,
            final=final,
            locked=log_text.count("database is locked"),
            unavailable=log_text.count("Database unavailable"),
            server_errors=len(re.findall(r"Internal Server Error|Traceback", log_text)),
            load_after=os.getloadavg()[0],
        )
        return self.report


# --- report -------------------------------------------------------------------------------


def verdict(ok):
    return "PASS" if ok else "MISS"


def ratio(value, base):
    return value / base if value is not None and base else None


def render(report, args):
    quiet, editing, saves, final = (
        report["quiet"],
        report["editing"],
        report["saves"],
        report["final"],
    )
    phases = {"warm-up": report["warmup"], "without edits": quiet, "with edits": editing}
    wrk_5xx = sum(
        count
        for run in phases.values()
        for status, count in run["statuses"].items()
        if status >= 500
    )
    save_5xx = sum(1 for save in saves for key in ("form", "post") if (save.get(key) or 0) >= 500)
    posted = [save for save in saves if save["post"] == 302]
    previous_seen = sum(1 for save in saves if save["previous_seen"])
    public_seen = sum(1 for save in saves if save["public"])
    failed_saves = [save for save in saves if save["post"] != 302]
    edit_saves = [save for save in saves if save["phase"] == "edits"]
    expected = report["expected"]
    final_ok = all(final.get(name) == text for name, text in expected.items())
    samples = report["samples"]
    workers = sorted(samples.get("start", {}))
    flat = bool(workers) and all(
        pid in samples.get("end", {}) and is_flat(samples["start"][pid], samples["end"][pid])
        for pid in workers
    )
    rps_ratio = ratio(editing["rps"], quiet["rps"])
    p99_ratio = ratio(editing["p99"], quiet["p99"])
    save_times = sorted(save["seconds"] for save in saves) or [0]
    database = "PostgreSQL" if args.database_url else "SQLite"
    cache = "Redis" if os.environ.get("REDIS_URL") else "the file cache"

    def statuses(run):
        return ", ".join(
            f"{status}: {count:,}" for status, count in sorted(run["statuses"].items())
        )

    lines = [
        f"# WIC soak test results ({database}, {cache})",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{cores()} cores; gunicorn (production settings, page cache on, "
        f"{args.workers} sync workers, recycling {'on' if args.recycle else 'off'}) on a "
        f"temporary {database} database with the seed, pages cached in {cache}; "
        f"`wrk -t{args.threads} -c{args.connections}` cycling through {len(PAGES) * 2} public "
        f"pages in both languages: a {args.warmup} s warm-up (with saves), then {args.rounds} "
        f"rounds of {report['slice_seconds']} s without edits and {report['slice_seconds']} s "
        f"with an editor saving through the admin every {args.save_interval} s, in turn a forum "
        "title, a timeline item, an achievement, a press quote and a document section; each "
        "phase's figures are those of its slices together (latency histograms added up). "
        f"Load average (1 min) before: {report['load_before']:.2f}, after: "
        f"{report['load_after']:.2f}.",
        "",
        "| phase | requests | req/s | p50 | p99 | responses by status |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for name, run in phases.items():
        lines.append(
            f"| {name} | {run['requests']:,} | {fmt(run['rps'])} | {fmt(run['p50'], 1)} ms | "
            f"{fmt(run['p99'], 1)} ms | {statuses(run)} |"
        )
    lines += [
        f"| with edits ÷ without | | {fmt(rps_ratio, 2)}× | {fmt(ratio(editing['p50'], quiet['p50']), 2)}× "
        f"| {fmt(p99_ratio, 2)}× | |",
        "",
        f"Admin saves: {len(posted)} of {len(saves)} answered 302 ({len(edit_saves)} during the edit "
        f"phase); {fmt(save_times[len(save_times) // 2], 2)} s median, "
        f"{fmt(save_times[-1], 2)} s slowest (form + save + public page).",
        "",
        "## Targets",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        (
            f"| throughput with edits ≥ {THROUGHPUT_RATIO}× without | {fmt(rps_ratio, 2)}× | "
            f"{verdict(rps_ratio is not None and rps_ratio >= THROUGHPUT_RATIO)} |"
        ),
        (
            f"| p99 with edits ≤ {P99_RATIO}× without and < {P99_MS} ms | {fmt(p99_ratio, 2)}×, "
            f"{fmt(editing['p99'], 1)} ms | "
            f"{verdict(p99_ratio is not None and p99_ratio <= P99_RATIO and editing['p99'] < P99_MS)} |"
        ),
        (
            "| zero 5xx responses | "
            f"{wrk_5xx} to wrk, {save_5xx} to the editor, {report['server_errors']} "
            f"errors in the server log, {report['unavailable']} “Database unavailable” | "
            f"{verdict(wrk_5xx == 0 and save_5xx == 0 and report['server_errors'] == 0 and report['unavailable'] == 0)} |"
        ),
        (
            "| zero “database is locked” in the server log | "
            f"{report['locked']} | {verdict(report['locked'] == 0)} |"
        ),
        (
            f"| every save answered 302 | {len(posted)} of {len(saves)}"
            + "".join(
                f"; save {save['n']} ({save['name']}): {save.get('post') or save.get('form')} "
                f"{save.get('error', '')}".rstrip()
                for save in failed_saves[:5]
            )
            + f" | {verdict(bool(saves) and len(posted) == len(saves))} |"
        ),
        (
            "| every save present afterwards | "
            f"{previous_seen} of {len(saves)} forms showed their item's previous save; final texts "
            + ", ".join(f"{name}: “{final.get(name)}”" for name in expected)
            + f" | {verdict(final_ok and previous_seen == len(saves))} |"
        ),
        (
            "| each save on its public page at the next request | "
            f"{public_seen} of {len(posted)} | {verdict(bool(posted) and public_seen == len(posted))} |"
        ),
        (
            f"| memory flat (each worker ends ≤ start + {RSS_GROWTH_RATIO:.0%} or "
            f"+{RSS_GROWTH_MB:.0f} MB) | see below | {verdict(flat)} |"
        ),
        "",
        "## Worker memory (VmRSS, MB)",
        "",
        "| worker | after the warm-up | after the first round | end | change | peak (VmHWM) |",
        "|---|---:|---:|---:|---:|---:|",
    ]
    for pid in workers:
        start, middle, end = (samples.get(mark, {}).get(pid) for mark in ("start", "middle", "end"))
        change = f"{end - start:+.1f}" if end is not None else "gone"
        peak = report["peak_rss"].get(pid)
        lines.append(
            f"| {pid} | {fmt(start)} | {fmt(middle)} | {fmt(end)} | {change} | {fmt(peak)} |"
        )
    ok = (
        rps_ratio is not None
        and rps_ratio >= THROUGHPUT_RATIO
        and p99_ratio is not None
        and p99_ratio <= P99_RATIO
        and editing["p99"] < P99_MS
        and wrk_5xx == 0
        and save_5xx == 0
        and report["server_errors"] == 0
        and report["unavailable"] == 0
        and report["locked"] == 0
        and bool(saves)
        and len(posted) == len(saves)
        and final_ok
        and previous_seen == len(saves)
        and public_seen == len(posted)
        and flat
    )
    return "\n".join(lines) + "\n", ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--duration", type=int, default=30, help="seconds of each phase: without, with edits"
    )
    parser.add_argument(
        "--rounds", type=int, default=3, help="slices each phase is run in, alternating"
    )
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=cores(), help="gunicorn workers")
    parser.add_argument("--save-interval", type=float, default=1.0, help="seconds between saves")
    parser.add_argument(
        "--warmup", type=int, default=20, help="seconds of load and saves before memory is sampled"
    )
    parser.add_argument("--timeout", type=int, default=10, help="wrk's request timeout, s")
    parser.add_argument(
        "--recycle", action="store_true", help="keep gunicorn's worker recycling (max_requests)"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get("SOAK_DATABASE_URL"),
        help="a throw-away database instead of SQLite (it is flushed!); default $SOAK_DATABASE_URL",
    )
    parser.add_argument(
        "--output", type=Path, help="default bench/soak-results.md (-pg- for PostgreSQL)"
    )
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()
    if args.output is None:
        name = "soak-pg-results.md" if args.database_url else "soak-results.md"
        args.output = ROOT / "bench" / name

    if not shutil.which("wrk"):
        raise SystemExit("wrk is not installed: apt-get install wrk (make soak does it)")

    workdir = Path(tempfile.mkdtemp(prefix="wic-soak-"))
    try:
        report = Soak(args, workdir).run()
        text, ok = render(report, args)
    finally:
        if args.keep:
            log(f"kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    args.output.write_text(text)
    sys.stdout.write(text)
    log(f"written to {args.output}")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
