"""How often each FAQ entry was sent; ids are stable, so counts survive edits.

A count is not worth an answer: while Redis is down, hits are simply not counted.
"""
from __future__ import annotations

import redis

from .guard import StoreUnavailable
from .keys import Keys


class FaqStats:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def hit(self, faq_id: str) -> None:
        try:
            self.r.hincrby(self.keys.faq_hits(), faq_id, 1)
        except StoreUnavailable:
            pass

    def counts(self) -> dict[str, int]:
        return {k: int(v) for k, v in self.r.hgetall(self.keys.faq_hits()).items()}
