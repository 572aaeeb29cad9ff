"""Platform access tokens shared by every process, and the lock that lets one refresh.

WeChat invalidates its old token when a new one is fetched, and Feishu rate-limits token
requests, so processes must not refresh on their own: one holds the lock and fetches,
the others read its result. The lock is released only by its holder (compare and delete
in one Lua call), so a slow holder whose lock expired cannot free a newer holder's.
"""
from __future__ import annotations

import redis

from .keys import Keys

_RELEASE = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) end return 0"


class TokenStore:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys
        self._release = client.register_script(_RELEASE)

    def get(self, name: str) -> str | None:
        return self.r.get(self.keys.token(name))

    def put(self, name: str, token: str, ttl: int) -> None:
        self.r.set(self.keys.token(name), token, ex=max(1, ttl))

    def try_lock(self, name: str, owner: str, ttl: int) -> bool:
        return bool(self.r.set(self.keys.token_lock(name), owner, nx=True, ex=ttl))

    def release(self, name: str, owner: str) -> None:
        self._release(keys=[self.keys.token_lock(name)], args=[owner])

    def cached(self, name: str) -> str | None:
        """A small value learnt from a platform (the Feishu bot's open_id)."""
        return self.r.get(self.keys.cached_value(name))

    def cache(self, name: str, value: str, ttl: int) -> None:
        self.r.set(self.keys.cached_value(name), value, ex=ttl)
