"""Parsed FAQ files kept between reloads, by content: an edit re-parses only its file.

At tens of thousands of entries, parsing and checking every file on each save took
seconds of the interpreter's time, shared with the threads answering students. A file
whose bytes (and the day, which decides expiry warnings) are unchanged reuses its
entries and problems from the last load; checks across files still run on the whole.
"""
from __future__ import annotations

import hashlib
from datetime import date
from pathlib import Path
from typing import Callable

from .model import FaqEntry
from .yamlfile import Problem

Parse = Callable[[], tuple[list[FaqEntry], list[Problem]]]


class FileCache:
    def __init__(self) -> None:
        self._items: dict[tuple[str, date, bytes], tuple[list[FaqEntry], list[Problem]]] = {}
        self._seen: set[tuple[str, date, bytes]] = set()
        self.parsed: list[str] = []      # files parsed (not reused) by the last load
        self.parses = 0                  # files parsed since this cache was made

    def begin(self) -> None:
        self.parsed, self._seen = [], set()

    def get(self, path: Path, name: str, today: date, parse: Parse
            ) -> tuple[list[FaqEntry], list[Problem]]:
        """The file's entries and problems, parsed only when its content is new."""
        try:
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).digest()
        except OSError:
            return parse()               # parse() reports why it cannot be read
        key = (name, today, digest)
        self._seen.add(key)
        hit = self._items.get(key)
        if hit is None:
            hit = self._items[key] = parse()
            self.parsed.append(name)
            self.parses += 1
        return list(hit[0]), list(hit[1])

    def end(self) -> None:
        """Forget files that are gone or changed, so their entries can be freed."""
        self._items = {k: v for k, v in self._items.items() if k in self._seen}
