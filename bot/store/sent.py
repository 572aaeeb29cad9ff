"""Which jobs each student was already sent, so no job reaches a student twice.

The outbox records a digest's jobs here in the same atomic step that queues the digest;
this module owns the key and its meaning for both writer and reader.
"""
from __future__ import annotations

import redis

from ..records import StudentKey
from .keys import Keys


class SentJobs:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def key(self, student: StudentKey) -> str:
        return self.keys.sent_jobs(student)

    def move(self, src: StudentKey, dst: StudentKey) -> None:
        """What `src` was sent counts as sent to `dst` too (never the same job twice)."""
        pipe = self.r.pipeline()
        pipe.sunionstore(self.key(dst), [self.key(dst), self.key(src)])
        pipe.delete(self.key(src))
        pipe.execute()

    def forget(self, student: StudentKey) -> None:
        self.r.delete(self.key(student))

    def unsent(self, student: StudentKey, job_ids: list[str]) -> list[str]:
        if not job_ids:
            return []
        seen = self.r.smismember(self.key(student), job_ids)
        return [j for j, s in zip(job_ids, seen) if not s]
