import pytest
from django.urls import reverse
from django.utils import translation
from django.utils.functional import Promise

from outcomes.filters import AchievementFilter, PressEvaluationFilter
from tests.factories import make_achievement, make_edition, make_field, make_organization
from tests.html import attribute, elements, texts

pytestmark = pytest.mark.django_db


def list_url(language="en"):
    with translation.override(language):
        return reverse("outcomes:achievement-list", args=[2018])


@pytest.fixture
def catalogue():
    """Three achievements of 2018 in two fields by two organizations."""
    edition = make_edition(year=2018)
    ai = make_field(slug="ai", name_zh_hans="人工智能", name_en="Artificial intelligence")
    chain = make_field(slug="blockchain", name_zh_hans="区块链", name_en="Blockchain")
    ant = make_organization(slug="ant-financial", name_en="Ant Financial")
    huawei = make_organization(slug="huawei", name_en="Huawei")
    make_achievement(
        edition=edition,
        title_zh_hans="区块链汇款",
        title_en="Blockchain remittance",
        summary_zh_hans="跨境",
        summary_en="Cross-border",
        organization=ant,
        fields=[chain],
        sort_order=1,
    )
    make_achievement(
        edition=edition,
        title_zh_hans="昇腾芯片",
        title_en="Ascend chips",
        summary_zh_hans="人工智能芯片",
        summary_en="Chips for AI",
        description_zh_hans="全栈全场景",
        description_en="Full stack",
        organization=huawei,
        fields=[ai],
        sort_order=2,
    )
    make_achievement(
        edition=edition,
        title_zh_hans="智能风控",
        title_en="Smart risk control",
        organization=ant,
        fields=[ai, chain],
        sort_order=3,
    )
    return edition


INVALID_CHOICE = "Select a valid choice. That choice is not one of the available choices."


def titles(response):
    return texts(response, "h2")


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, ["Blockchain remittance", "Ascend chips", "Smart risk control"]),
        ({"field": "ai"}, ["Ascend chips", "Smart risk control"]),
        ({"field": "blockchain"}, ["Blockchain remittance", "Smart risk control"]),
        ({"organization": "ant-financial"}, ["Blockchain remittance", "Smart risk control"]),
        ({"organization": "huawei", "field": "blockchain"}, []),
        ({"field": "ai", "organization": "ant-financial"}, ["Smart risk control"]),
        ({"q": "chips"}, ["Ascend chips"]),
        ({"q": "CHIPS"}, ["Ascend chips"]),
        ({"q": "full stack"}, ["Ascend chips"]),
        ({"q": "芯片"}, ["Ascend chips"]),  # a Chinese keyword on the English page
        ({"q": "跨境"}, ["Blockchain remittance"]),
        ({"q": "risk", "field": "ai"}, ["Smart risk control"]),
        ({"q": "nothing like this"}, []),
        ({"q": "100%"}, []),  # LIKE wildcards are matched literally
        ({"q": "_"}, []),
    ],
)
def test_achievement_filters_give_exact_lists(client, catalogue, params, expected):
    response = client.get(list_url(), params)

    assert response.status_code == 200
    assert titles(response) == expected
    assert elements(response, "div", class_="form-errors") == []


def test_english_keyword_works_on_the_chinese_page(client, catalogue):
    response = client.get(list_url("zh-hans"), {"q": "Ascend"})

    assert titles(response) == ["昇腾芯片"]


def test_filter_values_stay_in_the_form(client, catalogue):
    response = client.get(list_url(), {"field": "ai", "q": "risk"})

    selected = [
        attribute(option, "value")
        for option in elements(response, "option")
        if "selected" in option.attributes
    ]
    assert selected == ["ai", ""]  # the organization select keeps its "All" choice
    assert [attribute(i, "value") for i in elements(response, "input", id="id_q")] == ["risk"]


def test_filter_choices_are_this_editions_published_fields_and_organizations(client, catalogue):
    make_achievement(
        organization=make_organization(slug="elsewhere"), fields=[make_field(slug="other")]
    )
    make_field(slug="unused")
    make_achievement(
        edition=catalogue,
        organization=make_organization(slug="hidden-org", is_published=False),
        fields=[make_field(slug="hidden-field", is_published=False)],
    )

    response = client.get(list_url())

    field_select, organization_select = elements(response, "select")
    assert [attribute(o, "value") for o in elements(field_select, "option")] == [
        "",
        "ai",
        "blockchain",
    ]
    assert [attribute(o, "value") for o in elements(organization_select, "option")] == [
        "",
        "ant-financial",
        "huawei",
    ]


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"field": "quantum"}, f"Technology field: {INVALID_CHOICE}"),
        ({"organization": "nobody"}, f"Organization: {INVALID_CHOICE}"),
        ({"field": "other"}, f"Technology field: {INVALID_CHOICE}"),
        ({"q": "x" * 101}, "Keyword: Your search is too long: use at most 100 characters."),
    ],
)
def test_invalid_filter_values_empty_the_list_with_a_visible_message(
    client, catalogue, params, message
):
    make_achievement(fields=[make_field(slug="other")])  # a field of another edition

    response = client.get(list_url(), params)

    assert response.status_code == 200
    assert titles(response) == []
    errors = elements(response, "div", class_="form-errors")
    assert texts(errors[0], "p") == ["Some filter values are not valid, so nothing is listed:"]
    assert texts(errors[0], "li") == [message]


def test_invalid_filter_message_is_in_chinese_on_the_chinese_page(client, catalogue):
    response = client.get(list_url("zh-hans"), {"field": "quantum"})

    errors = elements(response, "div", class_="form-errors")[0]
    # The label's colon is the Chinese one too; the message after it is Django's own.
    assert texts(errors, "li") == ["技术领域：选择一个有效的选项： 该选择不在可用的选项中。"]


def test_filter_labels_are_lazy_so_they_follow_the_page_language():
    labels = [f.label for f in [*AchievementFilter.base_filters.values()]]
    labels += [f.label for f in PressEvaluationFilter.base_filters.values()]

    assert all(isinstance(label, Promise) for label in labels)
    with translation.override("en"):
        assert [str(label) for label in labels] == [
            "Technology field",
            "Organization",
            "Keyword",
            "Kind",
        ]
    with translation.override("zh-hans"):
        assert [str(label) for label in labels] == ["技术领域", "机构", "关键词", "类型"]


def test_filter_form_labels_are_the_translated_ones(client, catalogue):
    response = client.get(list_url())

    assert texts(response, "label")[-3:] == ["Technology field:", "Organization:", "Keyword:"]
