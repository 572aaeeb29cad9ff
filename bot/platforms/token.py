"""A platform access token shared by every process of the bot, refreshed by one at a time.

WeChat invalidates the old token when a new one is fetched, and Feishu limits how often
a token may be asked for, so processes that refreshed on their own would keep breaking
each other. The token lives in Redis with a TTL a little shorter than the platform's own
expiry; one process refreshes it under a lock while the others wait briefly and read
the result. A token the platform rejects is replaced only if it is still the stored one,
so a stale process never throws away a token another has just fetched.

While Redis does not answer, a process goes on with the token it last saw (a token read
from Redis stays valid at the platform for at least `margin` seconds more), and fetches
its own when it has none, so answers still go out through the platform's API.
"""
from __future__ import annotations

import uuid
from typing import Callable

from ..clock import Clock
from ..store import StoreUnavailable, TokenStore

Fetch = Callable[[], tuple[str, int]]        # -> (token, seconds until it expires)


class SharedToken:
    def __init__(self, store: TokenStore, name: str, fetch: Fetch, clock: Clock, *,
                 timeout_error: Callable[[], Exception], margin: int = 300,
                 lock_ttl: int = 15, wait: float = 10.0, poll: float = 0.05,
                 memory_seconds: float = 0.0) -> None:
        self.store, self.name, self.fetch, self.clock = store, name, fetch, clock
        self.timeout_error = timeout_error
        self.margin, self.lock_ttl, self.wait, self.poll = margin, lock_ttl, wait, poll
        self.memory_seconds = memory_seconds   # a busy sender need not ask Redis every call
        self._memory: tuple[str, float] | None = None
        self._usable_until = 0.0               # how long the remembered token may serve alone

    def get(self) -> str:
        """The current token, fetched only when no process has a fresh one."""
        held = self._memory
        if held and self.clock.monotonic() - held[1] < self.memory_seconds:
            return held[0]
        try:
            token = self.store.get(self.name) or self.refresh(stale=None)
        except StoreUnavailable:
            return self._without_redis(stale=None)
        return self._remember(token)

    def _without_redis(self, stale: str | None) -> str:
        held = self._memory
        if held and held[0] != stale and self.clock.monotonic() < self._usable_until:
            return held[0]
        token, expires_in = self.fetch()
        return self._remember(token, expires_in - min(self.margin, expires_in // 2))

    def refresh(self, stale: str | None) -> str:
        """A token other than `stale`: one another process just got, or a new one."""
        try:
            return self._refresh(stale)
        except StoreUnavailable:
            return self._without_redis(stale)

    def _refresh(self, stale: str | None) -> str:
        self._memory = None
        owner = uuid.uuid4().hex
        deadline = self.clock.monotonic() + self.wait
        while True:
            current = self.store.get(self.name)
            if current and current != stale:
                return self._remember(current)
            if self.store.try_lock(self.name, owner, self.lock_ttl):
                try:
                    current = self.store.get(self.name)
                    if current and current != stale:
                        return self._remember(current)
                    token, expires_in = self.fetch()
                    self.store.put(self.name, token, expires_in - min(self.margin, expires_in // 2))
                    return self._remember(token)
                finally:
                    self.store.release(self.name, owner)
            if self.clock.monotonic() >= deadline:
                raise self.timeout_error()
            self.clock.sleep(self.poll)

    def _remember(self, token: str, usable: float | None = None) -> str:
        now = self.clock.monotonic()
        self._memory = (token, now)
        self._usable_until = now + (self.margin if usable is None else usable)
        return token
