"""Career-office words every school shares (三方 = 就业协议书, 教资 = 教师资格证), shipped
with the bot beneath each school's own `synonyms.yaml`.

A school that pastes its FAQ page into YAML rarely writes synonyms: its page says
就业协议书 where a student types 三方, 人才服务中心 where he types 人才市场. The shipped
thesaurus (`data/career_terms.yaml`) lists only exact equivalents, applied to the
knowledge base's texts and to questions alike, so which member a group is written
as does not matter. The school's own file always wins: a group any of whose words the
school already maps joins the school's term, and a word the school uses as a term of
its own is never folded into another.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from .normalize import fold

THESAURUS_FILE = Path(__file__).resolve().parent / "data" / "career_terms.yaml"


@lru_cache(maxsize=1)
def shipped_groups() -> tuple[tuple[str, ...], ...]:
    """Each group's folded words, its usual written term first."""
    data = yaml.safe_load(THESAURUS_FILE.read_text(encoding="utf-8")) or {}
    groups = []
    for term, variants in data.items():
        words = [fold(str(w)) for w in (term, *(variants or ()))]
        groups.append(tuple(dict.fromkeys(w for w in words if w)))
    return tuple(g for g in groups if len(g) > 1)


def with_shipped_terms(synonyms: Mapping[str, Iterable[str]],
                       keywords: Iterable[str] = ()) -> dict[str, list[str]]:
    """The school's synonyms with the shipped groups added beneath them."""
    merged: dict[str, list[str]] = {k: list(v) for k, v in synonyms.items()}
    owner: dict[str, str] = {}          # folded word → the school's term for it
    for term, variants in synonyms.items():
        owner.setdefault(fold(term), term)
        for v in variants:
            owner.setdefault(fold(v), term)
    own_terms = {fold(t) for t in synonyms} | {fold(k) for k in keywords}
    for group in shipped_groups():
        claimed = [owner[w] for w in group if w in owner]
        target = claimed[0] if claimed else group[0]
        # A keyword of the school's that is not the target stays a word of its own.
        free = [w for w in group if w not in owner and (w not in own_terms or w == fold(target))]
        additions = [w for w in free if w != fold(target)]
        if additions:
            merged.setdefault(target, []).extend(additions)
        for w in free:
            owner[w] = target
    return merged


def groups_met(texts: Iterable[str]) -> list[tuple[str, ...]]:
    """The shipped groups any of whose words the texts use: what `kb check` tells staff
    the bot already knows about their knowledge base's words."""
    folded = "\n".join(fold(t) for t in texts)
    return [g for g in shipped_groups() if any(w in folded for w in g)]
