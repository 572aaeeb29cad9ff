"""Matches waiting for a student's next digest.

Matching writes here and digests read from here, so matching can run as new jobs
arrive while each student still gets one message at their own hour.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

import redis

from ..records import StudentKey
from .keys import Keys

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

    def add(self, matches: Mapping[StudentKey, Mapping[str, str]], chunk: int = 5000) -> None:
        """`matches`: student -> {job id: why it matched}. Re-adding is harmless.

        Students matched alike often share one mapping (the profile index gives them
        the same object): its text is made once.
        """
        students = [s for s, jobs in matches.items() if jobs]
        texts: dict[int, str] = {}
        for i in range(0, len(students), chunk):
            pipe = self.r.pipeline(transaction=False)
            part = students[i:i + chunk]
            for student in part:
                jobs = matches[student]
                text = texts.get(id(jobs))
                if text is None:
                    text = texts[id(jobs)] = "".join(f"{j}\t{why}\n" for j, why in jobs.items())
                pipe.append(self.keys.pending_jobs(student), text)
            pipe.sadd(self.keys.pending_students(), *(s.encode() for s in part))
            pipe.execute()

    def students(self) -> list[StudentKey]:
        return [StudentKey.decode(m) for m in self.r.smembers(self.keys.pending_students())]

    def read(self, student: StudentKey) -> Pending:
        raw = self.r.get(self.keys.pending_jobs(student)) or ""
        reasons: dict[str, str] = {}
        for line in raw.splitlines():
            job_id, _, why = line.partition("\t")
            reasons.setdefault(job_id, why)
        return Pending(reasons, len(raw.encode("utf-8")))

    def move(self, src: StudentKey, dst: StudentKey) -> None:
        """`src`'s waiting matches go into `dst`'s next digest."""
        pending = self.read(src)
        if pending.reasons:
            self.add({dst: pending.reasons})
        self.forget(src)

    def forget(self, student: StudentKey) -> None:
        pipe = self.r.pipeline()
        pipe.delete(self.keys.pending_jobs(student))
        pipe.srem(self.keys.pending_students(), student.encode())
        pipe.execute()

    def drop(self, student: StudentKey, pending: Pending) -> None:
        """Forget what `read` returned; the student leaves the set when nothing remains."""
        self._drop_prefix(keys=[self.keys.pending_jobs(student), self.keys.pending_students()],
                          args=[pending.length, student.encode()])
