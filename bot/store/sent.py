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

    def unsent(self, student: StudentKey, job_ids: list[str]) -> list[str]:
        if not job_ids:
            return []
        seen = self.r.smismember(self.key(student), job_ids)
        return [j for j, s in zip(job_ids, seen) if not s]
