"""Every student the bot has heard from, with when: the audience of "send to everyone".

A sorted set scored by the last message's time also says who wrote within WeChat's
48-hour customer-service window, so the console can say how many a notice reaches now.
"""
from __future__ import annotations

from typing import Iterator

import redis

from ..records import StudentKey
from .batch import write
from .keys import Keys


class StudentDirectory:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def seen(self, student: StudentKey, at: float) -> None:
        """Noted with the message's next round trip when inside `batch.deferred`."""
        key, member = self.keys.students_seen(), student.encode()
        write(self.r, lambda pipe: pipe.zadd(key, {member: at}))

    def everyone(self) -> Iterator[tuple[StudentKey, float]]:
        for member, score in self.r.zscan_iter(self.keys.students_seen(), count=5000):
            yield StudentKey.decode(member), float(score)

    def last_seen(self, students: list[StudentKey]) -> dict[StudentKey, float | None]:
        if not students:
            return {}
        scores = self.r.zmscore(self.keys.students_seen(), [s.encode() for s in students])
        return {s: (float(v) if v is not None else None) for s, v in zip(students, scores)}

    def count(self) -> int:
        return self.r.zcard(self.keys.students_seen())

    def active_since(self, ts: float) -> int:
        return self.r.zcount(self.keys.students_seen(), ts, "+inf")
