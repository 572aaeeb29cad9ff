"""The shipped generic off-topic questions (campus life, chit-chat, study help).

Written independently of every test set. They are the self-test's off-topic half
(`thresholds.py`) and, as sentence vectors, a memory of what is not ours (`semantic.py`).
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

OFFTOPIC_FILE = Path(__file__).resolve().parent / "data" / "offtopic.yaml"


@lru_cache(maxsize=1)
def _questions() -> tuple[str, ...]:
    return tuple(str(q) for q in yaml.safe_load(OFFTOPIC_FILE.read_text(encoding="utf-8")))


def offtopic_questions() -> list[str]:
    return list(_questions())
