"""The data a browser would post from an admin change form, read from its HTML.

Tests that post a whole change form start from what the page offers (every hidden field,
inline management form and current value) and override the fields they are about, so
they keep working when the form gains a field.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.in_form = False
        self.data = {}
        self._textarea = None
        self._select = None
        self._option = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.in_form = True
        if not self.in_form:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data.setdefault(name, []).append(attrs.get("value", "on"))
                return
            self.data[name] = [attrs.get("value", "")]
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = [""]
        elif tag == "select" and name:
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select is not None and "selected" in attrs:
            self.data[self._select].append(attrs.get("value", ""))

    def handle_endtag(self, tag):
        if tag == "form":
            self.in_form = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea is not None:
            text = self.data[self._textarea][0] + data
            # A browser drops the newline that directly follows <textarea>.
            self.data[self._textarea] = [text.removeprefix("\n")]


def change_form_data(response, form_id=None):
    """{name: value or [values]} of the admin form in `response`, as a browser posts it."""
    html = response.content.decode()
    if form_id is None:
        model = response.context["opts"].model_name
        form_id = f"{model}_form"
    parser = _FormParser(form_id)
    parser.feed(html)
    return {
        name: values[0] if len(values) == 1 else values
        for name, values in parser.data.items()
        if values
    }
