import pytest

from tests.factories import make_achievement, make_session


@pytest.mark.django_db
def test_factories_build_published_bilingual_rows():
    session = make_session()
    achievement = make_achievement(edition=session.edition)

    assert session.is_published and session.title_en and session.title_zh_hans
    assert achievement.edition == session.edition
