"""Students' job subscriptions and push preferences.

Each student's subscriptions live in their own hash (for 我的订阅), and every
subscription is also in one global hash the matcher loads to build its index; a
sequence number changes on every edit so a process rebuilds its index only when needed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterator

import redis

from .keys import Keys

SEP = "\t"


def student_ref(channel: str, user_id: str) -> str:
    return f"{channel}:{user_id}"


def split_ref(ref: str) -> tuple[str, str]:
    channel, _, user = ref.partition(":")
    return channel, user


@dataclass(frozen=True)
class Subscription:
    id: int
    words: tuple[str, ...]
    terms: frozenset[str]

    @property
    def label(self) -> str:
        return " + ".join(self.words)


class SubscriptionStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def list(self, channel: str, user_id: str) -> list[Subscription]:
        raw = self.r.hgetall(self.keys.subscriptions(channel, user_id))
        subs = []
        for sid, value in raw.items():
            data = json.loads(value)
            subs.append(Subscription(int(sid), tuple(data["w"]), frozenset(data["t"])))
        return sorted(subs, key=lambda s: s.id)

    def add(self, channel: str, user_id: str, words: tuple[str, ...], terms: frozenset[str]
            ) -> Subscription:
        sid = self.r.incr(self.keys.subscriptions_seq())
        value = json.dumps({"w": list(words), "t": sorted(terms)}, ensure_ascii=False)
        pipe = self.r.pipeline()
        pipe.hset(self.keys.subscriptions(channel, user_id), str(sid), value)
        pipe.hset(self.keys.subscriptions_all(), SEP.join((channel, user_id, str(sid))), value)
        pipe.execute()
        return Subscription(sid, words, terms)

    def remove(self, channel: str, user_id: str, ids: list[int]) -> None:
        if not ids:
            return
        pipe = self.r.pipeline()
        pipe.hdel(self.keys.subscriptions(channel, user_id), *map(str, ids))
        pipe.hdel(self.keys.subscriptions_all(), *(SEP.join((channel, user_id, str(i))) for i in ids))
        pipe.incr(self.keys.subscriptions_seq())
        pipe.execute()

    def version(self) -> int:
        return int(self.r.get(self.keys.subscriptions_seq()) or 0)

    def everything(self) -> Iterator[tuple[str, int, tuple[str, ...], frozenset[str]]]:
        """(student ref, id, words, terms) for every subscription, streamed in chunks."""
        for field, value in self.r.hscan_iter(self.keys.subscriptions_all(), count=5000):
            channel, user_id, sid = field.split(SEP)
            data = json.loads(value)
            yield student_ref(channel, user_id), int(sid), tuple(data["w"]), frozenset(data["t"])

    def count(self) -> int:
        return self.r.hlen(self.keys.subscriptions_all())


@dataclass(frozen=True)
class Prefs:
    mode: str = "daily"           # "daily" or "immediate"
    hour: int = 9
    paused: bool = False          # the student asked to pause
    unfollowed: bool = False      # the platform says we may not push (unfollowed, refused)
    last_slot: str = ""           # the last digest slot sent, so a pass never sends two

    @property
    def active(self) -> bool:
        return not (self.paused or self.unfollowed)


class PrefsStore:
    def __init__(self, client: redis.Redis, keys: Keys, default_hour: int) -> None:
        self.r, self.keys, self.default_hour = client, keys, default_hour

    def _parse(self, raw: dict[str, str]) -> Prefs:
        return Prefs(mode=raw.get("mode", "daily"), hour=int(raw.get("hour", self.default_hour)),
                     paused=raw.get("paused") == "1", unfollowed=raw.get("unfollowed") == "1",
                     last_slot=raw.get("last_slot", ""))

    def get(self, channel: str, user_id: str) -> Prefs:
        return self._parse(self.r.hgetall(self.keys.push_prefs(channel, user_id)))

    def many(self, refs: list[str]) -> dict[str, Prefs]:
        pipe = self.r.pipeline(transaction=False)
        for ref in refs:
            pipe.hgetall(self.keys.push_prefs(*split_ref(ref)))
        return {ref: self._parse(raw) for ref, raw in zip(refs, pipe.execute())}

    def update(self, channel: str, user_id: str, **fields: object) -> None:
        values = {k: ("1" if v is True else "0" if v is False else str(v)) for k, v in fields.items()}
        self.r.hset(self.keys.push_prefs(channel, user_id), mapping=values)

    def set_unfollowed(self, ref: str, value: bool) -> None:
        self.update(*split_ref(ref), unfollowed=value)
