"""The seed fixtures carry the source document's facts, with its figures and dates, in both languages.

Each row of FACTS names an object of the seed, one of its translated fields, and the text that
field must contain in Chinese and in English. The test reads the field the way a page does
(`obj.title` under the active language).
"""

import datetime
import re
import zoneinfo
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management import call_command
from django.utils import translation
from modeltranslation.translator import translator

from events.models import Edition, Highlight, KeyFigure, Milestone, Organization, Session, Track
from outcomes.models import Achievement, Document, PressEvaluation

THEME_ZH = "创造互信共治的数字世界——携手共建网络空间命运共同体"
THEME_EN = (
    "Creating a Digital World for Mutual Trust and Collective Governance — Towards a Community "
    "with a Shared Future in Cyberspace"
)
LANGUAGES = ["zh-hans", "en"]


@pytest.fixture
def seed(db):
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", verbosity=0)


# Lookups by stable keys (slugs, dates, numbers), not by pk.
def edition():
    return Edition.objects.get(year=2018)


def milestone(date, category):
    return Milestone.objects.get(date=date, category=category)


def undated_milestone(text_zh):
    return Milestone.objects.get(date=None, body_zh_hans__contains=text_zh)


def figure(slug):
    return KeyFigure.objects.get(edition__year=2018, slug=slug)


def session(slug):
    return Session.objects.get(edition__year=2018, slug=slug)


def innovation(number):
    return Highlight.objects.get(edition__year=2018, category="innovation", number=number)


def document(slug):
    return Document.objects.get(edition__year=2018, slug=slug)


def press(outlet_slug):
    return PressEvaluation.objects.get(edition__year=2018, outlet__slug=outlet_slug)


@dataclass
class Fact:
    get: object  # a function returning the object
    field: str
    zh: tuple[str, ...]
    en: tuple[str, ...]


FACTS = {
    "edition name": Fact(
        edition, "name", ("第五届世界互联网大会",), ("Fifth World Internet Conference",)
    ),
    "edition short name": Fact(edition, "short_name", ("乌镇峰会",), ("Wuzhen Summit",)),
    "theme": Fact(edition, "theme", (THEME_ZH,), (THEME_EN,)),
    "hosts": Fact(
        edition,
        "summary",
        ("中华人民共和国国家互联网信息办公室、浙江省人民政府主办的国际性会议",),
        (
            "hosted by the Cyberspace Administration of China and the People's Government of Zhejiang Province",
        ),
    ),
    "background: five co-organizers": Fact(
        edition,
        "background",
        ("党的十八大以来", "联合国经济和社会事务部、国际电信联盟等五家国际组织参与协办"),
        (
            "Since the 18th National Congress",
            "co-organized by five international organizations, including the United Nations "
            "Department of Economic and Social Affairs and the International Telecommunication Union",
        ),
    ),
    "5 sections and 20 forums": Fact(
        edition,
        "outcomes_overview",
        ("设置了5大板块，共20个分论坛",),
        ("organized in five sections with a total of 20 forums",),
    ),
    "logo: eight circles": Fact(
        edition,
        "logo_description",
        ("“互”字中心由八个圆形交织而成", "标志的主色调为蓝色"),
        ("eight circles interweave", "Its main colour is blue"),
    ),
    "2015 trademark": Fact(
        edition,
        "trademark_note",
        ("2015年5月，经国家工商总局批准，三枚“世界互联网大会·乌镇峰会”标志获特殊标志登记证书",),
        (
            "In May 2015, with the approval of the State Administration for Industry and Commerce, "
            "three “World Internet Conference · Wuzhen Summit” emblems received special-mark "
            "registration certificates",
        ),
    ),
    "28 Sep SCIO press conference": Fact(
        lambda: milestone(datetime.date(2018, 9, 28), "announcement"),
        "body",
        (
            "2018年9月28日，中华人民共和国国务院新闻办公室举行新闻发布会",
            # Each title goes with its own person: the sources give none for Ge and Sheng.
            "出席发布会的有国家互联网信息办公室副主任刘烈宏，葛慧君、盛勇军，"
            "以及国务院新闻办公室新闻发言人袭艳春。",
            "共设置19场分论坛",
        ),
        (
            "On 28 September 2018, the State Council Information Office",
            "Attending were Liu Liehong, deputy director of the Cyberspace Administration of China; "
            "Ge Huijun; Sheng Yongjun; and Xi Yanchun, spokeswoman for the SCIO.",
            "19 sub-forums",
        ),
    ),
    "6 Nov expo press conference": Fact(
        lambda: milestone(datetime.date(2018, 11, 6), "announcement"),
        "body",
        ("2018年11月6日下午", "“互联网之光”博览会新闻发布会", "乌镇互联网国际会展中心网剧场"),
        (
            "On the afternoon of 6 November 2018",
            "Light of Internet Expo",
            "Internet Theatre of the Wuzhen International Internet Exhibition & Convention Center",
        ),
    ),
    "22 Oct 5G showcase": Fact(
        lambda: milestone(datetime.date(2018, 10, 22), "service"),
        "body",
        ("截至2018年10月22日", "5G视频直播", "5G急救车远程医疗保障"),
        ("By 22 October 2018", "live 5G video", "remote medical support from a 5G ambulance"),
    ),
    "1,260 volunteers": Fact(
        lambda: milestone(datetime.date(2018, 11, 1), "service"),
        "body",
        ("1260名互联网大会志愿者“小梧桐”", "浙江省内12所高校的7000多名报名者", "首次引入“志愿汇”"),
        (
            "1,260 conference volunteers, known as “Xiao Wutong”",
            "more than 7,000 applicants at 12 universities in Zhejiang Province",
            "For the first time, the volunteers were managed through Zhiyuanhui (志愿汇)",
        ),
    ),
    "10 smart technology projects": Fact(
        lambda: undated_milestone("两大系统"),
        "body",
        ("人脸识别、人工智能等10个智慧技术项目", "首次投入运行的互联网桌面云系统"),
        (
            "10 smart technology projects such as face recognition and artificial intelligence",
            "desktop cloud system, in operation for the first time",
        ),
    ),
    "48,000 m² banquet centre": Fact(
        lambda: undated_milestone("宴会中心"),
        "body",
        ("建筑面积达4.8万平方米的乌镇宴会中心", "互联网元素与江南水乡特色"),
        ("Wuzhen Banquet Centre, with a floor area of 48,000 m²", "internet motifs"),
    ),
    "7 Nov opening, Huang Kunming": Fact(
        lambda: Milestone.objects.get(
            date=datetime.date(2018, 11, 7), category="progress", title_zh_hans__contains="开幕式"
        ),
        "body",
        (
            "2018年11月7日，第五届世界互联网大会开幕式在浙江乌镇举行",
            "黄坤明",
            "宣读习近平主席贺信并发表主旨演讲",
        ),
        (
            "On 7 November 2018, the opening ceremony",
            "Huang Kunming",
            "read out a congratulatory letter from President Xi Jinping and delivered a keynote speech",
        ),
    ),
    "9 Nov closing": Fact(
        lambda: milestone(datetime.date(2018, 11, 9), "progress"),
        "body",
        ("2018年11月9日，第五届世界互联网大会在乌镇闭幕",),
        ("On 9 November 2018, the Fifth World Internet Conference closed in Wuzhen",),
    ),
    "20 forums, 19 announced": Fact(
        lambda: figure("forums"),
        "note",
        ("9月28日国务院新闻办公室新闻发布会公布为19场",),
        ("19 were announced at the SCIO press conference on 28 September",),
    ),
    "volunteer figure note": Fact(
        lambda: figure("volunteers"),
        "note",
        ("从浙江省内12所高校的7000多名报名者中选出",),
        ("chosen from more than 7,000 applicants at 12 universities in Zhejiang Province",),
    ),
    "innovation 1: 19 sub-forums as announced on 28 Sep, 1+2": Fact(
        lambda: innovation(1),
        "body",
        ("“1+2”功能定位", "共设置19场分论坛（9月28日国务院新闻办公室新闻发布会公布的数字）"),
        ("“1+2” structure", "Its programme, as announced on 28 September, comprised 19 sub-forums"),
    ),
    "innovation 2: five years, Wuzhen Talks": Fact(
        lambda: innovation(2),
        "body",
        ("推出大会5年成就回顾", "“乌镇论道——回顾与展望”", "“企业家高峰对话”"),
        (
            "looked back on the remarkable path",
            "five years of achievements",
            "“Wuzhen Talks – Retrospect and Prospect”",
            "“Entrepreneurs' Summit Dialogue”",
        ),
    ),
    "innovation 3: international elements": Fact(
        lambda: innovation(3),
        "body",
        ("五家国际组织协办", "互联网新产品新应用推介会", "嘉宾交流沙龙"),
        (
            "co-organized by five international organizations",
            "Showcase of New Internet Products and Applications",
            "guest salon",
        ),
    ),
    "innovation 5: intelligent applications": Fact(
        lambda: innovation(5),
        "body",
        ("无人驾驶观光车、VR/AR应用、公路无人驾驶",),
        (
            "driverless sightseeing vehicles, VR/AR applications and driverless cars on public roads",
        ),
    ),
    "film and its producer": Fact(
        lambda: Highlight.objects.get(edition__year=2018, category="film"),
        "body",
        ("2018年11月2日，由浙江广电集团新蓝网承制", "《遇见未来》"),
        (
            "On 2 November 2018, Meeting the Future",
            "Produced by Xinlan Net of Zhejiang Radio and TV Group",
        ),
    ),
    "opening ceremony session": Fact(
        lambda: session("opening-ceremony"),
        "summary",
        ("黄坤明", "宣读习近平主席贺信"),
        ("Huang Kunming", "congratulatory letter from President Xi Jinping"),
    ),
    "Wuzhen Talks session": Fact(
        lambda: session("wuzhen-talks"),
        "title",
        ("乌镇论道——回顾与展望",),  # the Chinese dash, two em dashes
        ("Wuzhen Talks – Retrospect and Prospect",),
    ),
    "15 achievements released": Fact(
        lambda: session("leading-achievements-release"),
        "summary",
        ("15项世界互联网领先科技成果面向全球发布",),
        ("Fifteen World Leading Internet Scientific and Technological Achievements were released",),
    ),
    "the release event: the seed's framing paragraph": Fact(
        lambda: session("leading-achievements-release"),
        "description",
        (
            "世界互联网领先科技成果发布活动汇聚全球尖端科技，腾讯公司的微信小程序商业模式创新、"
            "华为公司的昇腾310芯片、亚马逊公司的Amazon SageMaker、蚂蚁金服自主可控的金融级商用区块链平台"
            "等代表性领先科技成果",
            "为全球互联网领域形成示范引领效应，凸显互联网强大的创新创造活力。",
        ),
        (
            "The release brought together cutting-edge technology from around the world.",
            "Ant Financial's independently developed, financial-grade commercial blockchain platform",
            "highlight the internet's great capacity for innovation and creativity",
        ),
    ),
    "closing ceremony: each speaker with their own title": Fact(
        lambda: session("closing-ceremony"),
        "description",
        ("联合国经济和社会事务部助理秘书长埃利奥特·哈里斯致辞，维维亚娜·雷丁也发表了讲话。",),
        (
            "Elliott Harris, Assistant Secretary-General of the United Nations Department of "
            "Economic and Social Affairs, and Viviane Reding both spoke",
        ),
    ),
    "Outlook: five aspects, Wuzhen Process": Fact(
        lambda: document("wuzhen-outlook-2018"),
        "summary",
        ("从五个方面对全球互联网作出了总结和展望", "“乌镇进程”"),
        ("reviews the global internet and looks ahead in five areas", "“Wuzhen Process”"),
    ),
    "Outlook adopted on 6 Nov": Fact(
        lambda: document("wuzhen-outlook-2018"),
        "body",
        (
            "2018年11月6日",
            "文件引言指出，来自76个国家和地区的约1500名嘉宾",
            "一、信息技术加速创新，数字鸿沟亟待缩小",
        ),
        (
            "6 November 2018",
            "about 1,500 participants from 76 countries and regions",
            "narrowing the digital divide",
        ),
    ),
    "personal information forum: hosts and the opening": Fact(
        lambda: session("personal-information-protection"),
        "summary",
        ("中国网络社会组织联合会、浙江省人民检察院协办", "邱学强主持开幕式。"),
        (
            "co-hosted by the China Federation of Internet Societies",
            "Qiu Xueqiang chaired the opening",
        ),
    ),
    "world blue book title": Fact(
        lambda: document("world-internet-development-report-2018"),
        "title",
        ("世界互联网发展报告2018",),
        ("World Internet Development Report 2018",),
    ),
    "world blue book: eight areas": Fact(
        lambda: document("world-internet-development-report-2018"),
        "body",
        ("2018年11月8日", "八个领域"),
        ("8 November 2018", "eight areas"),
    ),
    "China blue book title": Fact(
        lambda: document("china-internet-development-report-2018"),
        "title",
        ("中国互联网发展报告2018",),
        ("China Internet Development Report 2018",),
    ),
    "China blue book: digital economy": Fact(
        lambda: document("china-internet-development-report-2018"),
        "body",
        ("2017年中国数字经济规模达27.2万亿元", "对GDP增长的贡献率达55%"),
        ("27.2 trillion yuan in 2017", "contributing 55% of GDP growth"),
    ),
    "blue books: the seed's paragraph": Fact(
        lambda: document("china-internet-development-report-2018"),
        "summary",
        ("中国网络空间研究院编著", "为推动全球互联网发展治理提出中国方案"),
        ("compiled by the Chinese Academy of Cyberspace Studies", "China's proposals"),
    ),
    "People's Daily Online quote": Fact(
        lambda: press("peoples-daily-online"),
        "quote",
        (
            "以“创造互信共治的数字世界——携手共建网络空间命运共同体”为主题的第五届世界互联网大会虽已闭幕，"
            "但所“结”出的丰硕成果，让人难忘，引发赞叹。",
        ),
        ("has drawn to a close, but the rich fruit it has borne is unforgettable",),
    ),
    "China Daily website quote": Fact(
        lambda: press("china-daily-website"),
        "quote",
        (
            "第五届世界互联网大会的成功举办，凝聚了中外各方的最大共识和共同愿景，互信推动合作、共治引领未来。"
            "在携手共建网络空间命运共同体的旗帜指引下，数字世界的发展一定会更加繁荣，全球互联网发展的未来一定"
            "会更加美好。",
        ),
        ("mutual trust drives cooperation, and collective governance leads the way to the future",),
    ),
    "Nigel Inkster quote": Fact(
        lambda: press("iiss"),
        "quote",
        (
            "第五届世界互联网大会所展示的多项前沿科技，如5G、人工智能、人脸识别等，都为中国的数字经济注入更强劲"
            "的发展动力。",
        ),
        ("such as 5G, artificial intelligence and face recognition",),
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_seed_facts_are_there(seed, language):
    # One load for the whole table (loading takes most of a test's time); the assertion
    # lists every missing fact at once.
    missing = []
    with translation.override(language):
        for name, fact in FACTS.items():
            text = getattr(fact.get(), fact.field)
            expected = fact.zh if language == "zh-hans" else fact.en
            missing += [(name, part) for part in expected if part not in text]

    assert missing == []


def test_the_fact_table_is_long_enough():
    assert len(FACTS) >= 30


@pytest.mark.parametrize(
    ("language", "outlets"),
    [
        ("zh-hans", ["人民网", "中国日报网", "国际战略研究所"]),
        (
            "en",
            [
                "People's Daily Online",
                "China Daily website",
                "International Institute for Strategic Studies",
            ],
        ),
    ],
)
def test_press_quotes_name_their_outlets(seed, language, outlets):
    with translation.override(language):
        names = [p.outlet.name for p in PressEvaluation.objects.filter(edition__year=2018)]

    assert names == outlets


@pytest.mark.parametrize(
    ("language", "author", "title"),
    [("zh-hans", "奈杰尔·殷克斯特", "高级顾问"), ("en", "Nigel Inkster", "Senior Adviser")],
)
def test_expert_quote_has_its_author(seed, language, author, title):
    with translation.override(language):
        evaluation = press("iiss")
        shown = (evaluation.author.name, evaluation.author.title, evaluation.kind)

    assert shown == (author, title, "expert")
    assert [p.original_language for p in PressEvaluation.objects.order_by("sort_order")] == [
        "zh-hans",
        "zh-hans",
        "",
    ]


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        (
            "zh-hans",
            [
                "微信小程序商业模式创新",
                "昇腾310芯片",
                "Amazon SageMaker",
                "金融级区块链应用平台（蚂蚁区块链）",
            ],
        ),
        (
            "en",
            [
                "WeChat Mini Program Business-Model Innovation",
                "Ascend 310 Chip",
                "Amazon SageMaker",
                "Financial-Grade Blockchain Application Platform (Ant Blockchain)",
            ],
        ),
    ],
)
def test_the_four_named_achievements(seed, language, titles):
    with translation.override(language):
        achievements = Achievement.objects.published().filter(edition__year=2018)
        shown = [(a.title, a.organization.slug) for a in achievements]

    assert shown == list(zip(titles, ["tencent", "huawei", "amazon", "ant-financial"], strict=True))


@pytest.mark.parametrize(
    ("language", "named"),
    [
        (
            "zh-hans",
            [
                "腾讯公司的微信小程序商业模式创新",
                "华为公司的昇腾310芯片",
                "亚马逊公司的Amazon SageMaker",
                "蚂蚁金服的金融级区块链应用平台（蚂蚁区块链）",
            ],
        ),
        (
            "en",
            [
                "Tencent's business-model innovation with WeChat Mini Programs",
                "Huawei's Ascend 310 chip",
                "Amazon SageMaker, from Amazon,",
                "Ant Financial's financial-grade blockchain application platform (Ant Blockchain)",
            ],
        ),
    ],
)
def test_each_achievement_was_named_one_of_the_15_presented_on_7_november(seed, language, named):
    # The seed says the list of 15 was released at the conference, not each product (Huawei
    # launched the Ascend 310 in October 2018); and no source attributes a wording to the WIC.
    tail = {
        "zh-hans": "入选2018年11月7日在第五届世界互联网大会上发布的15项世界互联网领先科技成果。",
        "en": " was named one of the 15 World Leading Internet Scientific and Technological "
        "Achievements presented at the Fifth World Internet Conference on 7 November 2018.",
    }[language]
    with translation.override(language):
        achievements = list(Achievement.objects.filter(edition__year=2018))
        summaries = [a.summary for a in achievements]
        descriptions = [a.description for a in achievements]

    assert summaries == [name + tail for name in named]
    assert descriptions == [
        "",
        "",
        "",
        {
            "zh-hans": "这一自主可控的金融级商用区块链平台是此次发布的代表性领先科技成果之一。",
            "en": "This independently developed, financial-grade commercial blockchain platform "
            "was among the achievements singled out as representative of the release.",
        }[language],
    ]


def test_only_the_blockchain_platform_has_a_field_and_only_wechat_a_category(seed):
    rows = [
        (a.slug, a.category, [f.slug for f in a.fields.all()])
        for a in Achievement.objects.filter(edition__year=2018)
    ]

    assert rows == [
        ("wechat-mini-program", "business_model", []),
        ("huawei-ascend-310", "", []),
        ("amazon-sagemaker", "", []),
        ("ant-financial-blockchain-platform", "", ["blockchain"]),
    ]


OUTLOOK_ASPECTS = {
    "zh-hans": ["互联网发展与创新", "网络文化", "数字经济", "网络安全", "互联网治理"],
    "en": [
        "internet development and innovation",
        "online culture",
        "the digital economy",
        "cybersecurity",
        "internet governance",
    ],
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_wuzhen_outlook_lists_the_five_aspects_it_covers_and_has_no_empty_sections(
    seed, client, language
):
    # The seed's five aspects are the areas the document covers, not its numbered points:
    # a list in the body. Only the first point's text was found, so no section is seeded.
    outlook = document("wuzhen-outlook-2018")
    with translation.override(language):
        page = client.get(outlook.get_absolute_url())
        body = outlook.body

    assert re.findall(r"<li>(.*?)</li>", body) == OUTLOOK_ASPECTS[language]
    assert list(outlook.sections.all()) == []
    html = page.content.decode()
    items = re.findall(r"<li>(.*?)</li>", html.partition('class="prose"')[2])
    assert items[:5] == OUTLOOK_ASPECTS[language]
    assert 'class="toc"' not in html
    assert "document-section" not in html


def test_document_dates_and_issuers(seed):
    rows = [(d.slug, d.kind, d.released_on, d.issuer.slug) for d in Document.objects.all()]

    assert rows == [
        (
            "wuzhen-outlook-2018",
            "outcome",
            datetime.date(2018, 11, 6),
            "wic-high-level-advisory-council",
        ),
        ("world-internet-development-report-2018", "blue_book", datetime.date(2018, 11, 8), "cacs"),
        ("china-internet-development-report-2018", "blue_book", datetime.date(2018, 11, 8), "cacs"),
    ]


@pytest.mark.parametrize(
    ("language", "title", "producer"),
    [
        ("zh-hans", "宣传片《遇见未来》", "浙江广电集团新蓝网"),
        ("en", "Promotional film: Meeting the Future", "Xinlan Net, Zhejiang Radio and TV Group"),
    ],
)
def test_film_title_producer_and_date(seed, language, title, producer):
    with translation.override(language):
        film = Highlight.objects.get(edition__year=2018, category="film")
        shown = (film.title, film.organization.name, film.date)

    assert shown == (title, producer, datetime.date(2018, 11, 2))


def test_innovation_items_keep_the_seeds_numbers(seed):
    numbers = list(
        Highlight.objects.published()
        .filter(edition__year=2018, category="innovation")
        .values_list("number", flat=True)
    )

    assert numbers == [1, 2, 3, 5]


def test_edition_dates_and_revision(seed):
    e = edition()

    assert (e.number, e.year, e.is_current, e.is_published) == (5, 2018, True, True)
    assert (e.starts_on, e.ends_on) == (datetime.date(2018, 11, 7), datetime.date(2018, 11, 9))
    assert e.last_revised_at == datetime.datetime(
        2024, 10, 25, 11, 41, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai")
    )


def test_hosts_and_co_organizers(seed):
    roles = [(r.role, r.organization.name_en) for r in edition().roles.all()]

    assert roles == [
        ("co_organizer", "United Nations Department of Economic and Social Affairs"),
        ("co_organizer", "International Telecommunication Union"),
        ("host", "Cyberspace Administration of China"),
        ("host", "People's Government of Zhejiang Province"),
        ("organizing_body", "World Internet Conference Organizing Committee"),
    ]


def test_key_figures_as_reported(seed):
    rows = [(f.slug, f.qualifier, f.value) for f in edition().key_figures.all()]

    assert rows == [
        ("forums", "", 20),
        ("sections", "", 5),
        ("leading-achievements", "", 15),
        ("volunteers", "", 1260),
        ("smart-technology-projects", "", 10),
        ("international-co-organizers", "", 5),
        ("participants", "about", 1500),
        ("countries-and-regions", "", 76),
        ("banquet-centre-area", "", 48000),
        ("expo-exhibitors", "more_than", 430),
        ("expo-launches", "more_than", 110),
        ("expo-matchmaking-sessions", "", 12),
    ]


def test_timeline_dates_by_category(seed):
    rows = [(m.category, m.date) for m in edition().milestones.all()]

    assert rows == [
        ("announcement", datetime.date(2018, 9, 28)),
        ("service", datetime.date(2018, 10, 22)),
        ("service", datetime.date(2018, 11, 1)),
        ("announcement", datetime.date(2018, 11, 6)),
        ("progress", datetime.date(2018, 11, 7)),
        ("progress", datetime.date(2018, 11, 7)),
        ("progress", datetime.date(2018, 11, 9)),
        ("service", None),  # the two smart systems: the seed gives no date
        ("service", None),  # the banquet centre
    ]


@pytest.mark.parametrize(
    ("language", "names"),
    [
        # The site's renderings of the official English names (no Chinese labels were found):
        # "Universal Security" is 普遍安全, not 普惠安全.
        ("zh-hans", ["创新驱动发展", "普遍安全", "开放包容", "追求美好生活", "共同繁荣"]),
        (
            "en",
            [
                "Innovation-driven Development",
                "Universal Security",
                "Openness and Inclusiveness",
                "In Pursuit of a Better Life",
                "Common Prosperity",
            ],
        ),
    ],
)
def test_the_five_2018_sections(seed, language, names):
    with translation.override(language):
        tracks = [t.name for t in Track.objects.published().filter(edition__year=2018)]

    assert tracks == names


def test_published_programme_by_day(seed):
    rows = [
        (s.date.isoformat(), s.part_of_day, s.slug)
        for s in Session.objects.published().filter(edition__year=2018)
    ]

    assert rows == [
        ("2018-11-06", "afternoon", "expo-press-conference"),
        ("2018-11-06", "unknown", "hac-annual-meeting"),
        ("2018-11-07", "morning", "opening-ceremony"),
        ("2018-11-07", "afternoon", "plenary-session"),
        ("2018-11-07", "afternoon", "wuzhen-talks"),
        ("2018-11-07", "unknown", "leading-achievements-release"),
        ("2018-11-08", "unknown", "blue-book-release"),
        ("2018-11-08", "morning", "personal-information-protection"),
        ("2018-11-08", "unknown", "online-public-welfare-and-poverty-alleviation"),
        ("2018-11-08", "unknown", "digital-silk-road"),
        ("2018-11-09", "unknown", "closing-ceremony"),
    ]
    assert not Session.objects.published().filter(starts_at__isnull=False).exists()


def test_low_confidence_forums_are_unpublished_drafts_with_times(seed):
    drafts = [
        (
            s.slug,
            s.date.isoformat(),
            s.starts_at.isoformat(),
            s.ends_at.isoformat(),
            s.venue.name_zh_hans,
        )
        for s in Session.objects.filter(edition__year=2018, kind="forum", is_published=False)
    ]

    assert drafts == [
        ("fintech-and-credit-society", "2018-11-08", "08:30:00", "11:30:00", "龙凤厅"),
        ("online-cultural-exchange", "2018-11-08", "08:30:00", "11:35:00", "通安厅（217）"),
        ("expert-and-entrepreneur-forum", "2018-11-08", "08:45:00", "12:00:00", "宫音厅"),
        ("entrepreneurs-summit-dialogue", "2018-11-08", "14:30:00", "18:30:00", "龙凤厅"),
        ("5g-era", "2018-11-09", "08:00:00", "10:50:00", "通安厅（217）"),
        ("cybersecurity-forum", "2018-11-09", "08:30:00", "10:30:00", "垄行厅（208）"),
    ]
    assert all("demo" in s.source for s in Session.objects.filter(is_published=False))
    assert [s.slug for s in Session.objects.published().filter(kind="forum")] == [
        "personal-information-protection",
        "online-public-welfare-and-poverty-alleviation",
        "digital-silk-road",
    ]


def test_personal_information_forum_organizers(seed):
    roles = [
        (r.role, r.organization.name_zh_hans, r.organization.name_en)
        for r in session("personal-information-protection").organizer_roles.all()
    ]

    assert roles == [
        ("host", "最高人民检察院", "Supreme People's Procuratorate"),
        ("co_host", "中国网络社会组织联合会", "China Federation of Internet Societies"),
        ("co_host", "浙江省人民检察院", "Zhejiang Provincial People's Procuratorate"),
    ]


@pytest.mark.parametrize(
    ("slug", "speakers"),
    [
        (
            "opening-ceremony",
            [("keynote", "黄坤明", "Huang Kunming"), ("speaker", "马化腾", "Pony Ma")],
        ),
        (
            "wuzhen-talks",
            [
                ("panelist", "法迪·切哈德", "Fadi Chehadé"),
                ("panelist", "沈南鹏", "Neil Shen"),
                ("panelist", "布鲁斯·迈康纳", "Bruce McConnell"),
                ("panelist", "丁磊", "Ding Lei"),
                ("moderator", "杨锐", "Yang Rui"),
            ],
        ),
        (
            "closing-ceremony",
            [
                ("speaker", "埃利奥特·哈里斯", "Elliott Harris"),
                ("speaker", "维维亚娜·雷丁", "Viviane Reding"),
            ],
        ),
    ],
)
def test_speakers_and_their_roles(seed, slug, speakers):
    rows = [
        (r.role, r.person.name_zh_hans, r.person.name_en) for r in session(slug).speaker_roles.all()
    ]

    assert rows == speakers


def test_seed_organizations_exist_in_both_languages(seed):
    names = dict(
        Organization.objects.filter(slug__in=["xinlan-net", "ant-financial", "cacs"]).values_list(
            "name_zh_hans", "name_en"
        )
    )

    assert names == {
        "浙江广电集团新蓝网": "Xinlan Net, Zhejiang Radio and TV Group",
        "蚂蚁金服": "Ant Financial",
        "中国网络空间研究院": "Chinese Academy of Cyberspace Studies",
    }


def _seed_models():
    return [m for name in ("events", "outcomes") for m in apps.get_app_config(name).get_models()]


def test_every_seed_object_is_valid_and_published_text_is_bilingual(seed):
    languages = [code.replace("-", "_") for code, _name in settings.LANGUAGES]
    one_sided = []

    for model in _seed_models():
        registered = model in translator.get_registered_models()
        fields = translator.get_options_for_model(model).fields if registered else ()
        for obj in model._base_manager.all():
            obj.full_clean()
            if not getattr(obj, "is_published", False):
                continue
            for field in fields:
                filled = [bool(getattr(obj, f"{field}_{code}")) for code in languages]
                if any(filled) and not all(filled):
                    one_sided.append((model.__name__, obj.pk, field))

    assert one_sided == []


def test_loading_the_seed_again_changes_nothing(seed):
    def snapshot():
        return [
            serializers.serialize("json", model._base_manager.order_by("pk"))
            for model in _seed_models()
        ]

    before = snapshot()
    with translation.override("zh-hans"):
        call_command("loaddata", "events", "outcomes", verbosity=0)

    assert snapshot() == before
