"""Toneless pinyin keys, so homophone typos (三方协意, 选掉生) find the term meant."""
from __future__ import annotations

from functools import lru_cache
from itertools import product

from pypinyin import Style, lazy_pinyin, pinyin


def is_han(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff"


@lru_cache(maxsize=65536)
def char_reading(ch: str) -> str:
    """The first toneless reading of one Han character; '' for anything else."""
    if not is_han(ch):
        return ""
    return lazy_pinyin(ch, style=Style.NORMAL)[0]


@lru_cache(maxsize=65536)
def term_keys(term: str, limit: int = 16) -> frozenset[tuple[str, ...]]:
    """Every reading of `term` a student's typo could be a homophone of.

    The phrase reading (选调生 -> xuan diao sheng) plus combinations of each
    character's own readings, since the typo is read character by character.
    Kept per term: every knowledge-base build reads the same shipped terms again.
    """
    if len(term) < 2 or not all(is_han(c) for c in term):
        return frozenset()
    keys = {tuple(lazy_pinyin(term, style=Style.NORMAL))}
    keys.add(tuple(char_reading(c) for c in term))
    readings = [sorted(set(r)) for r in pinyin(term, style=Style.NORMAL, heteronym=True)]
    combos = 1
    for r in readings:
        combos *= len(r)
    if combos <= limit:
        keys.update(product(*readings))
    return frozenset(keys)
