"""One student across channels: chats bound to a roster record share one owner key.

The first chat bound to a 学号 becomes the owner: every store keyed by a student
(subscriptions, push settings, profile, pending and sent jobs, reminders) keeps that
student's data under the owner's `StudentKey`, so a second chat bound later (WeChat
after Feishu, or the other way) simply resolves to the same key and sees the same data.
An unbound chat is its own owner, which is why nothing changes for students who never
bind. `owner` is the one place a chat is resolved; bound chats are cached in-process
for a short while (a binding only goes away by erasure), unbound ones are always asked.

Pushes go to one chat per student: the bound chat they wrote from most recently that
still accepts pushes (on WeChat that is also the one most likely inside the 48-hour
window). `targets` makes that choice for a digest or reminder pass.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass

import redis

from ..clock import Clock
from ..records import StudentKey
from .keys import Keys
from .prefs import PrefsStore


@dataclass(frozen=True)
class Binding:
    outcome: str            # "new" (this chat owns the record now), "joined", "same", "other"
    owner: StudentKey
    student_no: str         # for "other": the 学号 this chat is already bound to


class IdentityStore:
    def __init__(self, client: redis.Redis, keys: Keys, clock: Clock, prefs: PrefsStore,
                 cache_seconds: float) -> None:
        self.r, self.keys, self.clock, self.prefs = client, keys, clock, prefs
        self.cache_seconds = cache_seconds
        self._cache: dict[StudentKey, tuple[float, StudentKey]] = {}
        self._lock = threading.Lock()

    # -- resolving ---------------------------------------------------------------------------
    def owner(self, chat: StudentKey) -> StudentKey:
        """The key this chat's student is kept under (the chat itself when unbound)."""
        now = self.clock.monotonic()
        with self._lock:
            hit = self._cache.get(chat)
        if hit is not None and hit[0] > now:
            return hit[1]
        raw = self.r.hget(self.keys.bound_chats(), chat.encode())
        if raw is None:
            return chat
        owner = StudentKey.decode(raw)
        with self._lock:
            if len(self._cache) > 100_000:
                self._cache.clear()
            self._cache[chat] = (now + self.cache_seconds, owner)
        return owner

    def is_bound(self, chat: StudentKey) -> bool:
        return bool(self.r.hexists(self.keys.bound_chats(), chat.encode()))

    def student_no(self, owner: StudentKey) -> str | None:
        return self.r.hget(self.keys.person(owner), "no")

    def owner_of_number(self, student_no: str) -> StudentKey | None:
        raw = self.r.hget(self.keys.bound_numbers(), student_no)
        return StudentKey.decode(raw) if raw else None

    def owners_of_numbers(self, numbers: list[str]) -> dict[str, StudentKey]:
        if not numbers:
            return {}
        raws = self.r.hmget(self.keys.bound_numbers(), numbers)
        return {n: StudentKey.decode(raw) for n, raw in zip(numbers, raws) if raw}

    def chats(self, owner: StudentKey) -> list[StudentKey]:
        """Every chat bound to this owner; [] for an unbound chat."""
        return sorted(StudentKey.decode(m) for m in self.r.smembers(self.keys.person_chats(owner)))

    # -- binding -----------------------------------------------------------------------------
    def bind(self, chat: StudentKey, student_no: str) -> Binding:
        """Bind `chat` to a 学号; two chats binding one 学号 at once both end on one owner."""
        current = self.r.hget(self.keys.bound_chats(), chat.encode())
        if current is not None:
            owner = StudentKey.decode(current)
            bound = self.student_no(owner) or ""
            return Binding("same" if bound == student_no else "other", owner, bound)
        if self.r.hsetnx(self.keys.bound_numbers(), student_no, chat.encode()):
            owner, outcome = chat, "new"
        else:
            owner, outcome = StudentKey.decode(self.r.hget(self.keys.bound_numbers(), student_no)), "joined"
        pipe = self.r.pipeline()
        pipe.hset(self.keys.bound_chats(), chat.encode(), owner.encode())
        pipe.hset(self.keys.person(owner), "no", student_no)
        pipe.sadd(self.keys.person_chats(owner), chat.encode())
        pipe.execute()
        return Binding(outcome, owner, student_no)

    def forget(self, owner: StudentKey, chats: list[StudentKey], student_no: str | None) -> None:
        """Remove the binding of `owner` and its chats (erasure)."""
        pipe = self.r.pipeline()
        everyone = {owner, *chats}
        pipe.hdel(self.keys.bound_chats(), *(c.encode() for c in everyone))
        pipe.zrem(self.keys.students_seen(), *(c.encode() for c in everyone))
        if student_no:
            pipe.hdel(self.keys.bound_numbers(), student_no)
        pipe.delete(self.keys.person(owner), self.keys.person_chats(owner))
        pipe.execute()
        with self._lock:
            for chat in everyone:
                self._cache.pop(chat, None)

    # -- where pushes go -----------------------------------------------------------------------
    def targets(self, owners: list[StudentKey]) -> dict[StudentKey, StudentKey | None]:
        """For each owner, the chat a push goes to now; None when no chat accepts pushes."""
        if not owners:
            return {}
        pipe = self.r.pipeline(transaction=False)
        for owner in owners:
            pipe.smembers(self.keys.person_chats(owner))
        chats_of = {o: sorted(StudentKey.decode(m) for m in raw) or [o]
                    for o, raw in zip(owners, pipe.execute())}
        every = sorted({c for cs in chats_of.values() for c in cs})
        prefs = self.prefs.many(every)
        multi = [c for cs in chats_of.values() if len(cs) > 1 for c in cs]
        seen = (dict(zip(multi, self.r.zmscore(self.keys.students_seen(), [c.encode() for c in multi])))
                if multi else {})
        out: dict[StudentKey, StudentKey | None] = {}
        for owner, chats in chats_of.items():
            open_ = [c for c in chats if not prefs[c].unfollowed]
            if not open_:
                out[owner] = None
                continue
            out[owner] = max(open_, key=lambda c: (float(seen.get(c) or 0), c == owner))
        return out
