"""The Chinese interface catalogue (locale/zh_Hans): complete, consistent with the code and
with its compiled .mo, and what /zh-hans/ pages and the Chinese admin show."""

import ast
import gettext
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings

from tests.factories import make_agenda
from tests.html import elements, texts

CATALOGUE = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
COMPILED = CATALOGUE.with_suffix(".mo")

# %(name)s, %(count)d, %s and {name}: what the code fills in.
PLACEHOLDER = re.compile(r"%\(\w+\)[sdif]|%[sdif]|\{\w*\}")


def read_po(path):
    """The entries of a .po file: dicts with `flags`, `msgctxt`, `msgid`, `msgid_plural` and
    `msgstr` (a list: one item, or one per plural form). Obsolete (#~) entries are left out."""
    entries = []
    for block in path.read_text(encoding="utf-8").split("\n\n"):
        entry = {"flags": set(), "msgctxt": None, "msgid_plural": None, "msgstr": []}
        key = None
        for line in block.splitlines():
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif line.startswith('"'):
                if key == "msgstr":
                    entry["msgstr"][-1] += ast.literal_eval(line)
                else:
                    entry[key] += ast.literal_eval(line)
            else:
                keyword, value = line.split(" ", 1)
                key = "msgstr" if keyword.startswith("msgstr") else keyword
                if key == "msgstr":
                    entry["msgstr"].append(ast.literal_eval(value))
                else:
                    entry[key] = ast.literal_eval(value)
        if "msgid" in entry:
            entries.append(entry)
    return entries


def messages(path=CATALOGUE):
    """The entries other than the header."""
    return [entry for entry in read_po(path) if entry["msgid"]]


def label(entry):
    return f"{entry['msgctxt']}|{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]


def test_the_header_declares_simplified_chinese_with_one_plural_form():
    header = next(entry for entry in read_po(CATALOGUE) if entry["msgid"] == "")

    assert "Language: zh_Hans\n" in header["msgstr"][0]
    assert "Plural-Forms: nplurals=1; plural=0;\n" in header["msgstr"][0]
    assert "Content-Type: text/plain; charset=UTF-8\n" in header["msgstr"][0]
    assert "fuzzy" not in header["flags"]


def test_every_message_is_translated_and_none_is_fuzzy():
    entries = messages()

    assert len(entries) > 300  # the whole interface, not a stub
    assert [label(e) for e in entries if "fuzzy" in e["flags"]] == []
    assert [label(e) for e in entries if not all(e["msgstr"]) or not e["msgstr"]] == []
    # One plural form in Chinese: exactly msgstr[0] for a plural message.
    assert [label(e) for e in entries if e["msgid_plural"] and len(e["msgstr"]) != 1] == []


def test_every_translation_keeps_the_placeholders_of_its_source():
    wrong = []
    for entry in messages():
        wanted = sorted(PLACEHOLDER.findall(entry["msgid_plural"] or entry["msgid"]))
        for translation in entry["msgstr"]:
            if sorted(PLACEHOLDER.findall(translation)) != wanted:
                wrong.append((label(entry), translation))

    assert wrong == []


def test_translations_are_chinese_with_chinese_punctuation():
    """No English sentence left in a translation: each one has Chinese characters (or is
    punctuation or a name kept on purpose), and none has an ASCII colon or comma after a
    Chinese character."""
    kept_as_is = {"WIC"}  # the logo's letters
    untranslated = []
    ascii_punctuation = []
    for entry in messages():
        for translation in entry["msgstr"]:
            words = PLACEHOLDER.sub("", translation)
            if (
                translation not in kept_as_is
                and re.search(r"[A-Za-z]", words)
                and not re.search(r"[\u4e00-\u9fff]", words)
            ):
                untranslated.append(label(entry))
            if re.search(r"[\u4e00-\u9fff][:,;]", translation):
                ascii_punctuation.append(translation)

    assert untranslated == []
    assert ascii_punctuation == []


def test_the_compiled_catalogue_matches_the_po_file():
    """The .mo is built, not committed (`make setup` runs compilemessages): a stale or
    missing one would show English on Chinese pages."""
    assert COMPILED.exists(), "run `make setup` (manage.py compilemessages --ignore=.venv)"
    with COMPILED.open("rb") as file:
        compiled = gettext.GNUTranslations(file)
    stale = []
    for entry in messages():
        msgid = f"{entry['msgctxt']}\x04{entry['msgid']}" if entry["msgctxt"] else entry["msgid"]
        if entry["msgid_plural"]:
            found = compiled.ngettext(msgid, entry["msgid_plural"], 1)
        else:
            found = compiled.gettext(msgid)
        if found != entry["msgstr"][0]:
            stale.append(label(entry))

    assert stale == [], "the .mo is older than the .po: run manage.py compilemessages"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogue_has_every_interface_string_of_the_code(tmp_path):
    """makemessages over a copy of the code finds no message the catalogue lacks: a string
    wrapped for translation but never translated would show in English on /zh-hans/."""
    base = Path(settings.BASE_DIR)
    for name in ["wic", "events", "outcomes", "templates", "locale"]:
        shutil.copytree(
            base / name, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__", "*.mo")
        )
    shutil.copy(base / "manage.py", tmp_path / "manage.py")

    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "zh_Hans", "--verbosity", "0"],
        cwd=tmp_path,
        check=True,
        capture_output=True,
    )

    extracted = messages(tmp_path / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po")
    ours = {(e["msgctxt"], e["msgid"]) for e in messages()}
    assert [label(e) for e in extracted if (e["msgctxt"], e["msgid"]) not in ours] == []
    # msgmerge marks a new message fuzzy when it resembles an old one: none may be new.
    assert [label(e) for e in extracted if "fuzzy" in e["flags"] or not all(e["msgstr"])] == []


# --- What the pages show ------------------------------------------------------------------

NAVIGATION = {
    "zh-hans": ["首页", "大会概况", "新闻", "议程", "大会成果", "科技成果", "媒体评价", "历届大会"],
    "en": ["Home", "About", "News", "Agenda", "Outcomes", "Achievements", "Press", "Editions"],
}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "heading", "button", "count", "labels", "venue"),
    [
        (
            "zh-hans",
            "议程",
            "筛选",
            "共6项议程活动",
            ["日期：", "类型：", "板块：", "会场：", "关键词："],
            "网剧场，乌镇互联网国际会展中心",
        ),
        (
            "en",
            "Agenda",
            "Filter",
            "6 programme items",
            ["Day:", "Kind:", "Track:", "Venue:", "Keyword:"],
            "Internet Theatre, Wuzhen Internet International Convention and Exhibition Center",
        ),
    ],
)
def test_agenda_page_interface_is_in_the_page_language(
    client, language, heading, button, count, labels, venue
):
    make_agenda()

    response = client.get(f"/{language}/2018/agenda/")

    assert response.status_code == 200
    assert texts(response, "h1") == [heading]
    nav = elements(response, "nav", class_="site-nav")[0]
    assert texts(nav, "a") == NAVIGATION[language]
    filters = elements(response, "form", class_="filters")[0]
    assert texts(filters, "button") == [button]
    assert texts(filters, "label") == labels
    assert texts(response, "p", class_="result-bar")[0].startswith(count)
    assert venue in texts(response, "span", class_="venue")  # a hall, then its building


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "title", "heading", "links"),
    [
        (
            "zh-hans",
            "页面不存在 · 世界互联网大会",
            "页面不存在",
            ["返回首页", "查看历届大会", "站内搜索"],
        ),
        (
            "en",
            "Page not found · World Internet Conference",
            "Page not found",
            ["Go to the home page", "See all editions", "Search the site"],
        ),
    ],
)
def test_not_found_page_is_in_the_page_language(client, language, title, heading, links):
    make_agenda()

    response = client.get(f"/{language}/no-such-page/")

    assert response.status_code == 404
    assert texts(response, "title") == [title]
    assert texts(response, "h1") == [heading]
    assert texts(elements(response, "div", class_="prose")[0], "a") == links


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "header", "switch_label", "page_title"),
    [
        ("zh-hans", "世界互联网大会网站管理", "语言：", "登录 | 世界互联网大会网站管理"),
        ("en", "WIC site administration", "Language:", "Log in | WIC site administration"),
    ],
)
def test_admin_header_follows_the_language_cookie(
    client, language, header, switch_label, page_title
):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    response = client.get("/admin/login/")

    assert response.status_code == 200
    assert texts(response, "div", id="site-name") == [header]
    assert texts(response, "span", class_="wic-language-switch-label") == [switch_label]
    assert texts(response, "title") == [page_title]
