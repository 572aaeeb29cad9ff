"""What a loaded knowledge base holds. Frozen: a loaded KB is never edited in place."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from functools import cached_property

from ..message import Link


@dataclass(frozen=True)
class FaqEntry:
    id: str
    category: str
    question: str
    answer: str
    similar: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    valid_until: date | None = None
    source: str | None = None
    audience: str | None = None
    file: str = ""
    line: int = 0


@dataclass(frozen=True)
class KnowledgeBase:
    entries: tuple[FaqEntry, ...]
    synonyms: dict[str, tuple[str, ...]] = field(default_factory=dict)
    not_ours: tuple[str, ...] = ()     # questions staff say are not the office's (`not_ours.py`)

    @cached_property
    def _index(self) -> dict[str, FaqEntry]:
        return {e.id: e for e in self.entries}

    def by_id(self, faq_id: str) -> FaqEntry | None:
        return self._index.get(faq_id)

    def categories(self) -> list[str]:
        seen: dict[str, None] = {}
        for entry in self.entries:
            seen.setdefault(entry.category, None)
        return list(seen)

    def without_similar(self) -> "KnowledgeBase":
        """Every entry with its question only: a school's bare FAQ page, as `kb eval
        --drop-similar` and the benchmarks ask it."""
        return replace(self, entries=tuple(replace(e, similar=()) for e in self.entries))

    def expired(self, today: date) -> list[str]:
        """Ids of entries past their `valid_until`."""
        return [e.id for e in self.entries if e.valid_until is not None and e.valid_until < today]
