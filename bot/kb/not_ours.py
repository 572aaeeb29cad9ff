"""Loading `not_ours.yaml`: questions students bring to the office that are not its to answer.

A school's students ask their career office things that belong elsewhere (饭卡充值, 宿舍报修,
选课) in the office's own words, and such a question can look enough like an entry to be
answered with it. Staff who see that write the question here, one per line; the bot then
treats questions like it as not ours, exactly as it treats its shipped generic off-topic
questions (`bot/nlp/data/offtopic.yaml`): they join the off-topic memory the confidence
compares with, and the self-test that places the thresholds. A line that is one of the
knowledge base's own phrasings is refused: it would teach the bot to decline that entry.
"""
from __future__ import annotations

from pathlib import Path
from typing import Iterable

import yaml

from .model import FaqEntry
from .values import question_key
from .yamlfile import Problem, compose, construct, line_of

FILE = "not_ours.yaml"
FORMAT = "这个文件应写成一列问题，每行一个，以“- ”开头，例如：\n- 饭卡在哪里充值"


def load_not_ours(path: Path, name: str, entries: Iterable[FaqEntry],
                  problems: list[Problem]) -> tuple[str, ...]:
    """The questions of `path` (none when it does not exist), each once."""
    if not path.exists():
        return ()
    root = compose(path, name, problems)
    if root is None:
        return ()
    if isinstance(root, yaml.ScalarNode) and not str(construct(root) or "").strip():
        return ()                                        # an empty file: nothing yet
    if not isinstance(root, yaml.SequenceNode):
        problems.append(Problem(name, line_of(root), FORMAT))
        return ()
    phrasings = {question_key(t): e.id for e in entries for t in (e.question, *e.similar)}
    seen: dict[str, int] = {}
    kept: list[str] = []
    for node in root.value:
        line = line_of(node)
        value = construct(node) if isinstance(node, yaml.ScalarNode) else None
        text = "" if value is None else str(value).strip()
        if not isinstance(node, yaml.ScalarNode) or not text:
            problems.append(Problem(name, line, "这一行应是一个问题（一句话），不能是空的或分成几项"))
            continue
        key = question_key(text)
        if key in phrasings:
            problems.append(Problem(name, line,
                                    f"“{text}”是问答 {phrasings[key]} 自己的问法：写在这里会让机器人不再回答它，"
                                    "请从这里删掉，或者从那条问答里删掉"))
            continue
        if key in seen:
            problems.append(Problem(name, line, f"“{text}”在第 {seen[key]} 行已经写过，这一行可以删掉",
                                    warning=True))
            continue
        seen[key] = line
        kept.append(text)
    return tuple(kept)
