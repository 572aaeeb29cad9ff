"""Wrong binding tries, counted per chat and per 学号, to slow down guessing names.

A few wrong tries are free (typos happen); after that each one makes the next wait
twice as long. Counting per 学号 as well stops someone rotating accounts to guess one
student's name; it allows more free tries, so a stranger's guesses cannot easily lock
the real student out. Times come from the injected clock, so tests move it.
"""
from __future__ import annotations

import redis

from ..records import StudentKey
from .keys import Keys

DAY = 86400


class BindAttempts:
    def __init__(self, client: redis.Redis, keys: Keys, free: int, free_per_student: int,
                 delay: float, max_delay: float) -> None:
        self.r, self.keys = client, keys
        self.free, self.free_per_student = free, free_per_student
        self.delay, self.max_delay = delay, max_delay

    def _keys(self, chat: StudentKey, student_no: str) -> list[str]:
        return [self.keys.bind_failures("chat", chat.encode()),
                self.keys.bind_failures("no", student_no)]

    def wait_seconds(self, chat: StudentKey, student_no: str, now_ts: float) -> float:
        """How long this chat must wait before trying this 学号 again (0: go ahead)."""
        pipe = self.r.pipeline(transaction=False)
        for key in self._keys(chat, student_no):
            pipe.hget(key, "until")
        untils = [float(u) for u in pipe.execute() if u]
        return max([u - now_ts for u in untils] + [0.0])

    def failed(self, chat: StudentKey, student_no: str, now_ts: float) -> None:
        for key, free in zip(self._keys(chat, student_no), (self.free, self.free_per_student)):
            n = int(self.r.hincrby(key, "n", 1))
            if n >= free:
                wait = min(self.delay * 2 ** (n - free), self.max_delay)
                self.r.hset(key, "until", f"{now_ts + wait:.3f}")
            self.r.expire(key, DAY)

    def succeeded(self, chat: StudentKey, student_no: str) -> None:
        self.r.delete(*self._keys(chat, student_no))

    def forget(self, chats: list[StudentKey], student_no: str | None) -> None:
        keys = [self.keys.bind_failures("chat", c.encode()) for c in chats]
        if student_no:
            keys.append(self.keys.bind_failures("no", student_no))
        if keys:
            self.r.delete(*keys)
