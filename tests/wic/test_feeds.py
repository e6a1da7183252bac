import datetime
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import translation

from events.models import Milestone
from tests.factories import make_edition, make_milestone
from tests.html import attribute, elements
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def feed_url(language, year=2018):
    with translation.override(language):
        return reverse("events:news-feed", args=[year])


def read_feed(client, language):
    response = client.get(feed_url(language))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel")


@pytest.fixture
def edition():
    edition = make_edition(
        year=2018, name_zh_hans="第五届世界互联网大会", name_en="Fifth World Internet Conference"
    )
    make_milestone(
        edition=edition,
        date=datetime.date(2018, 9, 28),
        title_zh_hans="新闻发布会",
        title_en="Press conference",
        body_zh_hans="国务院新闻办公室举行发布会。",
        body_en="The State Council Information Office held a press conference.",
    )
    make_milestone(
        edition=edition,
        date=datetime.date(2018, 11, 7),
        title_zh_hans="大会开幕",
        title_en="Opening",
        body_zh_hans="大会在乌镇开幕。",
        body_en="The conference opened in Wuzhen.",
    )
    make_milestone(edition=edition, date=None, title_zh_hans="无日期", title_en="Undated")
    make_milestone(edition=edition, title_en="Draft milestone", is_published=False)
    make_milestone(title_en="Another edition's milestone")
    return edition


@pytest.mark.parametrize(
    ("language", "channel_title", "titles", "description"),
    [
        (
            "zh-hans",
            "第五届世界互联网大会",
            ["大会开幕", "新闻发布会"],
            "<p>大会在乌镇开幕。</p>",
        ),
        (
            "en",
            "Fifth World Internet Conference",
            ["Opening", "Press conference"],
            "<p>The conference opened in Wuzhen.</p>",
        ),
    ],
)
def test_news_feed_lists_the_published_timeline_newest_first_in_the_urls_language(
    client, edition, language, channel_title, titles, description
):
    channel = read_feed(client, language)

    assert channel.findtext("title").startswith(channel_title)
    assert channel.findtext("language") == language
    assert channel.findtext("link") == f"http://testserver/{language}/2018/news/"
    items = channel.findall("item")
    assert [item.findtext("title") for item in items] == titles
    # An RSS description is HTML: the sanitized text in paragraphs (wic/core/rich_text.py).
    assert items[0].findtext("description") == description


def test_news_feed_items_link_to_their_place_on_the_news_page(client, edition):
    channel = read_feed(client, "en")

    opening = edition.milestones.get(title_en="Opening")
    item = channel.findall("item")[0]
    assert item.findtext("link") == f"http://testserver/en/2018/news/#milestone-{opening.pk}"
    assert item.findtext("guid") == item.findtext("link")
    assert item.findtext("pubDate") == "Wed, 07 Nov 2018 00:00:00 +0800"


def test_every_news_feed_item_has_a_date_and_undated_milestones_stay_out(client, edition):
    """No source dates them: the feed leaves them out rather than give a made-up date (the
    news page still lists them)."""
    channel = read_feed(client, "en")
    news = client.get(reverse("events:news", args=[2018]))

    items = channel.findall("item")
    assert [item.findtext("pubDate") for item in items] == [
        "Wed, 07 Nov 2018 00:00:00 +0800",
        "Fri, 28 Sep 2018 00:00:00 +0800",
    ]
    assert "Undated" not in [item.findtext("title") for item in items]
    assert "Undated" in news.content.decode()


def test_the_seed_feed_dates_every_item(client):
    with translation.override("zh-hans"):
        call_command("loaddata", "events", verbosity=0)

    for language in ["zh-hans", "en"]:
        items = read_feed(client, language).findall("item")
        dated = Milestone.objects.filter(is_published=True, date__isnull=False).count()
        assert len(items) == dated == 7
        assert all(item.findtext("pubDate") for item in items)


@pytest.mark.parametrize("year", [2017, 2019])
def test_news_feed_is_404_for_unknown_or_draft_edition(client, edition, year):
    make_edition(year=2019, is_published=False)

    response = client.get(feed_url("en", year))

    assert response.status_code == 404


def test_news_feed_queries_do_not_grow(client):
    edition = make_edition(year=2018)

    def grow(n):
        for _ in range(n):
            make_milestone(edition=edition)

    with_one, with_ten = assert_queries_flat(client, feed_url("en"), grow)

    assert len(ET.fromstring(with_one.content).find("channel").findall("item")) == 1
    assert len(ET.fromstring(with_ten.content).find("channel").findall("item")) == 10


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_news_page_announces_its_feed(client, edition, language):
    with translation.override(language):
        news_url = reverse("events:news", args=[2018])

    response = client.get(news_url)

    links = elements(response, "link", rel="alternate", type="application/rss+xml")
    assert [attribute(link, "href") for link in links] == [feed_url(language)]
