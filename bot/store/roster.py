"""The student roster staff import: one JSON record per 学号 in one hash."""
from __future__ import annotations

from typing import Iterable, Iterator

import redis

from ..people import RosterRecord
from .keys import Keys


class RosterStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def upsert(self, records: Iterable[RosterRecord]) -> tuple[list[str], list[str]]:
        """Store records by 学号; returns (added, updated) 学号."""
        records = list(records)
        if not records:
            return [], []
        old = self.r.hmget(self.keys.roster(), [r.student_no for r in records])
        added, updated = [], []
        mapping = {}
        for record, before in zip(records, old):
            (updated if before is not None else added).append(record.student_no)
            mapping[record.student_no] = record.to_json()
        self.r.hset(self.keys.roster(), mapping=mapping)
        return added, updated

    def existing(self, numbers: list[str]) -> set[str]:
        """Which of these 学号 are on the roster already (one round trip)."""
        if not numbers:
            return set()
        found = self.r.hmget(self.keys.roster(), numbers)
        return {n for n, raw in zip(numbers, found) if raw is not None}

    def get(self, student_no: str) -> RosterRecord | None:
        raw = self.r.hget(self.keys.roster(), student_no)
        return RosterRecord.from_json(raw) if raw else None

    def delete(self, student_no: str) -> bool:
        return bool(self.r.hdel(self.keys.roster(), student_no))

    def count(self) -> int:
        return self.r.hlen(self.keys.roster())

    def everything(self) -> Iterator[RosterRecord]:
        """Every record, streamed (the console's list, exports)."""
        for _, raw in self.r.hscan_iter(self.keys.roster(), count=2000):
            yield RosterRecord.from_json(raw)
