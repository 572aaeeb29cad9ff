"""Who asked to be reminded of which fair, kept from both sides for quick lookups."""
from __future__ import annotations

import redis

from ..records import StudentKey
from .keys import Keys


class ReminderStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def add(self, student: StudentKey, fair_id: str, at: float) -> bool:
        """Remind `student` of the fair; `at` (epoch seconds) is when they asked, so a
        reminder whose time had already passed then is not sent late."""
        pipe = self.r.pipeline()
        pipe.sadd(self.keys.fair_reminders(fair_id), student.encode())
        pipe.sadd(self.keys.student_reminders(student), fair_id)
        pipe.hsetnx(self.keys.fair_reminders_since(fair_id), student.encode(), at)
        return bool(pipe.execute()[0])

    def remove(self, student: StudentKey, fair_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.srem(self.keys.fair_reminders(fair_id), student.encode())
        pipe.srem(self.keys.student_reminders(student), fair_id)
        pipe.hdel(self.keys.fair_reminders_since(fair_id), student.encode())
        return bool(pipe.execute()[0])

    def move(self, src: StudentKey, dst: StudentKey) -> None:
        """`src`'s reminders become `dst`'s (binding a second chat), when asked kept."""
        for fair_id in self.fairs_of(src):
            asked = self.r.hget(self.keys.fair_reminders_since(fair_id), src.encode())
            self.remove(src, fair_id)
            self.add(dst, fair_id, float(asked) if asked else 0.0)

    def forget(self, student: StudentKey) -> None:
        for fair_id in self.fairs_of(student):
            self.remove(student, fair_id)
        self.r.delete(self.keys.student_reminders(student))

    def students(self, fair_id: str) -> list[StudentKey]:
        return sorted(StudentKey.decode(m) for m in self.r.smembers(self.keys.fair_reminders(fair_id)))

    def since(self, fair_id: str) -> dict[StudentKey, float]:
        """When each student asked (students from before this was kept are missing: 0)."""
        raw = self.r.hgetall(self.keys.fair_reminders_since(fair_id))
        return {StudentKey.decode(k): float(v) for k, v in raw.items()}

    def fairs_of(self, student: StudentKey) -> set[str]:
        return set(self.r.smembers(self.keys.student_reminders(student)))
