"""English career words students mix into Chinese (offer、HR、CV、job fair), read as the
Chinese terms a knowledge base is written in.

A school's FAQ says 撤销录用 and 简历, a student types "offer取消了" and "CV": the words never
meet, and a small multilingual model bridges them less surely than plain Chinese would.
The glossary (`data/english.yaml`) applies to the knowledge base's texts and to the
questions alike, so an entry that itself says "拿到offer后" still meets a student's
"offer"; an English word the school's own synonyms or keywords use is left to them.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from typing import Iterable

import yaml

from .normalize import fold

GLOSSARY_FILE = Path(__file__).resolve().parent / "data" / "english.yaml"


@lru_cache(maxsize=1)
def glossary() -> dict[str, str]:
    """Folded English form → Chinese term."""
    data = yaml.safe_load(GLOSSARY_FILE.read_text(encoding="utf-8")) or {}
    out: dict[str, str] = {}
    for chinese, forms in data.items():
        for form in forms:
            out.setdefault(fold(str(form)), str(chinese))
    return out


class EnglishReader:
    """Replaces the glossary's English words in folded text, except those in `known`."""

    def __init__(self, known: Iterable[str] = ()) -> None:
        skip = {fold(k) for k in known}
        self._terms = {e: c for e, c in glossary().items() if e not in skip}
        # Longest first, so "job fair" is read before "job"; ASCII neighbours must not be
        # letters or digits, so "offer" is found in "拿到offer了" but not in "offers2".
        alternatives = "|".join(re.escape(e) for e in sorted(self._terms, key=len, reverse=True))
        self._pattern = (re.compile(rf"(?<![a-z0-9])(?:{alternatives})(?![a-z0-9])")
                         if alternatives else None)

    def read(self, text: str) -> str:
        if self._pattern is None or not any("a" <= c <= "z" for c in text):
            return text
        return self._pattern.sub(lambda m: self._terms[m.group(0)], text)
