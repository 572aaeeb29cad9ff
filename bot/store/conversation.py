"""Per-student conversation state, kept in Redis with a TTL so any process can continue it."""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import redis

from .keys import Keys


@dataclass(frozen=True)
class Choice:
    """One numbered option the student was offered: what to do if they pick it."""

    label: str
    action: str          # e.g. "faq" (value: an FAQ id) or "text" (value: what to run)
    value: str


class ConversationStore:
    def __init__(self, client: redis.Redis, keys: Keys, choices_ttl: int, more_ttl: int) -> None:
        self.r, self.keys = client, keys
        self.choices_ttl, self.more_ttl = choices_ttl, more_ttl

    def set_choices(self, channel: str, user_id: str, choices: list[Choice]) -> None:
        key = self.keys.choices(channel, user_id)
        if not choices:
            self.r.delete(key)
            return
        self.r.set(key, json.dumps([asdict(c) for c in choices], ensure_ascii=False),
                   ex=self.choices_ttl)

    def choices(self, channel: str, user_id: str) -> list[Choice]:
        raw = self.r.get(self.keys.choices(channel, user_id))
        if not raw:
            return []
        try:
            return [Choice(**c) for c in json.loads(raw)]
        except (ValueError, TypeError):
            return []

    def set_more(self, channel: str, user_id: str, rest: str | None) -> None:
        key = self.keys.more(channel, user_id)
        if rest:
            self.r.set(key, rest, ex=self.more_ttl)
        else:
            self.r.delete(key)

    def take_more(self, channel: str, user_id: str) -> str | None:
        """The rest of the last long answer, removed so it is not sent twice."""
        return self.r.getdel(self.keys.more(channel, user_id))
