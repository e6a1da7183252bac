"""wic/widgets.py: QuickSelect writes what Django's Select renders, without its templates."""

from django import forms

from tests.outcomes.pages import attribute, elements, text
from wic.widgets import QuickSelect

CHOICES = [("", "All organizations"), ("at-t", "AT&T <Labs>"), ("q", 'He said "hi"'), (7, "Seven")]


def options(html):
    return [
        (attribute(o, "value"), text(o), "selected" in o.attributes)
        for o in elements(html, "option")
    ]


def test_the_options_are_those_of_djangos_select():
    for value in [None, "", "at-t", 7, "missing"]:
        quick = QuickSelect(choices=CHOICES).render("org", value, {"id": "id_org"})
        django = forms.Select(choices=CHOICES).render("org", value, {"id": "id_org"})

        assert options(quick) == options(django)
        assert [(attribute(s, "name"), attribute(s, "id")) for s in elements(quick, "select")] == [
            ("org", "id_org")
        ]


def test_labels_and_values_are_escaped():
    html = QuickSelect(choices=[('"><script>', "<b>bold</b> & co")]).render("x", None)

    assert "<script>" not in html and "<b>" not in html
    assert options(html) == [('"><script>', "<b>bold</b> & co", False)]
