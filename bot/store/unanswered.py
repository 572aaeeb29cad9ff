"""Questions the bot declined or answered with low confidence, grouped for staff.

Grouping is by normalized text, so 三方丢了咋办 and 三方丢了咋办？？ count as one.
Each group has a status staff set in the console's workbench (open, done, ignored) or
the re-check sets (resolved: the bot now answers it well). A done or resolved question
asked again and still not answered well opens again; an ignored one stays ignored.
A question the bot answered directly and the student said was wrong (不对) keeps the
entries rejected, so the re-check does not call the same answer "answered well"; one
answered with a "您是不是想问" list keeps which entries students picked from it, the
strongest hint of what they meant.
Recording never stands in the way of an answer: while Redis is down it is skipped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Callable

import redis

from .guard import StoreUnavailable
from .keys import Keys

OPEN, DONE, IGNORED, RESOLVED = "open", "done", "ignored", "resolved"
REOPENS = (DONE, RESOLVED)


@dataclass(frozen=True)
class Unanswered:
    normalized: str
    count: int
    example: str
    best_id: str | None
    best_score: float
    status: str = OPEN
    rejected: tuple[str, ...] = ()     # entries a student said were the wrong answer
    picked: dict[str, int] = field(default_factory=dict)   # entry id: times picked from a list


class UnansweredLog:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def record(self, normalized: str, original: str, best_id: str | None, score: float,
               day: str = "", rejected: str | None = None) -> None:
        """Count one more asking; `rejected`: the entry the bot answered with, which the
        student said was wrong."""
        if not normalized:
            return
        pipe = self.r.pipeline()
        pipe.zincrby(self.keys.unanswered_counts(), 1, normalized)
        pipe.hsetnx(self.keys.unanswered_examples(), normalized, original[:500])
        pipe.hset(self.keys.unanswered_best(), normalized,
                  json.dumps([best_id, round(score, 3)]))
        pipe.hget(self.keys.unanswered_status(), normalized)
        if day:
            pipe.hincrby(self.keys.unanswered_daily(), day, 1)
        try:
            status = pipe.execute()[3]
            if status in REOPENS:
                self.r.hdel(self.keys.unanswered_status(), normalized)
        except StoreUnavailable:
            return
        if rejected:
            self.reject(normalized, [rejected])

    def reject(self, normalized: str, faq_ids: list[str]) -> None:
        """Students said these entries were not it: the answer given (不对), or every entry
        of a list (都不是). Not counted as another asking."""
        def add(raw: str | None) -> str | None:
            ids = _ids(raw)
            new = [i for i in dict.fromkeys(faq_ids) if i not in ids]
            return json.dumps([*ids, *new]) if new else None
        self._amend(self.keys.unanswered_rejected(), normalized, add)

    def picked(self, normalized: str, faq_id: str) -> None:
        """A student picked `faq_id` from the list offered for this question."""
        def count(raw: str | None) -> str:
            known = _counts(raw)
            known[faq_id] = known.get(faq_id, 0) + 1
            return json.dumps(known)
        self._amend(self.keys.unanswered_picked(), normalized, count)

    def _amend(self, key: str, normalized: str, change: Callable[[str | None], str | None]) -> None:
        """Rewrite this question's field of the hash `key` with `change` (None: leave it).
        Only for a question on record, so an erased one is not brought back; its status
        is left as it is."""
        pipe = self.r.pipeline(transaction=False)
        pipe.zscore(self.keys.unanswered_counts(), normalized)
        pipe.hget(key, normalized)
        try:
            recorded, raw = pipe.execute()
            value = change(raw) if recorded is not None else None
            if value is not None:
                self.r.hset(key, normalized, value)
        except StoreUnavailable:
            pass

    def forget_mentions(self, words: set[str]) -> int:
        """Drop recorded questions that quote any of `words` (erasing a student who typed
        their own name or 学号 into a question). Returns how many were dropped."""
        words = {w for w in words if w}
        if not words:
            return 0
        gone = [name for name, example in self.r.hscan_iter(self.keys.unanswered_examples())
                if any(w in name or w in example for w in words)]
        if gone:
            pipe = self.r.pipeline()
            pipe.zrem(self.keys.unanswered_counts(), *gone)
            pipe.hdel(self.keys.unanswered_examples(), *gone)
            pipe.hdel(self.keys.unanswered_best(), *gone)
            pipe.hdel(self.keys.unanswered_status(), *gone)
            pipe.hdel(self.keys.unanswered_rejected(), *gone)
            pipe.hdel(self.keys.unanswered_picked(), *gone)
            pipe.execute()
        return len(gone)

    def _rows(self, rows: list[tuple[str, float]]) -> list[Unanswered]:
        if not rows:
            return []
        names = [n for n, _ in rows]
        pipe = self.r.pipeline(transaction=False)
        pipe.hmget(self.keys.unanswered_examples(), names)
        pipe.hmget(self.keys.unanswered_best(), names)
        pipe.hmget(self.keys.unanswered_status(), names)
        pipe.hmget(self.keys.unanswered_rejected(), names)
        pipe.hmget(self.keys.unanswered_picked(), names)
        examples, bests, statuses, rejected, picked = pipe.execute()
        out = []
        for (name, count), example, best, status, gone, chosen in zip(
                rows, examples, bests, statuses, rejected, picked):
            best_id, score = json.loads(best) if best else (None, 0.0)
            out.append(Unanswered(name, int(count), example or name, best_id, float(score),
                                  status or OPEN, _ids(gone), _counts(chosen)))
        return out

    def top(self, limit: int = 20, status: str | None = None) -> list[Unanswered]:
        """Most asked first; `status` keeps only that status (None: all of them)."""
        if status is None:
            rows = self.r.zrevrange(self.keys.unanswered_counts(), 0, limit - 1, withscores=True)
            return self._rows(rows)
        return self.search("", status)[:limit]

    def search(self, text: str = "", status: str | None = OPEN) -> list[Unanswered]:
        """Every question containing `text` with `status`, most asked first."""
        rows = self.r.zrevrange(self.keys.unanswered_counts(), 0, -1, withscores=True)
        found = [u for u in self._rows(rows) if status is None or u.status == status]
        if text:
            needle = text.lower()
            found = [u for u in found if needle in u.example.lower() or needle in u.normalized]
        return found

    def set_status(self, normalized: str, status: str) -> bool:
        """False when no such question was recorded."""
        if self.r.zscore(self.keys.unanswered_counts(), normalized) is None:
            return False
        if status == OPEN:
            self.r.hdel(self.keys.unanswered_status(), normalized)
        else:
            self.r.hset(self.keys.unanswered_status(), normalized, status)
        return True

    def status_of(self, normalized: str) -> str:
        return self.r.hget(self.keys.unanswered_status(), normalized) or OPEN

    def daily(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.keys.unanswered_daily()).items()}

    def counts_by_status(self) -> dict[str, int]:
        rows = self.r.zrevrange(self.keys.unanswered_counts(), 0, -1)
        statuses = self.r.hmget(self.keys.unanswered_status(), rows) if rows else []
        out = {OPEN: 0, DONE: 0, IGNORED: 0, RESOLVED: 0}
        for s in statuses:
            out[s or OPEN] = out.get(s or OPEN, 0) + 1
        return out


def _ids(raw: str | None) -> tuple[str, ...]:
    """The rejected entry ids kept as a JSON list; nothing for a missing or odd value."""
    try:
        ids = json.loads(raw) if raw else []
    except ValueError:
        return ()
    return tuple(str(i) for i in ids) if isinstance(ids, list) else ()


def _counts(raw: str | None) -> dict[str, int]:
    """The picked entry ids and how often, kept as a JSON object; empty when odd."""
    try:
        counts = json.loads(raw) if raw else {}
    except ValueError:
        return {}
    if not isinstance(counts, dict):
        return {}
    return {str(k): int(v) for k, v in counts.items() if isinstance(v, int)}
