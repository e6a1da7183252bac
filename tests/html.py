"""Reading rendered pages in tests, public and admin alike: the elements a visitor sees,
their text, and the data a browser would post from a form (`form_data`)."""

from html.parser import HTMLParser

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}


class Node:
    def __init__(self, name, attrs):
        self.name = name
        self.attributes = dict(attrs)
        self.children = []  # Nodes and strings, as in the page

    def __repr__(self):
        return f"<{self.name} {self.attributes}>"


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Node("#document", [])
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, [(key, value or "") for key, value in attrs])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, [(key, value or "") for key, value in attrs]))

    def handle_endtag(self, tag):
        # Close up to the matching open element (tolerates unclosed <p>, <li>).
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].name == tag:
                del self.stack[depth:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(html):
    builder = _TreeBuilder()
    builder.feed(html)
    builder.close()
    return builder.root


def _root(source):
    if isinstance(source, Node):
        return source
    if hasattr(source, "content"):
        source = source.content.decode()
    return parse(source)


def elements(source, tag, **attrs):
    """Every `<tag>` element whose attributes match, in document order, in a response,
    an HTML string or an element found before.

    `class_="card"` matches one class among several; other attributes match exactly
    (`data_x=` stands for `data-x=`).
    """
    found = []
    _walk(_root(source), tag, attrs, found)
    return found


def texts(source, tag, **attrs):
    """The visible text of every matching element, whitespace collapsed."""
    return [text(element) for element in elements(source, tag, **attrs)]


def text(node):
    return " ".join(_raw_text(node).split())


def attribute(element, name):
    return element.attributes.get(name)


def _raw_text(node):
    if isinstance(node, str):
        return node
    if node.name in {"script", "style"}:
        return ""
    return "".join(_raw_text(child) for child in node.children)


def _matches(element, tag, attrs):
    if element.name != tag:
        return False
    for key, wanted in attrs.items():
        key = key.rstrip("_").replace("_", "-")
        value = element.attributes.get(key)
        if key == "class":
            if value is None or wanted not in value.split():
                return False
        elif value != wanted:
            return False
    return True


def _walk(node, tag, attrs, found):
    for child in node.children:
        if isinstance(child, Node):
            if _matches(child, tag, attrs):
                found.append(child)
            _walk(child, tag, attrs, found)


def form_data(source, form_id=None, /, **changes):
    """{name: [values]} that a browser posts from the form `form_id` of a page (the admin's
    change form by default), with `changes` typed in: every hidden field, inline management
    form and current value, so that a test keeps working when the form gains a field.
    Disabled fields, buttons and file inputs are not posted. (The first two parameters are
    positional only, so that a form field may be called `source`.)"""
    if form_id is None:
        form_id = f"{source.context['opts'].model_name}_form"
    (form,) = elements(source, "form", id=form_id)
    data = {}
    for node in _fields(form):
        name = node.attributes.get("name")
        if not name or "disabled" in node.attributes:
            continue
        if node.name == "input":
            kind = node.attributes.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                continue
            if kind in ("checkbox", "radio"):
                if "checked" in node.attributes:
                    data.setdefault(name, []).append(node.attributes.get("value") or "on")
                continue
            data.setdefault(name, []).append(node.attributes.get("value", ""))
        elif node.name == "textarea":
            # A browser drops the line break right after <textarea>.
            data.setdefault(name, []).append(_raw_text(node).removeprefix("\n"))
        elif node.name == "select":
            data.setdefault(name, []).extend(
                option.attributes.get("value", text(option))
                for option in elements(node, "option")
                if "selected" in option.attributes
            )
    for name, value in changes.items():
        data[name] = value if isinstance(value, list) else [value]
    return data


def _fields(node):
    for child in node.children:
        if isinstance(child, Node):
            if child.name in ("input", "textarea", "select"):
                yield child
            else:
                yield from _fields(child)
