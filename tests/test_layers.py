"""Lower layers never import higher ones: the layout's promise, checked on the source."""

import ast
from pathlib import Path

import pytest

PORTAL = Path(__file__).resolve().parent.parent / "portal"

# Each layer may import its own and lower layers only.
LAYERS = [
    {
        "portal.models",
        "portal.translation",
        "portal.staff",
        "portal.http",
        "portal.csp",
        "portal.json_logging",
        "portal.permissions",
        "portal.workspace.factors",
        "portal.workspace.chart",
        "portal.figures",
        "portal.pdf_assets",
    },
    {
        "portal.markdown",
        "portal.text",
        "portal.diff",
        "portal.history",
        "portal.publishing",
        "portal.editions",
        "portal.content",
        "portal.search",
        "portal.filters",
        "portal.navigation",
        "portal.reading",
        "portal.cache",
        "portal.pdf",
        "portal.tasks",
        "portal.feedback",
        "portal.uploads",
        "portal.feeds",
        "portal.sitemaps",
        "portal.templatetags",
        "portal.workbooks",
        # The workspace's services; its views are in the top layer with "portal.workspace".
        "portal.workspace.access",
        "portal.workspace.login",
        "portal.workspace.members",
        "portal.workspace.assessments",
        "portal.workspace.editing",
        "portal.workspace.export",
        "portal.workspace.history",
        "portal.workspace.national",
        "portal.workspace.report",
        "portal.workspace.tasks",
        "portal.workspace.forms",
    },
    {
        "portal.views",
        "portal.errors",
        "portal.urls",
        "portal.admin",
        "portal.admin_site",
        "portal.management",
        "portal.context_processors",
        "portal.apps",
        "portal.outage",
        "portal.workspace",  # the rest of the package; factors and chart are in the first layer
        "portal.checks",
    },
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PORTAL.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def layer_of(name: str) -> int | None:
    for index, layer in enumerate(LAYERS):
        if any(name == top or name.startswith(top + ".") for top in layer):
            return index
    return None


def imports_of(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
    return {name for name in names if name.startswith("portal.")}


SOURCES = sorted(
    p for p in PORTAL.rglob("*.py") if "migrations" not in p.parts and p != PORTAL / "__init__.py"
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PORTAL)))
def test_no_module_imports_a_higher_layer(path):
    own = layer_of(module_name(path))
    assert own is not None, f"{module_name(path)} is in no layer: add it to LAYERS"
    for imported in imports_of(path):
        other = layer_of(imported)
        # "from portal import x" (or "from portal.workspace import x") names its module in the
        # alias, which is checked on its own.
        if other is None or (PORTAL.parent / Path(*imported.split("."))).is_dir():
            continue
        assert other <= own, f"{module_name(path)} imports the higher {imported}"


def test_the_models_import_nothing_else_of_the_portal():
    for path in (PORTAL / "models").rglob("*.py"):
        assert all(name.startswith("portal.models") for name in imports_of(path)), path


def test_commands_and_the_admin_never_import_views():
    for folder in ("management", "admin"):
        for path in (PORTAL / folder).rglob("*.py"):
            views = {n for n in imports_of(path) if n.startswith(("portal.views", "portal.urls"))}
            assert not views, f"{path} imports {views}"
