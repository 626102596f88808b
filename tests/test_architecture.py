"""The house rules: the record stands alone, dependencies run one way, and nothing imports in a circle."""

import json
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("tracker", "treaties", "feeds", "alerts")

IMPORT_EVERY_RECORD_MODULE = """
import importlib, json, pkgutil, sys
import django
django.setup()
import treaties
names = [m.name for m in pkgutil.walk_packages(treaties.__path__, "treaties.")]
for name in names:
    importlib.import_module(name)
print(json.dumps({"imported": len(names), "loaded": sorted(m for m in sys.modules
                  if m.split(".")[0] in ("feeds", "alerts"))}))
"""


def test_every_module_of_the_record_imports_without_feeds_or_alerts():
    run = subprocess.run(
        [sys.executable, "-c", IMPORT_EVERY_RECORD_MODULE], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={"DJANGO_SETTINGS_MODULE": "tests.support.record_only_settings", "PATH": "/usr/bin:/bin"},
    )
    assert run.returncode == 0, run.stderr
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["imported"] > 40
    assert result["loaded"] == []


def test_the_import_contracts_hold():
    # feeds and alerts above the record, never each other; tracker above all (pyproject.toml). In a process of its
    # own: import-linter configures logging for the process it runs in (a `dictConfig` that disables every logger it
    # does not name), and a test that ran after it in the same process, reading what django.request or the apps
    # logged, found nothing.
    run = subprocess.run([Path(sys.executable).with_name("lint-imports"), "--no-cache", "pyproject.toml"], cwd=ROOT,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout + run.stderr


def cycles(graph: grimp.ImportGraph) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan's algorithm), imports inside functions
    included: a cycle dodged by a function-local import is still a cycle."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(module):
        index[module] = low[module] = len(index)
        stack.append(module)
        on_stack.add(module)
        for imported in graph.find_modules_directly_imported_by(module):
            if imported not in index:
                visit(imported)
                low[module] = min(low[module], low[imported])
            elif imported in on_stack:
                low[module] = min(low[module], index[imported])
        if low[module] == index[module]:
            group = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == module:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    sys.setrecursionlimit(10_000)
    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_module_imports_in_a_circle():
    assert cycles(grimp.build_graph(*PACKAGES, cache_dir=None)) == []


def test_the_cycle_check_finds_a_cycle_when_there_is_one():
    graph = grimp.build_graph(*PACKAGES, cache_dir=None)
    graph.add_import(importer="treaties.precision", imported="treaties.rules")  # rules import precision
    assert ["treaties.precision", "treaties.rules"] in cycles(graph)
