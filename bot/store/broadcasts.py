"""Broadcasts staff send: the record, who it went to, and the ones waiting for their time.

Delivery itself goes through the outbox (one notice per student, queued once), so a
broadcast's progress is read from the outbox's per-notice states, not kept twice.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, replace
from typing import Any

import redis

from ..records import StudentKey
from .keys import Keys


@dataclass(frozen=True)
class Broadcast:
    id: str
    title: str
    body: str
    url: str
    segment: dict[str, Any]
    created_by: str
    created_at: str
    send_at: str                    # ISO time it goes (or went) out
    status: str = "scheduled"       # scheduled, queued, cancelled
    recipients: int = 0
    queued: int = 0
    extra: dict[str, Any] = field(default_factory=dict)


class BroadcastStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def new_id(self, day: str) -> str:
        return f"b{day.replace('-', '')}-{int(self.r.incr(self.keys.broadcast_seq()))}"

    def save(self, b: Broadcast, due_ts: float | None = None) -> None:
        pipe = self.r.pipeline()
        pipe.hset(self.keys.broadcasts(), b.id, json.dumps(asdict(b), ensure_ascii=False))
        if due_ts is not None:
            pipe.zadd(self.keys.broadcasts_due(), {b.id: due_ts})
        else:
            pipe.zrem(self.keys.broadcasts_due(), b.id)
        pipe.execute()

    def get(self, broadcast_id: str) -> Broadcast | None:
        raw = self.r.hget(self.keys.broadcasts(), broadcast_id)
        return Broadcast(**json.loads(raw)) if raw else None

    def all(self) -> list[Broadcast]:
        items = [Broadcast(**json.loads(v)) for v in self.r.hvals(self.keys.broadcasts())]
        return sorted(items, key=lambda b: b.created_at, reverse=True)

    def take_due(self, now_ts: float) -> list[str]:
        """Ids whose time has come, each handed to exactly one caller (ZREM decides)."""
        ids = self.r.zrangebyscore(self.keys.broadcasts_due(), "-inf", now_ts)
        return [i for i in ids if self.r.zrem(self.keys.broadcasts_due(), i)]

    def mark(self, b: Broadcast, **changes: Any) -> Broadcast:
        updated = replace(b, **changes)
        self.r.hset(self.keys.broadcasts(), b.id, json.dumps(asdict(updated), ensure_ascii=False))
        return updated

    def set_recipients(self, broadcast_id: str, students: list[StudentKey]) -> None:
        key = self.keys.broadcast_recipients(broadcast_id)
        pipe = self.r.pipeline()
        pipe.delete(key)
        for start in range(0, len(students), 5000):
            pipe.rpush(key, *(s.encode() for s in students[start:start + 5000]))
        pipe.execute()

    def recipients(self, broadcast_id: str) -> list[StudentKey]:
        return [StudentKey.decode(m)
                for m in self.r.lrange(self.keys.broadcast_recipients(broadcast_id), 0, -1)]
