"""The soak test of the WIC site: `make soak` (never part of `make test`).

The production server under a steady load while an editor saves through the admin: does
anything break, lock, get lost or leak? In a temporary folder (bench/run.py's machinery: a
SQLite file with the seed, collected static files, gunicorn in production mode on 127.0.0.1)
it runs

- wrk, 64 connections for 60 s, cycling through the public pages of both languages (a Lua
  script counts every response by status);
- meanwhile an editor (a staff user in the Editors group) who logs in through the real login
  form and, every second, opens a milestone's change form, sends back every field of it
  (the CSRF token and the edit-version fields included) with the English title changed to
  "soak N", and checks that the form and the public news page then show that title;
- samples the resident memory (VmRSS) of each worker after a 30 s warm-up of the same load
  and saves (which fills the workers' bounded caches: the 16 MB local page cache of
  wic/core/cache.py takes about a minute of saves), half-way and at the end.

It reports zero 5xx responses, zero "database is locked" in the server's log, every save
answered 302 and present afterwards (the next form shows it, the final title is the last
one, the admin history has one entry per save), and memory flat (each worker ends within
20 % or 5 MB of where it started). The table is printed and written to bench/soak-results.md;
the exit status is 1 when a target is missed.

    python bench/soak.py [--duration 60] [--warmup 30] [--connections 64] [--workers N]
                         [--save-interval 1] [--database-url URL] [--recycle] [--keep]

gunicorn's worker recycling (max_requests) is switched off so that a leak cannot hide
behind replaced workers; --recycle keeps it. Needs wrk (Debian package `wrk`).
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
# and print the totals at the end ("status 200 12345" lines).
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
end
"""

# Run in the site's environment with `manage.py shell -c`: the last line printed is JSON.
SETUP_CODE = """
import json
from django.contrib.auth import get_user_model
from events.models import Milestone, Session
from wic.core.management.commands.setup_editors import setup_editors
user = get_user_model().objects.create_user(%(username)r, password=%(password)r, is_staff=True)
user.groups.add(setup_editors())
milestone = Milestone.objects.published().filter(edition__year=%(year)d).order_by("pk").first()
forum = Session.objects.published().filter(edition__year=%(year)d, kind="forum").order_by("pk").first()
print(json.dumps({"milestone": milestone.pk, "title": milestone.title_en, "forum": forum.slug}))
"""
CHECK_CODE = """
import json
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType
from events.models import Milestone
milestone = Milestone.objects.get(pk=%(pk)d)
entries = LogEntry.objects.filter(
    content_type=ContentType.objects.get_for_model(Milestone),
    object_id=str(milestone.pk),
    action_flag=CHANGE,
    user__username=%(username)r,
)
print(json.dumps({"title": milestone.title_en, "history": entries.count(),
                  "version": milestone.edit_version}))
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
            self.select = {"name": name, "chosen": [], "first": None}
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
            chosen = self.select["chosen"] or [self.select["first"] or ""]
            self.fields += [(self.select["name"], value) for value in chosen]
            self.select = None
        elif tag == "textarea" and self.textarea is not None:
            # A browser drops the one newline that may follow <textarea>.
            name, text = self.textarea
            self.fields.append((name, text.removeprefix("\r\n").removeprefix("\n")))
            self.textarea = None


def read_form(page, form_id):
    reader = FormReader(form_id)
    reader.feed(page)
    if reader.enctype is None:
        raise ValueError(f"no form #{form_id} on the page")
    if reader.enctype != "application/x-www-form-urlencoded":
        raise ValueError(f"form #{form_id} wants {reader.enctype}; only plain forms are supported")
    return reader.fields


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

    def request(self, path, fields=None):
        """(status, body); a 302 is returned, not followed."""
        data = urllib.parse.urlencode(fields).encode() if fields is not None else None
        headers = {"Referer": self.base + path}
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
        fields = read_form(page, "login-form")
        fields = replace(replace(fields, "username", username), "password", password)
        status, page = self.request("/admin/login/?next=/admin/", fields)
        if status != 302:
            raise SystemExit(f"logging in as {username} answered {status}, not 302")


class Saver(threading.Thread):
    """Every `interval` seconds: the change form, the title changed to "soak N", sent back."""

    def __init__(self, editor, milestone, news_path, interval):
        super().__init__(daemon=True)
        self.editor = editor
        self.change_path = f"/admin/events/milestone/{milestone}/change/"
        self.news_path = news_path
        self.interval = interval
        self.stopped = threading.Event()
        self.saves = []  # one dict per save

    def run(self):
        while not self.stopped.is_set():
            started = time.monotonic()
            self.saves.append(self.save(len(self.saves) + 1))
            self.stopped.wait(max(0.0, self.interval - (time.monotonic() - started)))

    def save(self, n):
        record = {"n": n, "form": None, "post": None, "previous_seen": None, "public": None}
        started = time.monotonic()
        try:
            status, page = self.editor.request(self.change_path)
            record["form"] = status
            if status != 200:
                return record
            fields = read_form(page, "milestone_form")
            # The form shows the last save: it is in the database, not lost.
            shown = dict(fields).get("title_en")
            record["previous_seen"] = n == 1 or shown == f"soak {n - 1}"
            status, page = self.editor.request(
                self.change_path, replace(fields, "title_en", f"soak {n}")
            )
            record["post"] = status
            if status == 200:  # the form again: a validation error or an edit conflict
                errors = re.findall(r'class="errornote">\s*(.*?)\s*<', page, re.S)
                record["error"] = html.unescape(errors[0]) if errors else "form shown again"
            if status == 302:  # and the very next public request shows it (never stale)
                status, page = self.editor.request(self.news_path)
                record["public"] = status == 200 and bool(re.search(rf"\bsoak {n}\b", page))
        except (OSError, ValueError) as error:
            record["error"] = f"{type(error).__name__}: {error}"
        finally:
            record["seconds"] = time.monotonic() - started
        return record

    def stop(self):
        self.stopped.set()
        self.join(timeout=120)


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
        self.milestone = found["milestone"]
        self.paths = [
            page.format(lang=lang, forum=found["forum"])
            for lang in ("zh-hans", "en")
            for page in PAGES
        ]

    def check_pages(self, base):
        editor = Editor(base)
        statuses = {path: editor.request(path)[0] for path in self.paths}
        wrong = {path: status for path, status in statuses.items() if status != 200}
        if wrong:
            raise SystemExit(f"pages that do not answer 200 before the soak: {wrong}")

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
        return {**parse_wrk(output), "statuses": statuses}

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
            saver = Saver(editor, self.milestone, f"/en/{YEAR}/news/", self.args.save_interval)
            samples = {}
            marks = {"start": 0.5, "middle": duration / 2, "end": max(1.0, duration - 1.5)}
            timers = [
                threading.Timer(
                    at, lambda label=label: samples.update({label: worker_rss(process.pid)})
                )
                for label, at in marks.items()
            ]
            # The editor saves from the warm-up on: memory is measured once the workers'
            # bounded caches (templates, the local page cache of wic/core/cache.py) are full.
            saver.start()
            try:
                log(f"warm-up: {self.args.warmup} s, saving every {self.args.save_interval} s")
                warmup = self.wrk(base, self.args.warmup, script)
                log(f"soak: {duration} s, {self.args.connections} connections")
                for timer in timers:
                    timer.start()
                load = self.wrk(base, duration, script)
            finally:
                saver.stop()
                for timer in timers:
                    timer.cancel()
            self.bench.drain(base, process)
            self.report["peak_rss"] = dict(memory.peaks)
        log_text = self.bench.log_path.read_text(errors="replace")
        final = shell(self.bench, CHECK_CODE % {"pk": self.milestone, "username": EDITOR})
        self.report.update(
            warmup=warmup,
            load=load,
            saves=saver.saves,
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


def render(report, args):
    load, saves, final = report["load"], report["saves"], report["final"]
    statuses = load["statuses"]
    warmup_statuses = report["warmup"]["statuses"]
    wrk_5xx = sum(
        count
        for counts in (statuses, warmup_statuses)
        for status, count in counts.items()
        if status >= 500
    )
    save_5xx = sum(1 for save in saves for key in ("form", "post") if (save.get(key) or 0) >= 500)
    # wrk's error count is its non-2xx/3xx responses plus its socket errors and timeouts.
    socket_errors = load["errors"] - sum(n for status, n in statuses.items() if status >= 400)
    posted = [save for save in saves if save["post"] == 302]
    last = len(saves)
    previous_seen = sum(1 for save in saves if save["previous_seen"])
    public_seen = sum(1 for save in saves if save["public"])
    failed_saves = [save for save in saves if save["post"] != 302]
    samples = report["samples"]
    workers = sorted(samples.get("start", {}))
    flat = bool(workers) and all(
        pid in samples.get("end", {}) and is_flat(samples["start"][pid], samples["end"][pid])
        for pid in workers
    )
    save_times = sorted(save["seconds"] for save in saves) or [0]

    lines = [
        "# WIC soak test results",
        "",
        f"Run {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.node() or 'this machine'}: "
        f"{cores()} cores; gunicorn (production settings, page cache on, "
        f"{args.workers} sync workers, recycling {'on' if args.recycle else 'off'}) on a "
        f"temporary {'SQLite file' if not args.database_url else 'database'} with the seed; "
        f"`wrk -t{args.threads} -c{args.connections} -d{args.duration}s` cycling through "
        f"{len(PAGES) * 2} public pages in both languages after a {args.warmup} s warm-up "
        "(the same load); from the warm-up on, an editor saving a milestone through the admin "
        f"every {args.save_interval} s. Memory is sampled after the warm-up, half-way and at "
        "the end of the run. "
        f"Load average (1 min) before: {report['load_before']:.2f}, after: "
        f"{report['load_after']:.2f}.",
        "",
        "| measure | value |",
        "|---|---|",
        f"| requests served (wrk) | {load['requests']:,} ({fmt(load['rps'])} req/s) |",
        f"| latency p50 / p99 | {fmt(load['p50'], 1)} ms / {fmt(load['p99'], 1)} ms |",
        "| responses by status | "
        + ", ".join(f"{status}: {count:,}" for status, count in sorted(statuses.items()))
        + f"; socket errors and timeouts: {socket_errors} |",
        "| responses during the warm-up | "
        + ", ".join(f"{status}: {count:,}" for status, count in sorted(warmup_statuses.items()))
        + " |",
        f"| admin saves (warm-up and run) | {len(posted)} of {last} answered 302, one every "
        f"{fmt((args.warmup + args.duration) / last if last else None, 2)} s on average (one every "
        f"{args.save_interval} s wanted; a save waits for the previous one); "
        f"{fmt(save_times[len(save_times) // 2], 2)} s median, {fmt(save_times[-1], 2)} s slowest "
        "(form + save + public page) |",
        f"| final English title | “{final['title']}” (edit version {final['version']}) |",
        f"| admin history entries of the editor | {final['history']} |",
        "",
        "## Targets",
        "",
        "| target | measured | result |",
        "|---|---|---|",
        (
            "| zero 5xx responses | "
            f"{wrk_5xx} to wrk (warm-up included), {save_5xx} to the editor, {report['server_errors']} "
            f"errors in the server log, {report['unavailable']} “Database unavailable” | "
            f"{verdict(wrk_5xx == 0 and save_5xx == 0 and report['server_errors'] == 0 and report['unavailable'] == 0)} |"
        ),
        (
            "| zero “database is locked” in the server log | "
            f"{report['locked']} | {verdict(report['locked'] == 0)} |"
        ),
        (
            f"| every save answered 302 | {len(posted)} of {last}"
            + "".join(
                f"; save {save['n']}: {save.get('post') or save.get('form')} "
                f"{save.get('error', '')}".rstrip()
                for save in failed_saves[:5]
            )
            + f" | {verdict(last > 0 and len(posted) == last)} |"
        ),
        (
            "| every save present afterwards | "
            f"final title “{final['title']}” (expected “soak {last}”); "
            f"{previous_seen} of {last} forms showed the previous save; "
            f"{final['history']} history entries for {last} saves | "
            f"{verdict(final['title'] == f'soak {last}' and previous_seen == last and final['history'] == last)} |"
        ),
        (
            "| each save on the public page at the next request | "
            f"{public_seen} of {len(posted)} | {verdict(bool(posted) and public_seen == len(posted))} |"
        ),
        (
            f"| memory flat (each worker ends ≤ start + {RSS_GROWTH_RATIO:.0%} or "
            f"+{RSS_GROWTH_MB:.0f} MB) | see below | {verdict(flat)} |"
        ),
        "",
        "## Worker memory (VmRSS, MB)",
        "",
        "| worker | start | middle | end | change | peak (VmHWM) |",
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
        wrk_5xx == 0
        and save_5xx == 0
        and report["server_errors"] == 0
        and report["unavailable"] == 0
        and report["locked"] == 0
        and last > 0
        and len(posted) == last
        and final["title"] == f"soak {last}"
        and previous_seen == last
        and final["history"] == last
        and public_seen == len(posted)
        and flat
    )
    return "\n".join(lines) + "\n", ok


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--duration", type=int, default=60, help="seconds of load")
    parser.add_argument("--connections", type=int, default=64)
    parser.add_argument("--threads", type=int, default=2, help="wrk threads")
    parser.add_argument("--workers", type=int, default=cores(), help="gunicorn workers")
    parser.add_argument("--save-interval", type=float, default=1.0, help="seconds between saves")
    parser.add_argument(
        "--warmup", type=int, default=30, help="seconds of load and saves before memory is sampled"
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
    parser.add_argument("--output", type=Path, default=ROOT / "bench" / "soak-results.md")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

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
