"""Students' job subscriptions.

Each student's subscriptions live in their own hash (for 我的订阅), and every
subscription is also in one global hash the matcher loads to build its index; a
sequence number changes on every edit so a process rebuilds its index only when needed.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Callable, Iterator

import redis

from ..records import StudentKey
from .keys import Keys

SEP = "\t"


@dataclass(frozen=True)
class Subscription:
    id: int
    words: tuple[str, ...]
    terms: frozenset[str]

    @property
    def label(self) -> str:
        return " + ".join(self.words)


@dataclass(frozen=True)
class StoredSubscription:
    """One subscription with its owner, as the matcher's index reads them all."""

    student: StudentKey
    subscription: Subscription


def _field(student: StudentKey, sid: int) -> str:
    return SEP.join((student.channel, student.user_id, str(sid)))


# New terms for a subscription, only if the student has not removed it meanwhile.
_RETERM = """
if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then return 0 end
redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
return 1
"""


class SubscriptionStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys
        self._reterm = client.register_script(_RETERM)

    def list(self, student: StudentKey) -> list[Subscription]:
        raw = self.r.hgetall(self.keys.subscriptions(student))
        subs = []
        for sid, value in raw.items():
            data = json.loads(value)
            subs.append(Subscription(int(sid), tuple(data["w"]), frozenset(data["t"])))
        return sorted(subs, key=lambda s: s.id)

    def add(self, student: StudentKey, words: tuple[str, ...], terms: frozenset[str]
            ) -> Subscription:
        sid = self.r.incr(self.keys.subscriptions_seq())
        value = json.dumps({"w": list(words), "t": sorted(terms)}, ensure_ascii=False)
        pipe = self.r.pipeline()
        pipe.hset(self.keys.subscriptions(student), str(sid), value)
        pipe.hset(self.keys.subscriptions_all(), _field(student, sid), value)
        pipe.execute()
        return Subscription(sid, words, terms)

    def remove(self, student: StudentKey, ids: list[int]) -> None:
        if not ids:
            return
        pipe = self.r.pipeline()
        pipe.hdel(self.keys.subscriptions(student), *map(str, ids))
        pipe.hdel(self.keys.subscriptions_all(), *(_field(student, i) for i in ids))
        pipe.incr(self.keys.subscriptions_seq())
        pipe.execute()

    def move(self, src: StudentKey, dst: StudentKey) -> int:
        """Give `src`'s subscriptions to `dst` (a second chat bound to one student);
        one `dst` already has is dropped. Returns how many moved."""
        have = {s.terms for s in self.list(dst)}
        mine = self.list(src)
        self.remove(src, [s.id for s in mine])
        moved = 0
        for sub in mine:
            if sub.terms not in have:
                self.add(dst, sub.words, sub.terms)
                have.add(sub.terms)
                moved += 1
        return moved

    def forget(self, student: StudentKey) -> None:
        self.remove(student, [s.id for s in self.list(student)])
        self.r.delete(self.keys.subscriptions(student))

    def version(self) -> int:
        return int(self.r.get(self.keys.subscriptions_seq()) or 0)

    def everything(self) -> Iterator[StoredSubscription]:
        """Every subscription with its owner, streamed in chunks."""
        for field, value in self.r.hscan_iter(self.keys.subscriptions_all(), count=5000):
            channel, user_id, sid = field.split(SEP)
            data = json.loads(value)
            yield StoredSubscription(StudentKey(channel, user_id),
                                     Subscription(int(sid), tuple(data["w"]), frozenset(data["t"])))

    def count(self) -> int:
        return self.r.hlen(self.keys.subscriptions_all())

    def rederive(self, terms_of: Callable[[tuple[str, ...]], frozenset[str]]) -> int:
        """Terms of every subscription again from its words (the vocabulary changed).
        Returns how many changed; matching indexes are rebuilt when any did."""
        changed = 0
        for stored in list(self.everything()):
            sub = stored.subscription
            terms = terms_of(sub.words)
            if terms == sub.terms:
                continue
            value = json.dumps({"w": list(sub.words), "t": sorted(terms)}, ensure_ascii=False)
            changed += self._reterm(
                keys=[self.keys.subscriptions(stored.student), self.keys.subscriptions_all()],
                args=[str(sub.id), _field(stored.student, sub.id), value])
        if changed:
            self.r.incr(self.keys.subscriptions_seq())
        return changed
