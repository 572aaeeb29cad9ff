"""The last few turns of each chat and its declines in a row.

Kept for a short while only (a TTL), for two uses: the staff card of a student who asks
for a person shows what they just asked; two declines in a row make the bot offer a
person. Recording rides with the message's other bookkeeping (`batch`). When a chat last
wrote is kept by the student directory (`students.py`), the one record of it.
"""
from __future__ import annotations

import json
from dataclasses import dataclass

import redis

from ..records import StudentKey
from .batch import write
from .keys import Keys

TEXT_LIMIT = 300


@dataclass(frozen=True)
class Turn:
    said: str        # what the student wrote
    answer: str      # the start of what the bot answered


class TurnLog:
    def __init__(self, client: redis.Redis, keys: Keys, keep: int, ttl: int) -> None:
        self.r, self.keys, self.keep, self.ttl = client, keys, keep, ttl

    def record(self, chat: StudentKey, said: str, answer: str, declined: bool) -> None:
        """Note one exchange: keep the turn, and reset the declines unless this was one.

        Bookkeeping (`batch`): while a message is answered it rides with the message's
        last round trip (WeChat's de-duplication `done`), else it goes at once."""
        turn = json.dumps([said[:TEXT_LIMIT], answer[:TEXT_LIMIT]], ensure_ascii=False)
        key, declines = self.keys.turns(chat), self.keys.declines(chat)
        keep, ttl = self.keep, self.ttl

        def note(pipe) -> None:
            if keep > 0:
                pipe.lpush(key, turn)
                pipe.ltrim(key, 0, keep - 1)
                pipe.expire(key, ttl)
            if not declined:
                pipe.delete(declines)

        write(self.r, note)

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
