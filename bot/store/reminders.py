"""Who asked to be reminded of which fair, kept from both sides for quick lookups."""
from __future__ import annotations

import redis

from ..records import StudentKey
from .keys import Keys


class ReminderStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def add(self, student: StudentKey, fair_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.sadd(self.keys.fair_reminders(fair_id), student.encode())
        pipe.sadd(self.keys.student_reminders(student), fair_id)
        return bool(pipe.execute()[0])

    def remove(self, student: StudentKey, fair_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.srem(self.keys.fair_reminders(fair_id), student.encode())
        pipe.srem(self.keys.student_reminders(student), fair_id)
        return bool(pipe.execute()[0])

    def move(self, src: StudentKey, dst: StudentKey) -> None:
        for fair_id in self.fairs_of(src):
            self.remove(src, fair_id)
            self.add(dst, fair_id)

    def forget(self, student: StudentKey) -> None:
        for fair_id in self.fairs_of(student):
            self.remove(student, fair_id)
        self.r.delete(self.keys.student_reminders(student))

    def students(self, fair_id: str) -> list[StudentKey]:
        return sorted(StudentKey.decode(m) for m in self.r.smembers(self.keys.fair_reminders(fair_id)))

    def fairs_of(self, student: StudentKey) -> set[str]:
        return set(self.r.smembers(self.keys.student_reminders(student)))
