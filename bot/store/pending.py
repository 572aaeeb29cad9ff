"""Matches waiting for a student's next digest, what was already sent, and fair reminders.

Matching writes here and digests read from here, so matching can run as new jobs
arrive while each student still gets one message at their own hour.
"""
from __future__ import annotations

from typing import Mapping

import redis

from .keys import Keys
from .subscriptions import split_ref


class PendingJobs:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def add(self, matches: Mapping[str, Mapping[str, str]], chunk: int = 2000) -> None:
        """`matches`: student ref -> {job id: why it matched}. Re-adding is harmless."""
        refs = list(matches)
        for i in range(0, len(refs), chunk):
            pipe = self.r.pipeline(transaction=False)
            part = refs[i:i + chunk]
            for ref in part:
                pipe.hset(self.keys.pending_jobs(*split_ref(ref)), mapping=matches[ref])
            pipe.sadd(self.keys.pending_students(), *part)
            pipe.execute()

    def students(self) -> list[str]:
        return list(self.r.smembers(self.keys.pending_students()))

    def get(self, ref: str) -> dict[str, str]:
        return self.r.hgetall(self.keys.pending_jobs(*split_ref(ref)))

    def unsent(self, ref: str, job_ids: list[str]) -> list[str]:
        if not job_ids:
            return []
        seen = self.r.smismember(self.keys.sent_jobs(*split_ref(ref)), job_ids)
        return [j for j, s in zip(job_ids, seen) if not s]

    def drop(self, ref: str, job_ids: list[str]) -> None:
        """Forget pending jobs (sent, expired or deleted); the student leaves the set when none remain."""
        key = self.keys.pending_jobs(*split_ref(ref))
        if job_ids:
            self.r.hdel(key, *job_ids)
        if not self.r.exists(key):
            self.r.srem(self.keys.pending_students(), ref)


class ReminderStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def add(self, ref: str, fair_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.sadd(self.keys.fair_reminders(fair_id), ref)
        pipe.sadd(self.keys.student_reminders(*split_ref(ref)), fair_id)
        return bool(pipe.execute()[0])

    def remove(self, ref: str, fair_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.srem(self.keys.fair_reminders(fair_id), ref)
        pipe.srem(self.keys.student_reminders(*split_ref(ref)), fair_id)
        return bool(pipe.execute()[0])

    def students(self, fair_id: str) -> list[str]:
        return sorted(self.r.smembers(self.keys.fair_reminders(fair_id)))

    def fairs_of(self, ref: str) -> set[str]:
        return set(self.r.smembers(self.keys.student_reminders(*split_ref(ref))))
