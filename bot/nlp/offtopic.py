"""The shipped off-topic questions: what a career office's FAQ does not answer.

Two sets, both written independently of every test set:

- generic ones (campus life, chit-chat, study help, `offtopic.yaml`): the self-test's
  off-topic half (`thresholds.py`) and, as sentence vectors, a memory of what is not
  ours (`semantic.py`);
- career-worded ones (`offtopic_career.yaml`): questions written for the dev schools'
  knowledge bases in each school's own words that its FAQ does not answer (注会审计那科
  考哪些章节 next to an entry on CPA support). A question close to one of them is often
  next to an entry without being about it, so only the direct-answer check reads how
  close (`model.DirectCheck`); they are grouped by the dev school they were written for,
  so that fitting the check leaves a school's own questions out of its memory.
  `python -m bench.ship_vectors` copies them from `bench/data`.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import yaml

DATA = Path(__file__).resolve().parent / "data"
OFFTOPIC_FILE = DATA / "offtopic.yaml"
CAREER_OFFTOPIC_FILE = DATA / "offtopic_career.yaml"


@lru_cache(maxsize=1)
def _questions() -> tuple[str, ...]:
    return tuple(str(q) for q in yaml.safe_load(OFFTOPIC_FILE.read_text(encoding="utf-8")))


def offtopic_questions() -> list[str]:
    return list(_questions())


@lru_cache(maxsize=1)
def career_offtopic() -> dict[str, tuple[str, ...]]:
    """The career-worded off-topic questions by the dev school they were written for."""
    loaded = yaml.safe_load(CAREER_OFFTOPIC_FILE.read_text(encoding="utf-8")) or {}
    return {str(school): tuple(str(q) for q in questions) for school, questions in loaded.items()}


def career_offtopic_questions() -> list[str]:
    return [q for questions in career_offtopic().values() for q in questions]
