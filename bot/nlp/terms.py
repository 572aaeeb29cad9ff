"""Domain terms: synonym variants mapped to their canonical term, and homophone repair.

Built from the knowledge base's `synonyms.yaml` and every entry's keywords, so staff
teach the bot new words by editing YAML, not code.
"""
from __future__ import annotations

import re
from typing import Callable, Iterable, Mapping, Sequence

from .normalize import fold
from .pinyin import char_reading, term_keys

# A two-character "homophone" containing one of these is far more often a real phrase
# (我不办了 is not 补办) than a typo.
_FUNCTION_CHARS = frozenset("不没别的地得了是在我你他她它有和也就都又很还这那么吗呢吧啊一个")


class TermTable:
    def __init__(self, synonyms: Mapping[str, Iterable[str]], keywords: Iterable[str],
                 is_common_word: Callable[[str], bool] = lambda w: False,
                 segment: Callable[[str], list[str]] | None = None) -> None:
        self.canonical: dict[str, str] = {}
        for canon, variants in synonyms.items():
            c = fold(canon)
            if not c:
                continue
            self.canonical.setdefault(c, c)
            for v in variants:
                fv = fold(v)
                if fv and fv not in self.canonical:
                    self.canonical[fv] = c
        for kw in keywords:
            fk = fold(kw)
            if fk:
                self.canonical.setdefault(fk, fk)
        self._is_common_word = is_common_word
        self._segment = segment
        self._pattern = self._compile(self.canonical)
        self._by_reading: dict[tuple[str, ...], str] = {}
        for term in sorted(self.canonical, key=len):
            for key in term_keys(term):
                self._by_reading.setdefault(key, term)
        self._lengths = sorted({len(k) for k in self._by_reading}, reverse=True)

    @staticmethod
    def _compile(terms: Iterable[str]) -> re.Pattern[str] | None:
        parts = []
        for t in sorted(terms, key=len, reverse=True):
            esc = re.escape(t)
            parts.append(rf"(?<![a-z0-9]){esc}(?![a-z0-9])" if t.isascii() else esc)
        return re.compile("|".join(parts)) if parts else None

    @property
    def words(self) -> list[str]:
        """Every term and variant, for the tokenizer's user dictionary."""
        return list(self.canonical) + list(set(self.canonical.values()))

    def canonicalize(self, text: str, words: Sequence[str] | None = None) -> str:
        """Replace each variant (三方, 就业协议书) by its canonical term (三方协议).

        A variant the segmenter reads as part of a longer word is left alone: 考公 in
        考公务员 is not 公务员考试 (that would read 公务员考试务员), 校招 in 学校招聘会 is not
        校园招聘, 档案 in 档案室 is a room. The search goes on from the next character,
        so a term inside the span (参军 in 大学生参军入伍) still counts. `words` is the
        segmenter's cut of `text` when the caller already has it.
        """
        if self._pattern is None:
            return text
        out: list[str] = []
        cuts: set[int] | None = None
        pos = 0
        while (m := self._pattern.search(text, pos)) is not None:
            word = m.group(0)
            if not word.isascii():
                cuts = cuts if cuts is not None else self._boundaries(text, words)
                if cuts and (m.start() not in cuts or m.end() not in cuts):
                    out.append(text[pos:m.start() + 1])
                    pos = m.start() + 1
                    continue
            out.append(text[pos:m.start()])
            out.append(self.canonical[word])
            pos = m.end()
        out.append(text[pos:])
        return "".join(out)

    def _boundaries(self, text: str, words: Sequence[str] | None = None) -> set[int]:
        """Where the segmenter cuts `text` (empty when there is no segmenter)."""
        if words is None:
            if self._segment is None:
                return set()
            words = self._segment(text)
        cuts, pos = {0}, 0
        for word in words:
            pos += len(word)
            cuts.add(pos)
        return cuts

    def repair_homophones(self, text: str) -> str:
        """Swap a run of characters that reads like a term but is not a real word.

        The run must start and end where the segmenter cuts, so 承担违约 never turns
        into 承单位约: a typo (选掉生 -> 选/掉/生) falls apart into single characters,
        while a real phrase keeps its own words.
        """
        if not self._by_reading:
            return text
        cuts: set[int] | None = None
        segmented = False
        readings = [char_reading(c) for c in text]
        out: list[str] = []
        i, n = 0, len(text)
        while i < n:
            if not readings[i]:
                out.append(text[i])
                i += 1
                continue
            replaced = False
            for length in self._lengths:
                if i + length > n:
                    continue
                term = self._by_reading.get(tuple(readings[i:i + length]))
                if term is None:
                    continue
                window = text[i:i + length]
                if window != term:
                    if self._is_common_word(window) or (
                            length == 2 and any(c in _FUNCTION_CHARS for c in window)):
                        continue
                    if not segmented:  # segment only when a repair is on the table
                        cuts, segmented = self._boundaries(text), True
                    if cuts and (i not in cuts or i + length not in cuts):
                        continue
                out.append(term)
                i += length
                replaced = True
                break
            if not replaced:
                out.append(text[i])
                i += 1
        return "".join(out)
