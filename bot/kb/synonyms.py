"""Loading `synonyms.yaml`: canonical term -> the variants students type."""
from __future__ import annotations

from pathlib import Path

import yaml

from .values import as_text_list
from .yamlfile import Problem, compose, construct, line_of


def load_synonyms(path: Path, name: str, problems: list[Problem]) -> dict[str, tuple[str, ...]]:
    if not path.exists():
        return {}
    root = compose(path, name, problems)
    if root is None:
        return {}
    if not isinstance(root, yaml.MappingNode):
        problems.append(Problem(name, line_of(root),
                                "同义词文件应写成“标准词: [说法一, 说法二]”，每个标准词一行"))
        return {}
    synonyms: dict[str, tuple[str, ...]] = {}
    owner: dict[str, tuple[str, int]] = {}
    for key_node, value_node in root.value:
        canonical = str(construct(key_node)).strip()
        line = line_of(key_node)
        variants = as_text_list(construct(value_node))
        if not canonical or variants is None:
            problems.append(Problem(name, line,
                                    f"“{canonical}”的写法不对，应为“{canonical or '标准词'}: [说法一, 说法二]”"))
            continue
        if canonical in synonyms:
            problems.append(Problem(name, line, f"标准词“{canonical}”写了两次，请合并到一行"))
            continue
        kept = []
        for variant in variants:
            low = variant.lower()
            if low in owner and owner[low][0] != canonical:
                other, other_line = owner[low]
                problems.append(Problem(name, line,
                                        f"“{variant}”同时是“{other}”（第 {other_line} 行）和“{canonical}”的同义词，"
                                        "请只保留一处"))
                continue
            owner[low] = (canonical, line)
            kept.append(variant)
        synonyms[canonical] = tuple(kept)
    return synonyms
