"""axe finds no serious or critical accessibility problem on the outcomes pages and the
search page, in either language, on a phone or a desktop."""

import datetime

import pytest
from axe_playwright_python.sync_playwright import Axe

from events.models import SessionSpeaker
from outcomes.models import Document, PressEvaluation
from tests.factories import (
    make_achievement,
    make_document,
    make_edition,
    make_field,
    make_organization,
    make_person,
    make_press_evaluation,
    make_section,
    make_session,
)

PAGES = [
    "/{lang}/2018/outcomes/",
    "/{lang}/2018/outcomes/wuzhen-outlook-2018/",
    "/{lang}/2018/achievements/",
    "/{lang}/2018/achievements/?field=quantum",  # with the invalid-filter message
    "/{lang}/2018/achievements/ant-blockchain/",
    "/{lang}/2018/press/",
    "/{lang}/search/?q=wuzhen",
    "/{lang}/search/?q=",
]


@pytest.fixture
def content(transactional_db):
    edition = make_edition(
        year=2018,
        is_current=True,
        name_zh_hans="第五届世界互联网大会",
        name_en="Fifth World Internet Conference",
    )
    committee = make_organization(
        slug="wic-committee", name_zh_hans="大会组委会", name_en="WIC Organizing Committee"
    )
    outlook = make_document(
        edition=edition,
        slug="wuzhen-outlook-2018",
        title_zh_hans="乌镇展望2018",
        title_en="Wuzhen Outlook 2018",
        summary_zh_hans="乌镇展望摘要",
        summary_en="Summary of the Wuzhen Outlook",
        body_zh_hans="正文",
        body_en="Body",
        issuer=committee,
        released_on=datetime.date(2018, 11, 9),
        site_translated=["summary_en", "body_en"],
    )
    for number in (1, 2):
        make_section(
            document=outlook,
            number=number,
            heading_zh_hans=f"第{number}点",
            heading_en=f"Point {number}",
            body_zh_hans="内容",
            body_en="Text",
        )
    make_document(
        edition=edition,
        kind=Document.Kind.BLUE_BOOK,
        title_zh_hans="世界互联网发展报告2018",
        title_en="World Internet Development Report 2018",
        issuer=committee,
    )
    make_achievement(
        edition=edition,
        slug="ant-blockchain",
        title_zh_hans="区块链跨境汇款",
        title_en="Blockchain cross-border remittance in Wuzhen",
        site_translated=["title_zh_hans", "title_en"],
        organization=make_organization(
            slug="ant", name_zh_hans="蚂蚁金服", name_en="Ant Financial"
        ),
        fields=[make_field(slug="blockchain", name_zh_hans="区块链", name_en="Blockchain")],
        description_zh_hans="详情",
        description_en="Details",
    )
    make_press_evaluation(
        edition=edition,
        quote_zh_hans="乌镇峰会搭建了对话平台。",
        quote_en="The Wuzhen Summit built a platform for dialogue.",
        original_language=PressEvaluation.Language.CHINESE,
        outlet=make_organization(name_zh_hans="新华社", name_en="Xinhua"),
        author=make_person(
            name_zh_hans="记者甲",
            name_en="A reporter",
            title_en="reporter",
            site_translated=["name_zh_hans", "title_en"],
        ),
        published_on=datetime.date(2018, 11, 9),
        source_url="https://example.org/xinhua",
        site_translated=["quote_en"],  # "Translated from Chinese" and the marker
    )
    session = make_session(edition=edition, title_zh_hans="乌镇论坛", title_en="Wuzhen forum")
    SessionSpeaker.objects.create(session=session, person=make_person())


def serious_violations(page):
    results = Axe().run(page)
    return [
        (violation["id"], violation["impact"], [node["target"] for node in violation["nodes"]])
        for violation in results.response["violations"]
        if violation["impact"] in {"serious", "critical"}
    ]


# Each language on one layout: Chinese on a phone, English on a desktop.
@pytest.mark.parametrize(("lang", "width"), [("zh-hans", 360), ("en", 1280)])
@pytest.mark.parametrize("path", PAGES)
def test_outcomes_and_search_pages_have_no_serious_accessibility_violation(
    page, live_server, content, path, lang, width
):
    page.set_viewport_size({"width": width, "height": 800})

    response = page.goto(live_server.url + path.format(lang=lang))

    assert response.status == 200
    assert serious_violations(page) == []


def test_axe_reports_a_serious_violation_when_there_is_one(page, live_server):
    """The check above can fail: an image without alt text is reported as critical."""
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"></main></html>')

    assert [violation[0] for violation in serious_violations(page)] == ["image-alt"]
