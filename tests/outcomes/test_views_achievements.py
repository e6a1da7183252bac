import pytest
from django.urls import reverse
from django.utils import translation
from pytest_django.asserts import assertContains, assertNotContains

from outcomes.models import Achievement
from tests.factories import make_achievement, make_edition, make_field, make_organization
from tests.html import attribute, elements, texts
from tests.queries import assert_queries_flat

pytestmark = pytest.mark.django_db


def url_in(language, name, *args):
    with translation.override(language):
        return reverse(name, args=args)


@pytest.fixture
def edition():
    return make_edition(year=2018)


@pytest.fixture
def ant(edition):
    return make_achievement(
        edition=edition,
        slug="ant-blockchain",
        title_zh_hans="蚂蚁金服区块链跨境汇款",
        title_en="Ant Financial blockchain cross-border remittance",
        summary_zh_hans="区块链摘要",
        summary_en="Blockchain summary",
        description_zh_hans="区块链详情",
        description_en="Blockchain details",
        category=Achievement.Category.TECHNOLOGY,
        organization=make_organization(
            slug="ant-financial", name_zh_hans="蚂蚁金服", name_en="Ant Financial"
        ),
        fields=[make_field(slug="blockchain", name_zh_hans="区块链", name_en="Blockchain")],
        sort_order=1,
    )


@pytest.mark.parametrize(
    ("language", "titles"),
    [
        ("zh-hans", ["蚂蚁金服区块链跨境汇款", "第二项成果"]),
        ("en", ["Ant Financial blockchain cross-border remittance", "Second achievement"]),
    ],
)
def test_achievement_list_shows_published_achievements_in_the_active_language(
    client, edition, ant, language, titles
):
    make_achievement(
        edition=edition, title_zh_hans="第二项成果", title_en="Second achievement", sort_order=2
    )
    make_achievement(edition=edition, title_en="Draft achievement", is_published=False)
    make_achievement(title_en="Another edition's achievement")

    response = client.get(url_in(language, "outcomes:achievement-list", 2018))

    assert response.status_code == 200
    assert texts(response, "h2") == titles
    assertContains(response, f'href="/{language}/2018/achievements/ant-blockchain/"')


def test_achievement_card_shows_organization_category_fields_and_summary(client, ant):
    response = client.get(url_in("en", "outcomes:achievement-list", 2018))

    card = texts(response, "li", class_="card")
    assert card == [
        "Ant Financial blockchain cross-border remittance "
        "Ant Financial Technology Blockchain Blockchain summary"
    ]


def test_achievement_list_leaves_out_draft_fields_and_organizations(client, edition):
    organization = make_organization(name_en="Secret Org", is_published=False)
    make_achievement(
        edition=edition,
        organization=organization,
        fields=[make_field(name_en="Secret field", is_published=False)],
    )

    response = client.get(url_in("en", "outcomes:achievement-list", 2018))

    assertNotContains(response, "Secret Org")
    assertNotContains(response, "Secret field")


def test_achievement_list_queries_do_not_grow_with_achievements(client, edition):
    def grow(n):
        for _ in range(n):
            make_achievement(
                edition=edition,
                organization=make_organization(),
                fields=[make_field(), make_field()],
            )

    with_one, with_ten = assert_queries_flat(
        client, url_in("en", "outcomes:achievement-list", 2018), grow
    )

    assert len(elements(with_one, "li", class_="card")) == 1
    assert len(elements(with_ten, "li", class_="card")) == 10


def test_achievement_list_paginates_by_twenty_keeping_the_filters(client, edition):
    field = make_field(slug="ai")
    for number in range(25):
        make_achievement(edition=edition, title_en=f"AI {number:02}", fields=[field])

    first = client.get(url_in("en", "outcomes:achievement-list", 2018), {"field": "ai"})
    second = client.get(
        url_in("en", "outcomes:achievement-list", 2018), {"field": "ai", "page": "2"}
    )

    assert texts(first, "h2") == [f"AI {number:02}" for number in range(20)]
    assert texts(second, "h2") == [f"AI {number:02}" for number in range(20, 25)]
    assert [attribute(a, "href") for a in elements(first, "a", rel="next")] == ["?field=ai&page=2"]
    assert [attribute(a, "href") for a in elements(second, "a", rel="prev")] == ["?field=ai&page=1"]
    assertContains(first, "25 achievements")


@pytest.mark.parametrize(
    ("page", "first_title"),
    [("-1", "A 20"), ("999999", "A 20"), ("x", "A 00"), ("0", "A 20"), ("%00", "A 00")],
)
def test_achievement_list_shows_the_nearest_page_for_a_bad_page_number(
    client, edition, page, first_title
):
    for number in range(25):
        make_achievement(edition=edition, title_en=f"A {number:02}")

    response = client.get(url_in("en", "outcomes:achievement-list", 2018), {"page": page})

    assert response.status_code == 200
    assert texts(response, "h2")[0] == first_title


@pytest.mark.parametrize(
    ("language", "title", "organization", "category", "description"),
    [
        ("zh-hans", "蚂蚁金服区块链跨境汇款", "蚂蚁金服", None, "区块链详情"),
        (
            "en",
            "Ant Financial blockchain cross-border remittance",
            "Ant Financial",
            "Technology",
            "Blockchain details",
        ),
    ],
)
def test_achievement_detail_shows_organization_fields_category_and_text(
    client, ant, language, title, organization, category, description
):
    response = client.get(url_in(language, "outcomes:achievement-detail", 2018, ant.slug))

    assert response.status_code == 200
    assert texts(response, "h1") == [title]
    facts = dict(zip(texts(response, "dt"), texts(response, "dd"), strict=True))
    assert organization in facts.values()
    if category:  # interface words are English until the zh_Hans catalogue is built
        assert facts["Category"] == category
        assert facts["Technology fields"] == "Blockchain"
    field_links = [attribute(a, "href") for a in elements(response, "a", class_="badge")]
    assert field_links == [f"/{language}/2018/achievements/?field=blockchain"]
    assertContains(response, description)


@pytest.mark.parametrize("slug", ["unknown", "draft", "other-edition"])
def test_achievement_detail_is_404_for_unknown_draft_or_other_edition_slug(client, edition, slug):
    make_achievement(edition=edition, slug="draft", is_published=False)
    make_achievement(slug="other-edition")

    response = client.get(url_in("en", "outcomes:achievement-detail", 2018, slug))

    assert response.status_code == 404


def test_achievement_detail_is_404_in_an_unknown_year(client, ant):
    response = client.get(url_in("en", "outcomes:achievement-detail", 2017, ant.slug))

    assert response.status_code == 404


def test_staff_see_a_draft_achievement_with_a_banner(admin_client, edition):
    make_achievement(edition=edition, slug="draft", title_en="Draft one", is_published=False)

    response = admin_client.get(url_in("en", "outcomes:achievement-detail", 2018, "draft"))

    assert response.status_code == 200
    assert texts(response, "div", class_="draft-banner")[0].startswith(
        "Draft: not visible to visitors"
    )


def test_staff_see_draft_achievements_marked_in_the_list(admin_client, edition):
    make_achievement(edition=edition, title_en="Draft one", is_published=False)

    response = admin_client.get(url_in("en", "outcomes:achievement-list", 2018))

    assert texts(response, "h2") == ["Draft one"]
    assert texts(response, "span", class_="draft") == ["Draft"]


def test_achievement_detail_queries_do_not_grow_with_fields(client, ant):
    def grow(n):
        ant.fields.add(*[make_field() for _ in range(n)])

    with_one, with_ten = assert_queries_flat(
        client, url_in("en", "outcomes:achievement-detail", 2018, ant.slug), grow
    )

    assert len(elements(with_one, "a", class_="badge")) == 1 + 1
    assert len(elements(with_ten, "a", class_="badge")) == 10 + 1


@pytest.mark.parametrize(
    ("language", "heading", "description"),
    [
        (
            "zh-hans",
            "世界互联网领先科技成果",
            "第五届世界互联网大会发布的世界互联网领先科技成果。",
        ),
        (
            "en",
            "World Leading Internet Scientific and Technological Achievements",
            "The World Leading Internet Scientific and Technological Achievements presented at "
            "the Fifth World Internet Conference.",
        ),
    ],
)
def test_achievement_list_is_headed_with_the_official_name(client, language, heading, description):
    make_edition(
        year=2019, name_zh_hans="第五届世界互联网大会", name_en="Fifth World Internet Conference"
    )

    response = client.get(url_in(language, "outcomes:achievement-list", 2019))

    assert texts(response, "h1") == [heading]
    (meta,) = elements(response, "meta", name="description")
    assert attribute(meta, "content") == description


@pytest.mark.parametrize(
    ("language", "marked", "organizations"),
    [
        ("zh-hans", [], ["全部机构", "蚂蚁金服"]),
        ("en", ["site translation"], ["All organizations", "Ant Financial"]),
    ],
)
def test_an_achievement_title_the_site_translated_is_marked_on_the_list_and_its_page(
    client, ant, language, marked, organizations
):
    ant.site_translated = ["title_en"]
    ant.save()

    listing = client.get(url_in(language, "outcomes:achievement-list", 2018))
    page = client.get(url_in(language, "outcomes:achievement-detail", 2018, ant.slug))

    (card_title,) = elements(listing, "h2")
    (page_title,) = elements(page, "h1")
    for title in (card_title, page_title):
        labels = [m.children[0] for m in elements(title, "span", class_="site-translation")]
        assert labels == marked
    options = texts(elements(listing, "select", name="organization")[0], "option")
    assert options == organizations
