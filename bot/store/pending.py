"""Matches waiting for a student's next digest, what was already sent, and fair reminders.

Matching writes here and digests read from here, so matching can run as new jobs
arrive while each student still gets one message at their own hour.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import redis

from .keys import Keys
from .subscriptions import split_ref


_DROP_PREFIX = """
local v = redis.call('GET', KEYS[1])
if not v then return 0 end
local n = tonumber(ARGV[1])
if string.len(v) <= n then
  redis.call('DEL', KEYS[1])
  redis.call('SREM', KEYS[2], ARGV[2])
  return 0
end
redis.call('SET', KEYS[1], string.sub(v, n + 1))
return 1
"""


@dataclass
class Pending:
    """What was waiting for one student: {job id: why}, and how much of the queue that was."""

    reasons: dict[str, str]
    length: int


class PendingJobs:
    """Per student, an append-only text of "job<TAB>why" lines.

    Appending one string per student is what lets 1.5 million matches be queued in a few
    seconds (a hash field per match costs several times more); a digest removes exactly
    the prefix it read, atomically, so matches appended meanwhile are kept.
    """

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys
        self._drop_prefix = client.register_script(_DROP_PREFIX)

    def add(self, matches: Mapping[str, Mapping[str, str]], chunk: int = 5000) -> None:
        """`matches`: student ref -> {job id: why it matched}. Re-adding is harmless."""
        refs = [ref for ref, jobs in matches.items() if jobs]
        for i in range(0, len(refs), chunk):
            pipe = self.r.pipeline(transaction=False)
            part = refs[i:i + chunk]
            for ref in part:
                text = "".join(f"{j}\t{why}\n" for j, why in matches[ref].items())
                pipe.append(self.keys.pending_jobs(*split_ref(ref)), text)
            pipe.sadd(self.keys.pending_students(), *part)
            pipe.execute()

    def students(self) -> list[str]:
        return list(self.r.smembers(self.keys.pending_students()))

    def get(self, ref: str) -> dict[str, str]:
        return self.read(ref).reasons

    def read(self, ref: str) -> Pending:
        raw = self.r.get(self.keys.pending_jobs(*split_ref(ref))) or ""
        reasons: dict[str, str] = {}
        for line in raw.splitlines():
            job_id, _, why = line.partition("\t")
            reasons.setdefault(job_id, why)
        return Pending(reasons, len(raw.encode("utf-8")))

    def unsent(self, ref: str, job_ids: list[str]) -> list[str]:
        if not job_ids:
            return []
        seen = self.r.smismember(self.keys.sent_jobs(*split_ref(ref)), job_ids)
        return [j for j, s in zip(job_ids, seen) if not s]

    def drop(self, ref: str, pending: Pending) -> None:
        """Forget what `read` returned; the student leaves the set when nothing remains."""
        self._drop_prefix(keys=[self.keys.pending_jobs(*split_ref(ref)),
                                self.keys.pending_students()], args=[pending.length, ref])


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
