"""Per-student conversation state, kept in Redis with a TTL so any process can continue it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import redis

from ..records import StudentKey
from .keys import Keys


@dataclass(frozen=True)
class Choice:
    """One numbered option the student was offered: what to do if they pick it."""

    label: str
    action: str          # e.g. "faq" (value: an FAQ id) or "fair" (value: a fair id)
    value: str


class ConversationStore:
    def __init__(self, client: redis.Redis, keys: Keys, choices_ttl: int, more_ttl: int) -> None:
        self.r, self.keys = client, keys
        self.choices_ttl, self.more_ttl = choices_ttl, more_ttl

    def set_choices(self, student: StudentKey, choices: list[Choice]) -> None:
        key = self.keys.choices(student)
        if not choices:
            self.r.delete(key)
            return
        self.r.set(key, json.dumps([asdict(c) for c in choices], ensure_ascii=False),
                   ex=self.choices_ttl)

    def choices(self, student: StudentKey) -> list[Choice]:
        raw = self.r.get(self.keys.choices(student))
        if not raw:
            return []
        try:
            return [Choice(**c) for c in json.loads(raw)]
        except (ValueError, TypeError):
            return []

    def set_more(self, student: StudentKey, rest: str | None) -> None:
        key = self.keys.more(student)
        if rest:
            self.r.set(key, rest, ex=self.more_ttl)
        else:
            self.r.delete(key)

    def take_more(self, student: StudentKey) -> str | None:
        """The rest of the last long answer, removed so it is not sent twice."""
        return self.r.getdel(self.keys.more(student))
