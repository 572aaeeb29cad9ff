"""Console accounts, login throttling and the audit trail: who changed what, and when.

Only the stored form lives here; hashing passwords and deciding who may do what is the
console's business (`bot/console/accounts.py`). Failed logins are counted per name and
per address in keys that expire on their own, so a lock-out never needs clearing by hand.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import Any

import redis

from .keys import Keys


@dataclass(frozen=True)
class StaffAccount:
    name: str
    role: str                 # "editor" or "admin"
    password_hash: str
    created_at: str


@dataclass(frozen=True)
class AuditEntry:
    at: str                   # ISO time
    who: str
    action: str               # e.g. "faq.save", "jobs.import", "broadcast.send"
    what: str                 # a short Chinese description with ids and counts


class StaffStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def get(self, name: str) -> StaffAccount | None:
        raw = self.r.hget(self.keys.staff_accounts(), name)
        return StaffAccount(**json.loads(raw)) if raw else None

    def put(self, account: StaffAccount) -> bool:
        """Store an account; True if it is new."""
        raw = json.dumps(asdict(account), ensure_ascii=False)
        return bool(self.r.hset(self.keys.staff_accounts(), account.name, raw))

    def remove(self, name: str) -> bool:
        return bool(self.r.hdel(self.keys.staff_accounts(), name))

    def all(self) -> list[StaffAccount]:
        raws = self.r.hgetall(self.keys.staff_accounts())
        return sorted((StaffAccount(**json.loads(v)) for v in raws.values()), key=lambda a: a.name)

    # -- login throttling ---------------------------------------------------------------------
    def failures(self, who: str) -> int:
        return int(self.r.get(self.keys.login_failures(who)) or 0)

    def failed(self, who: str, window_seconds: int) -> int:
        key = self.keys.login_failures(who)
        pipe = self.r.pipeline()
        pipe.set(key, 0, nx=True, ex=window_seconds)     # the window starts at the first failure
        pipe.incr(key)                                   # INCR keeps the key's expiry
        return int(pipe.execute()[1])

    def clear_failures(self, who: str) -> None:
        self.r.delete(self.keys.login_failures(who))


class AuditLog:
    """The newest `limit` changes, newest first."""

    def __init__(self, client: redis.Redis, keys: Keys, limit: int = 5000) -> None:
        self.r, self.keys, self.limit = client, keys, limit

    def record(self, entry: AuditEntry) -> None:
        pipe = self.r.pipeline()
        pipe.lpush(self.keys.audit_log(), json.dumps(asdict(entry), ensure_ascii=False))
        pipe.ltrim(self.keys.audit_log(), 0, self.limit - 1)
        pipe.execute()

    def recent(self, start: int = 0, count: int = 50) -> list[AuditEntry]:
        raws = self.r.lrange(self.keys.audit_log(), start, start + count - 1)
        return [AuditEntry(**json.loads(r)) for r in raws]

    def count(self) -> int:
        return self.r.llen(self.keys.audit_log())


class KbHistory:
    """Earlier versions of knowledge-base files as the console replaced them (for revert)."""

    def __init__(self, client: redis.Redis, keys: Keys, limit: int = 300) -> None:
        self.r, self.keys, self.limit = client, keys, limit

    def add(self, version: dict[str, Any]) -> int:
        """Keep one version (`file`, `text`, `who`, `at`, `entry`, `action`); returns its number."""
        number = int(self.r.incr(self.keys.kb_history_seq()))
        raw = json.dumps({**version, "number": number}, ensure_ascii=False)
        pipe = self.r.pipeline()
        pipe.lpush(self.keys.kb_history(), raw)
        pipe.ltrim(self.keys.kb_history(), 0, self.limit - 1)
        pipe.execute()
        return number

    def recent(self, count: int = 100) -> list[dict[str, Any]]:
        return [json.loads(r) for r in self.r.lrange(self.keys.kb_history(), 0, count - 1)]

    def get(self, number: int) -> dict[str, Any] | None:
        for version in self.recent(self.limit):
            if version["number"] == number:
                return version
        return None
