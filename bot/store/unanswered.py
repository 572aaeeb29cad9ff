"""Questions the bot declined or answered with low confidence, grouped for staff.

Grouping is by normalized text, so 三方丢了咋办 and 三方丢了咋办？？ count as one.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from .keys import Keys


@dataclass(frozen=True)
class Unanswered:
    normalized: str
    count: int
    example: str
    best_id: str | None
    best_score: float


class UnansweredLog:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def record(self, normalized: str, original: str, best_id: str | None, score: float) -> None:
        if not normalized:
            return
        pipe = self.r.pipeline()
        pipe.zincrby(self.keys.unanswered_counts(), 1, normalized)
        pipe.hsetnx(self.keys.unanswered_examples(), normalized, original[:500])
        pipe.hset(self.keys.unanswered_best(), normalized,
                  json.dumps([best_id, round(score, 3)]))
        pipe.execute()

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
            pipe.execute()
        return len(gone)

    def top(self, limit: int = 20) -> list[Unanswered]:
        rows = self.r.zrevrange(self.keys.unanswered_counts(), 0, limit - 1, withscores=True)
        if not rows:
            return []
        names = [n for n, _ in rows]
        examples = self.r.hmget(self.keys.unanswered_examples(), names)
        bests = self.r.hmget(self.keys.unanswered_best(), names)
        out = []
        for (name, count), example, best in zip(rows, examples, bests):
            best_id, score = json.loads(best) if best else (None, 0.0)
            out.append(Unanswered(name, int(count), example or name, best_id, float(score)))
        return out

