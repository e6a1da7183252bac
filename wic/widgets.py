"""Form widgets the public pages share."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe


class QuickSelect(forms.Select):
    """A <select> written out in Python, with the markup Django's templates give it.

    Django renders each option through templates of its own, tens of microseconds apiece:
    a filter offering hundreds of organizations would pay that on every page. Give it
    plain (value, label) choices: no groups.
    """

    def render(self, name, value, attrs=None, renderer=None):
        selected = set(self.format_value(value))
        options = []
        for choice, label in self.choices:
            choice = "" if choice is None else str(choice)
            options.append(
                f'<option value="{conditional_escape(choice)}"'
                f"{' selected' if choice in selected else ''}>{conditional_escape(label)}</option>"
            )
        attrs = flatatt(self.build_attrs(self.attrs, attrs))
        return mark_safe(
            f'<select name="{conditional_escape(name)}"{attrs}>{"".join(options)}</select>'
        )
