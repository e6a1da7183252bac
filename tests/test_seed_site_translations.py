"""The seed marks every text the site translated itself, and the pages show those marks.

SITE_TRANSLATED is the editors' list of the seed's localized columns whose text is the site's
own translation, transliteration or rendering rather than an official name or wording found in
the seed or the reference (each entry's `source` note says why). Keys are the fixtures' own,
"<app_label>.<model>:<pk>"; the comment names the entry. A name no source gives in one
language and that cannot honestly be rendered stays an unpublished draft (the halls and the
forums known only from the low-confidence demo file), still marked.
"""

import pytest
from django.apps import apps
from django.urls import reverse
from django.utils import translation

from tests.html import elements, texts
from tests.test_seed_fixtures import concrete_models, load_seed
from wic.core.site_translation import columns

pytestmark = pytest.mark.django_db

SITE_TRANSLATED = {
    "events.organization:10": ["name_en"],  # china-federation-of-internet-societies
    "events.organization:19": ["name_en", "short_name_en"],  # xinlan-net
    "events.organization:23": ["name_zh_hans"],  # eastwest-institute
    "events.person:1": ["title_en"],  # huang-kunming
    "events.person:3": ["title_zh_hans"],  # liu-liehong
    "events.person:6": ["name_zh_hans", "title_zh_hans"],  # xi-yanchun
    "events.person:12": ["title_zh_hans"],  # zhang-jun
    "events.person:14": ["title_zh_hans"],  # ma-li
    "events.person:15": ["name_zh_hans", "title_zh_hans"],  # elliott-harris
    "events.person:16": ["name_zh_hans"],  # viviane-reding
    "events.person:17": ["title_en"],  # nigel-inkster
    "events.edition:1": [  # 2018
        "tagline_en",
        "summary_en",
        "background_en",
        "outcomes_overview_en",
        "logo_description_en",
        "trademark_note_en",
    ],
    "events.venue:2": ["name_en"],  # wuzhen-hall
    "events.venue:3": ["name_en"],  # internet-theatre
    "events.venue:4": ["name_en", "description_en"],  # wuzhen-banquet-center
    "events.venue:7": ["name_en"],  # longfeng-hall (draft)
    "events.venue:8": ["name_en"],  # gongyin-hall (draft)
    "events.venue:9": ["name_en"],  # tongan-hall (draft)
    "events.venue:10": ["name_en"],  # longxing-hall (draft)
    "events.venue:11": ["name_en"],  # lotus-pond-plaza (draft)
    "events.venue:12": ["name_en"],  # yunzhou-guest-center (draft)
    "events.venue:13": ["name_en"],  # yunzhou-wuzhen-hall (draft)
    "events.venue:14": ["name_en"],  # wuzhen-grand-theatre (draft)
    "events.track:1": ["name_zh_hans"],  # innovation-driven-development
    "events.track:2": ["name_zh_hans"],  # universal-security
    "events.track:3": ["name_zh_hans"],  # openness-and-inclusiveness
    "events.track:4": ["name_zh_hans"],  # better-life
    "events.track:5": ["name_zh_hans"],  # common-prosperity
    "events.session:1": ["summary_en"],  # expo-press-conference
    "events.session:3": ["summary_en"],  # opening-ceremony
    "events.session:4": ["summary_en"],  # plenary-session
    "events.session:5": ["summary_en"],  # wuzhen-talks
    "events.session:6": ["summary_en", "description_en"],  # leading-achievements-release
    "events.session:7": ["summary_en"],  # blue-book-release
    "events.session:8": ["title_en"],  # personal-information-protection
    "events.session:9": ["title_en"],  # online-public-welfare-and-poverty-alleviation
    "events.session:10": ["title_zh_hans"],  # digital-silk-road
    "events.session:11": ["title_en"],  # fintech-and-credit-society (draft)
    "events.session:12": ["title_en"],  # online-cultural-exchange (draft)
    "events.session:13": ["title_en"],  # expert-and-entrepreneur-forum (draft)
    "events.session:14": ["title_en"],  # entrepreneurs-summit-dialogue (draft)
    "events.session:15": ["title_en"],  # 5g-era (draft)
    "events.session:16": ["title_en"],  # cybersecurity-forum (draft)
    "events.session:17": ["summary_en", "description_zh_hans"],  # closing-ceremony
    "events.milestone:1": ["body_en"],  # 28 Sep: the SCIO press conference
    "events.milestone:2": ["body_en"],  # 6 Nov: the expo press conference
    "events.milestone:3": ["body_en"],  # 22 Oct: the 5G showcase
    "events.milestone:4": ["body_en"],  # 1 Nov: the volunteers (Zhiyuanhui)
    "events.milestone:5": ["body_en"],  # the two smart systems
    "events.milestone:6": ["body_en"],  # the banquet centre opens
    "events.milestone:7": ["body_en"],  # 7 Nov: the opening ceremony
    "events.milestone:8": ["body_en"],  # 7 Nov: the plenary session
    "events.milestone:9": ["body_en"],  # 9 Nov: the conference closes
    "events.highlight:1": ["title_en", "body_en"],  # the film 《遇见未来》
    "events.highlight:2": ["title_en", "body_en"],  # innovation 1
    "events.highlight:3": ["title_en", "body_en"],  # innovation 2
    "events.highlight:4": ["title_en", "body_en"],  # innovation 3
    "events.highlight:5": ["title_en", "body_en"],  # innovation 5
    "events.highlight:6": ["body_en"],  # culture: 小梧桐
    "outcomes.document:1": ["subtitle_en", "summary_en", "body_en"],  # wuzhen-outlook-2018
    "outcomes.document:2": ["subtitle_en", "summary_en", "body_en"],  # world internet report
    "outcomes.document:3": ["subtitle_en", "summary_en", "body_en"],  # china internet report
    "outcomes.achievement:1": ["title_en"],  # wechat-mini-program
    "outcomes.achievement:2": ["title_en"],  # huawei-ascend-310
    "outcomes.achievement:4": ["title_en", "description_en"],  # ant-financial-blockchain
    "outcomes.pressevaluation:1": ["quote_en"],  # People's Daily Online
    "outcomes.pressevaluation:2": ["quote_en"],  # China Daily website
    "outcomes.pressevaluation:3": ["quote_en"],  # Nigel Inkster (IISS): from the seed's Chinese
}


def get(key):
    label, pk = key.split(":")
    return apps.get_model(label)._base_manager.get(pk=pk)


def test_every_text_the_site_translated_is_marked_and_nothing_else():
    load_seed()

    marked = {
        f"{model._meta.label_lower}:{obj.pk}": obj.site_translated
        for model in concrete_models()
        if not model._meta.auto_created and hasattr(model, "site_translated")
        for obj in model._base_manager.exclude(site_translated=[])
    }

    assert marked == SITE_TRANSLATED


@pytest.mark.parametrize("key", SITE_TRANSLATED)
def test_each_mark_names_a_translation_column_of_its_model_that_has_text(key):
    load_seed()
    obj = get(key)

    known = columns(type(obj))

    assert [column for column in SITE_TRANSLATED[key] if column not in known] == []
    assert [column for column in SITE_TRANSLATED[key] if not getattr(obj, column)] == []


def marker_labels(element):
    return [m.children[0] for m in elements(element, "span", class_="site-translation")]


@pytest.mark.parametrize(("language", "marked"), [("zh-hans", ["本站译"]), ("en", [])])
def test_the_chinese_title_the_site_gave_a_forum_is_marked_on_its_page(client, language, marked):
    load_seed()

    with translation.override(language):
        response = client.get(reverse("events:session-detail", args=[2018, "digital-silk-road"]))

    assert marker_labels(elements(response, "h1")[0]) == marked


def test_the_five_sections_chinese_names_are_offered_as_the_sites_translations(client):
    load_seed()

    with translation.override("zh-hans"):
        response = client.get(reverse("events:agenda", args=[2018]))

    assert texts(elements(response, "select", name="track")[0], "option") == [
        "全部板块",
        "创新驱动发展（本站译）",
        "普遍安全（本站译）",
        "开放包容（本站译）",
        "追求美好生活（本站译）",
        "共同繁荣（本站译）",
    ]


@pytest.mark.parametrize(
    ("language", "notes"),
    [
        ("en", [["Translated from Chinese", "site translation"]] * 3),
        ("zh-hans", [[], [], []]),
    ],
)
def test_the_press_quotes_say_the_site_translated_them_from_chinese(client, language, notes):
    load_seed()

    with translation.override(language):
        response = client.get(reverse("outcomes:press-list", args=[2018]))

    shown = []
    for item in elements(response, "li", class_="press-item"):
        meta = elements(item, "p", class_="outcome-meta")[0]
        shown.append(texts(meta, "span", class_="translated-note") + marker_labels(meta))
    assert shown == notes
