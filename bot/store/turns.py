"""The last few turns of each chat and its declines in a row.

Kept for a short while only (a TTL), for two uses: the staff card of a student who asks
for a person shows what they just asked; two declines in a row make the bot offer a
person. Recording is one round trip per message, with the message's other bookkeeping. When a chat last wrote is kept by the
student directory (`students.py`), the one record of it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from ..records import StudentKey
from .batch import queued_pipeline, run
from .keys import Keys

TEXT_LIMIT = 300



@dataclass(frozen=True)
class Turn:
    said: str        # what the student wrote
    answer: str      # the start of what the bot answered


class TurnLog:
    def __init__(self, client: redis.Redis, keys: Keys, keep: int, ttl: int) -> None:
        self.r, self.keys, self.keep, self.ttl = client, keys, keep, ttl

    def record(self, chat: StudentKey, said: str, answer: str, declined: bool) -> int:
        """Note one exchange; returns how many notices wait for this chat (`Outbox.held_count`).

        One round trip for every message, shared with its queued bookkeeping (`batch`):
        keep the turn, reset or keep the declines, and read how many notices are held
        for the chat (the outbox's list, read here to save a trip)."""
        turn = json.dumps([said[:TEXT_LIMIT], answer[:TEXT_LIMIT]], ensure_ascii=False)
        pipe, skip = queued_pipeline(self.r)
        if self.keep > 0:
            key = self.keys.turns(chat)
            pipe.lpush(key, turn)
            pipe.ltrim(key, 0, self.keep - 1)
            pipe.expire(key, self.ttl)
        if not declined:
            pipe.delete(self.keys.declines(chat))
        pipe.llen(self.keys.held(chat))
        return int(run(pipe, skip)[-1])

    def recent(self, chat: StudentKey) -> list[Turn]:
        """The kept turns, oldest first."""
        out = []
        for raw in reversed(self.r.lrange(self.keys.turns(chat), 0, -1)):
            try:
                said, answer = json.loads(raw)
            except (ValueError, TypeError):
                continue
            out.append(Turn(str(said), str(answer)))
        return out

    def declined(self, chat: StudentKey) -> int:
        """Count one more decline in a row; returns how many there have been."""
        pipe = self.r.pipeline()
        pipe.incr(self.keys.declines(chat))
        pipe.expire(self.keys.declines(chat), self.ttl)
        return int(pipe.execute()[0])

    def forget(self, chat: StudentKey) -> None:
        self.r.delete(self.keys.turns(chat), self.keys.declines(chat))
