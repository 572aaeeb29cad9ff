"""The last few turns of each chat, its declines in a row, and when it last wrote.

Kept for a short while only (a TTL), for three uses: the staff card of a student who
asks for a person shows what they just asked; two declines in a row make the bot offer
a person; and the chat a bound student wrote from last is where their pushes go.
Recording is one round trip per message.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from ..records import StudentKey
from .keys import Keys

TEXT_LIMIT = 300


@dataclass(frozen=True)
class Turn:
    said: str        # what the student wrote
    answer: str      # the start of what the bot answered


class TurnLog:
    def __init__(self, client: redis.Redis, keys: Keys, keep: int, ttl: int) -> None:
        self.r, self.keys, self.keep, self.ttl = client, keys, keep, ttl

    def record(self, chat: StudentKey, said: str, answer: str, declined: bool,
               now_ts: float) -> None:
        key = self.keys.turns(chat)
        pipe = self.r.pipeline(transaction=False)
        if self.keep > 0:
            turn = json.dumps([said[:TEXT_LIMIT], answer[:TEXT_LIMIT]], ensure_ascii=False)
            pipe.lpush(key, turn)
            pipe.ltrim(key, 0, self.keep - 1)
            pipe.expire(key, self.ttl)
        if not declined:
            pipe.delete(self.keys.declines(chat))
        pipe.hset(self.keys.last_seen(), chat.encode(), f"{now_ts:.0f}")
        pipe.execute()

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

    def last_seen(self, chat: StudentKey) -> float | None:
        raw = self.r.hget(self.keys.last_seen(), chat.encode())
        return float(raw) if raw else None

    def forget(self, chat: StudentKey) -> None:
        pipe = self.r.pipeline()
        pipe.delete(self.keys.turns(chat), self.keys.declines(chat))
        pipe.hdel(self.keys.last_seen(), chat.encode())
        pipe.execute()
