"""Each student's push preferences: when digests come, paused, or unfollowed.

This module alone knows how preferences are encoded; the sender's hot path asks it for
the unfollowed check inside its own pipeline, so that stays one round trip.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import redis

from ..records import StudentKey
from .keys import Keys

TRUE, FALSE = "1", "0"


@dataclass(frozen=True)
class Prefs:
    mode: str = "daily"           # "daily" or "immediate"
    hour: int = 9
    paused: bool = False          # the student asked to pause
    unfollowed: bool = False      # the platform says we may not push (unfollowed, refused)
    last_slot: str = ""           # the last digest slot sent, so a pass never sends two

    @property
    def active(self) -> bool:
        return not (self.paused or self.unfollowed)


class PrefsStore:
    def __init__(self, client: redis.Redis, keys: Keys, default_hour: int) -> None:
        self.r, self.keys, self.default_hour = client, keys, default_hour

    def _parse(self, raw: dict[str, str]) -> Prefs:
        return Prefs(mode=raw.get("mode", "daily"), hour=int(raw.get("hour", self.default_hour)),
                     paused=raw.get("paused") == TRUE, unfollowed=raw.get("unfollowed") == TRUE,
                     last_slot=raw.get("last_slot", ""))

    def get(self, student: StudentKey) -> Prefs:
        return self._parse(self.r.hgetall(self.keys.push_prefs(student)))

    def many(self, students: list[StudentKey]) -> dict[StudentKey, Prefs]:
        pipe = self.r.pipeline(transaction=False)
        for student in students:
            pipe.hgetall(self.keys.push_prefs(student))
        return {s: self._parse(raw) for s, raw in zip(students, pipe.execute())}

    def update(self, student: StudentKey, **fields: object) -> None:
        values = {k: (TRUE if v is True else FALSE if v is False else str(v))
                  for k, v in fields.items()}
        self.r.hset(self.keys.push_prefs(student), mapping=values)

    def forget(self, student: StudentKey) -> None:
        self.r.delete(self.keys.push_prefs(student))

    def set_unfollowed(self, student: StudentKey, value: bool) -> None:
        self.update(student, unfollowed=value)

    def queue_unfollowed(self, pipe: redis.client.Pipeline, student: StudentKey
                         ) -> Callable[[object], bool]:
        """Add the unfollowed check to `pipe`; returns how to read its result."""
        pipe.hget(self.keys.push_prefs(student), "unfollowed")
        return lambda raw: raw == TRUE
