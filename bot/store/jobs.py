"""Jobs and fairs in Redis: one hash of JSON each, plus sorted indexes by time.

Job terms are computed once at import and stored next to the job, so matching and
search never re-tokenize; new or changed jobs wait in `unmatched` until a matching pass
takes them, and are removed only after their matches are queued (a crash re-matches).
"""
from __future__ import annotations

from datetime import datetime
from typing import Callable, Iterable

import redis

from ..records import Fair, Job
from .keys import Keys


def _existing(r: redis.Redis, key: str, ids: list[str]) -> set[str]:
    if not ids:
        return set()
    return {i for i, raw in zip(ids, r.hmget(key, ids)) if raw is not None}


# New terms for a job, only if the job is as it was read (an import may have changed it
# meanwhile, with terms of its own); changed terms put it back for matching.
_RETERM = """
if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
return 1
"""


class JobStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys
        self._reterm = client.register_script(_RETERM)

    def upsert(self, jobs: Iterable[Job], terms_of: Callable[[Job], frozenset[str]],
               now: datetime) -> tuple[list[str], list[str]]:
        """Store jobs by id; returns (added ids, updated ids)."""
        jobs = list(jobs)
        if not jobs:
            return [], []
        old = self.r.hmget(self.keys.jobs(), [j.id for j in jobs])
        added, updated = [], []
        pipe = self.r.pipeline(transaction=False)
        for job, before in zip(jobs, old):
            raw = job.to_json()
            (updated if before is not None else added).append(job.id)
            if before == raw:
                continue
            ts = (datetime.fromisoformat(job.published_at) if job.published_at else now).timestamp()
            pipe.hset(self.keys.jobs(), job.id, raw)
            pipe.hset(self.keys.job_terms(), job.id, "\t".join(sorted(terms_of(job))))
            pipe.zadd(self.keys.jobs_by_time(), {job.id: ts})
            pipe.zadd(self.keys.jobs_unmatched(), {job.id: now.timestamp()})
        pipe.execute()
        return added, updated

    def get(self, job_id: str) -> Job | None:
        raw = self.r.hget(self.keys.jobs(), job_id)
        return Job.from_json(raw) if raw else None

    def many(self, ids: list[str]) -> dict[str, Job]:
        if not ids:
            return {}
        return {i: Job.from_json(raw) for i, raw in zip(ids, self.r.hmget(self.keys.jobs(), ids)) if raw}

    def existing(self, ids: list[str]) -> set[str]:
        """Which of `ids` are stored (an import previews added vs updated with it)."""
        return _existing(self.r, self.keys.jobs(), ids)

    def delete(self, job_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.hdel(self.keys.jobs(), job_id)
        pipe.hdel(self.keys.job_terms(), job_id)
        pipe.zrem(self.keys.jobs_by_time(), job_id)
        pipe.zrem(self.keys.jobs_unmatched(), job_id)
        return bool(pipe.execute()[0])

    def terms(self, ids: list[str]) -> dict[str, frozenset[str]]:
        if not ids:
            return {}
        raws = self.r.hmget(self.keys.job_terms(), ids)
        return {i: frozenset(raw.split("\t")) for i, raw in zip(ids, raws) if raw is not None}

    def all(self) -> list[Job]:
        """Every job, newest first (the console lists and searches these)."""
        ids = self.r.zrevrange(self.keys.jobs_by_time(), 0, -1)
        return list(self.many(ids).values()) if ids else []

    def terms_vocabulary(self) -> str:
        return self.r.get(self.keys.terms_vocabulary()) or ""

    def rederive(self, terms_of: Callable[[Job], frozenset[str]], vocabulary: str) -> int:
        """Terms of every job again (the vocabulary changed); those whose terms changed
        are matched again. Returns how many changed; `vocabulary` is then recorded."""
        changed = 0
        scan = self.r.hscan_iter(self.keys.jobs(), count=1000)
        while True:
            batch = [pair for _, pair in zip(range(1000), scan)]
            if not batch:
                break
            stored = self.r.hmget(self.keys.job_terms(), [job_id for job_id, _ in batch])
            for (job_id, raw), old in zip(batch, stored):
                terms = "\t".join(sorted(terms_of(Job.from_json(raw))))
                if old != terms:
                    changed += self._reterm(keys=[self.keys.jobs(), self.keys.job_terms(),
                                                  self.keys.jobs_unmatched()],
                                            args=[job_id, raw, terms, 0])   # first in line
        self.r.set(self.keys.terms_vocabulary(), vocabulary)
        return changed

    def newest_ids(self, limit: int = 2000) -> list[str]:
        return self.r.zrevrange(self.keys.jobs_by_time(), 0, limit - 1)

    def unmatched(self, limit: int) -> list[str]:
        return self.r.zrange(self.keys.jobs_unmatched(), 0, limit - 1)

    def matched(self, ids: list[str]) -> None:
        if ids:
            self.r.zrem(self.keys.jobs_unmatched(), *ids)

    def count(self) -> int:
        return self.r.hlen(self.keys.jobs())

    def unseen_feed_items(self, fingerprints: list[str]) -> list[str]:
        if not fingerprints:
            return []
        seen = self.r.smismember(self.keys.feed_seen(), fingerprints)
        return [fp for fp, s in zip(fingerprints, seen) if not s]

    def mark_feed_seen(self, fingerprints: list[str]) -> None:
        if fingerprints:
            self.r.sadd(self.keys.feed_seen(), *fingerprints)


class FairStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def upsert(self, fairs: Iterable[Fair]) -> tuple[list[str], list[str]]:
        fairs = list(fairs)
        if not fairs:
            return [], []
        old = self.r.hmget(self.keys.fairs(), [f.id for f in fairs])
        added, updated = [], []
        pipe = self.r.pipeline(transaction=False)
        for fair, before in zip(fairs, old):
            (updated if before is not None else added).append(fair.id)
            pipe.hset(self.keys.fairs(), fair.id, fair.to_json())
            pipe.zadd(self.keys.fairs_by_start(), {fair.id: fair.start.timestamp()})
        pipe.execute()
        return added, updated

    def get(self, fair_id: str) -> Fair | None:
        raw = self.r.hget(self.keys.fairs(), fair_id)
        return Fair.from_json(raw) if raw else None

    def existing(self, ids: list[str]) -> set[str]:
        return _existing(self.r, self.keys.fairs(), ids)

    def delete(self, fair_id: str) -> bool:
        pipe = self.r.pipeline()
        pipe.hdel(self.keys.fairs(), fair_id)
        pipe.zrem(self.keys.fairs_by_start(), fair_id)
        return bool(pipe.execute()[0])

    def between(self, start: datetime, end: datetime, limit: int = 200) -> list[Fair]:
        """Fairs starting in [start, end], earliest first."""
        ids = self.r.zrangebyscore(self.keys.fairs_by_start(), start.timestamp(), end.timestamp(),
                                   start=0, num=limit)
        if not ids:
            return []
        return [Fair.from_json(raw) for raw in self.r.hmget(self.keys.fairs(), ids) if raw]

    def all(self) -> list[Fair]:
        """Every fair, latest start first."""
        ids = self.r.zrevrange(self.keys.fairs_by_start(), 0, -1)
        if not ids:
            return []
        return [Fair.from_json(raw) for raw in self.r.hmget(self.keys.fairs(), ids) if raw]

    def count(self) -> int:
        return self.r.hlen(self.keys.fairs())
