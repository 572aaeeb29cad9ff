"""How often each FAQ entry was sent, and how questions ended each day.

Ids are stable, so hit counts survive edits. Daily outcomes (answered, a "您是不是想问"
list, declined, and a direct answer the student then said was wrong) feed the console's
dashboard; days are Asia/Shanghai dates. A count is not worth an answer: while Redis is
down, nothing is counted. Counts go with the message's next round trip (`batch`).
"""
from __future__ import annotations

import redis

from .batch import write
from .guard import StoreUnavailable
from .keys import Keys

REJECTED = "rejected"   # a day's outcome: a direct answer the student said was wrong (不对)


class FaqStats:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def hit(self, faq_id: str) -> None:
        key = self.keys.faq_hits()
        try:
            write(self.r, lambda pipe: pipe.hincrby(key, faq_id, 1))
        except StoreUnavailable:
            pass

    def counts(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.keys.faq_hits()).items()}

    def outcome(self, day: str, decision: str) -> None:
        """Count one question of `day` that ended in `decision` (answer, suggest, decline,
        rejected)."""
        key = self.keys.question_outcomes(day)

        def op(pipe) -> None:
            pipe.hincrby(key, decision, 1)
            pipe.expire(key, 400 * 86400)
        try:
            write(self.r, op)
        except StoreUnavailable:
            pass

    def outcomes(self, days: list[str]) -> dict[str, dict[str, int]]:
        pipe = self.r.pipeline(transaction=False)
        for day in days:
            pipe.hgetall(self.keys.question_outcomes(day))
        return {day: {k: int(v) for k, v in raw.items()} for day, raw in zip(days, pipe.execute())}
