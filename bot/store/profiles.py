"""Students' profiles (intentions), and the global copy the push matcher indexes.

Each profile is kept under its owner key. Like subscriptions, every profile that can
match a job is also in one global hash, holding the terms the matcher needs (computed
once, when the profile is saved); a sequence number changes on every edit so each
process rebuilds its index only when something changed.
"""
from __future__ import annotations

from typing import Iterator

import redis

from ..people import Profile
from ..records import StudentKey
from .keys import Keys


class ProfileStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def get(self, owner: StudentKey) -> Profile | None:
        raw = self.r.get(self.keys.profile(owner))
        return Profile.from_json(raw) if raw else None

    def many(self, owners: list[StudentKey]) -> dict[StudentKey, Profile]:
        if not owners:
            return {}
        raws = self.r.mget([self.keys.profile(o) for o in owners])
        return {o: Profile.from_json(raw) for o, raw in zip(owners, raws) if raw}

    def put(self, owner: StudentKey, profile: Profile, index_entry: str | None) -> None:
        """Save a profile; `index_entry` is what the matcher indexes (None: nothing to match)."""
        pipe = self.r.pipeline()
        pipe.set(self.keys.profile(owner), profile.to_json())
        if index_entry:
            pipe.hset(self.keys.profiles_all(), owner.encode(), index_entry)
        else:
            pipe.hdel(self.keys.profiles_all(), owner.encode())
        pipe.incr(self.keys.profiles_seq())
        pipe.execute()

    def delete(self, owner: StudentKey) -> bool:
        pipe = self.r.pipeline()
        pipe.delete(self.keys.profile(owner))
        pipe.hdel(self.keys.profiles_all(), owner.encode())
        pipe.incr(self.keys.profiles_seq())
        return bool(pipe.execute()[0])

    def version(self) -> int:
        return int(self.r.get(self.keys.profiles_seq()) or 0)

    def everything(self) -> Iterator[tuple[StudentKey, str]]:
        """(owner, index entry) of every profile that can match, streamed in chunks."""
        for field, value in self.r.hscan_iter(self.keys.profiles_all(), count=5000):
            yield StudentKey.decode(field), value

    def count(self) -> int:
        return self.r.hlen(self.keys.profiles_all())
