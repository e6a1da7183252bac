"""Layers point one way: outcomes → events → the shared app (wic.core); the configuration
(wic/settings.py, wic/urls.py…) sits on top and may name them all."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

# A package, and the top-level packages it must never import.
FORBIDDEN = {
    "wic/core": {"events", "outcomes"},
    "events": {"outcomes"},
}


def imported_packages(path):
    """The top-level packages a module imports, absolute or relative to `path`'s package."""
    tree = ast.parse(path.read_text(), filename=str(path))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.module.split(".")[0]


def modules(package):
    return sorted(p for p in (ROOT / package).rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize(("package", "forbidden"), FORBIDDEN.items())
def test_a_layer_never_imports_the_layers_above_it(package, forbidden):
    offending = [
        f"{path.relative_to(ROOT)} imports {name}"
        for path in modules(package)
        for name in imported_packages(path)
        if name in forbidden
    ]

    assert modules(package), f"{package} has no modules: the layout changed"
    assert offending == []


def test_the_layer_check_sees_a_violation(tmp_path):
    module = tmp_path / "bad.py"
    module.write_text("import os\nfrom outcomes.models import Document\n")

    assert set(imported_packages(module)) == {"os", "outcomes"}


def test_the_configuration_holds_no_library_code():
    """wic/ is the configuration: the shared machinery lives in wic/core/."""
    files = sorted(path.name for path in (ROOT / "wic").glob("*.py"))

    assert files == [
        "__init__.py",
        "asgi.py",
        "gunicorn.conf.py",
        "settings.py",
        "urls.py",
        "wsgi.py",
    ]
