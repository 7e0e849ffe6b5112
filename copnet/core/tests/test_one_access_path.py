"""One access path: views, the API, forms and template tags read the sensitive models (those
registered in accounts.permissions ORG_SCOPES / VOLUNTEER_SCOPES) only through
`Model.objects.visible_to(principal)` / `.access(principal, …)` (accounts.scoping) or the
permissions functions themselves; never `Model.objects.get/filter/all/…` or
`get_object_or_404(Model, …)`. Services and selectors may read them directly: they are where
rules live, and they are tested on their own."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest
from django.apps import apps
from django.db.models import Model

from copnet.accounts.scoping import ScopedQuerySet, scoped_labels

ROOT = Path(__file__).resolve().parents[2]  # copnet/
SCOPING_CALLS = {"visible_to", "access"}
LOOKUP_SHORTCUTS = {"get_object_or_404", "get_list_or_404"}
MANAGERS = {"objects", "_default_manager", "_base_manager"}


def is_entry_point(path: Path) -> bool:
    """Views, API, forms and template tags: the layers that must use the scoped path."""
    parts = path.relative_to(ROOT).parts
    if "tests" in parts or "migrations" in parts:
        return False
    name = path.name
    return (
        name in {"api.py", "forms.py"}
        or name.startswith("views")
        or "views" in parts[:-1]
        or "templatetags" in parts[:-1]
    )


def entry_points() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if is_entry_point(p))


def module_name(path: Path) -> str:
    return ".".join(("copnet", *path.relative_to(ROOT).with_suffix("").parts))


def imported_names(tree: ast.Module, module: str) -> dict[str, object]:
    """Local name -> the object it is bound to by the module's `from … import …` statements."""
    package = module.rsplit(".", 1)[0]
    names: dict[str, object] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom):
            continue
        source = importlib.util.resolve_name("." * node.level + (node.module or ""), package)
        for alias in node.names:
            try:
                target = importlib.import_module(source)
                names[alias.asname or alias.name] = getattr(target, alias.name)
            except (ImportError, AttributeError):
                try:
                    names[alias.asname or alias.name] = importlib.import_module(
                        f"{source}.{alias.name}"
                    )
                except ImportError:
                    continue
    return names


def resolve(node: ast.expr, names: dict[str, object]) -> object:
    if isinstance(node, ast.Name):
        return names.get(node.id)
    if isinstance(node, ast.Attribute):
        base = resolve(node.value, names)
        return getattr(base, node.attr, None) if base is not None else None
    return None


def sensitive(obj: object, labels: frozenset[str]) -> bool:
    return (
        isinstance(obj, type) and issubclass(obj, Model) and obj._meta.label_lower in labels  # type: ignore[attr-defined]
    )


def call_name(node: ast.AST) -> str:
    func = node.func if isinstance(node, ast.Call) else None
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return ""


def scoped_chain(node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """Does the expression that starts at `Model.objects` pass through visible_to/access: a method
    of the chain (`Model.objects.select_related(…).access(user, pk=…)`) or the queryset argument
    of the permissions functions (`access(user, Model.objects.all(), pk=…)`)?"""
    current = node
    while True:
        parent = parents.get(current)
        if isinstance(parent, ast.Attribute) and parent.value is current:
            if parent.attr in SCOPING_CALLS:
                return True
            current = parent
        elif isinstance(parent, ast.Call) and parent.func is current:
            current = parent
        else:
            break
    return (
        isinstance(parent, ast.Call)
        and call_name(parent) in SCOPING_CALLS
        and current in parent.args[1:2]
    )


def unscoped_reads(path: Path, labels: frozenset[str]) -> list[str]:
    tree = ast.parse(path.read_text(), filename=str(path))
    names = imported_names(tree, module_name(path))
    parents = {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}
    found = []
    for node in ast.walk(tree):
        where = f"{path.relative_to(ROOT.parent)}:{getattr(node, 'lineno', '?')}"
        if isinstance(node, ast.Attribute) and node.attr in MANAGERS:
            model = resolve(node.value, names)
            if sensitive(model, labels) and not scoped_chain(node, parents):
                found.append(f"{where} {ast.unparse(node)}")
        elif isinstance(node, ast.Call) and call_name(node) in LOOKUP_SHORTCUTS and node.args:
            model = resolve(node.args[0], names)
            if sensitive(model, labels):
                found.append(f"{where} {call_name(node)}({ast.unparse(node.args[0])}, …)")
    return found


def test_views_api_forms_and_template_tags_read_sensitive_models_only_through_the_scoped_path():
    labels = scoped_labels()
    files = entry_points()
    assert len(files) > 40  # the tree really was walked
    found = [line for path in files for line in unscoped_reads(path, labels)]
    assert not found, "unscoped reads of sensitive models:\n" + "\n".join(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from copnet.cases.models import Case\nCase.objects.filter(pk=1)\n", 1),
        ("from copnet.cases import models\nmodels.Case.objects.get(pk=1)\n", 1),
        ("from copnet.feed.models import Appeal as A\nA._default_manager.all()\n", 1),
        (
            "from django.shortcuts import get_object_or_404\n"
            "from copnet.volunteers.models import Task\nget_object_or_404(Task, pk=1)\n",
            1,
        ),
        ("from copnet.cases.models import Case\nCase.objects.visible_to(u).get(pk=1)\n", 0),
        ("from copnet.cases.models import Case\nCase.objects.select_related().access(u)\n", 0),
        (
            "from copnet.accounts.permissions import access\n"
            "from copnet.reports.models import Evidence\naccess(u, Evidence.objects.all(), pk=1)\n",
            0,
        ),
        # Reference data is not scoped.
        ("from copnet.taxonomy.models import HarmCategory\nHarmCategory.objects.all()\n", 0),
        # A scoped call elsewhere on the line does not excuse an unscoped read.
        (
            "from copnet.accounts.permissions import access\nfrom copnet.cases.models import Case\n"
            "access(u, Case.objects.all(), pk=Case.objects.get(pk=1).pk)\n",
            1,
        ),
    ],
)
def test_the_check_finds_unscoped_reads_and_accepts_scoped_ones(tmp_path, source, expected):
    views = ROOT / "cases" / "views_probe_for_test.py"
    views.write_text(source)
    try:
        assert is_entry_point(views)
        assert len(unscoped_reads(views, scoped_labels())) == expected
    finally:
        views.unlink()


def test_every_scoped_model_has_the_scoped_manager():
    missing = [
        label
        for label in sorted(scoped_labels())
        if not isinstance(apps.get_model(label).objects.all(), ScopedQuerySet)
    ]
    assert not missing, f"objects is not a ScopedManager on {missing}"
