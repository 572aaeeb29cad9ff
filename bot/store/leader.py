"""Leadership: exactly one scheduler active across processes and machines.

A Redis key holds the leader's id and the lease's end, by the injected clock (so tests
move time instead of sleeping); the leader renews it well before it ends. When the
leader dies its lease lapses and the next process to try becomes leader. A Redis TTL of
a few leases cleans up after everyone is gone.
"""
from __future__ import annotations

import uuid

import redis

from ..clock import Clock
from .keys import Keys

_ACQUIRE = """
local v = redis.call('GET', KEYS[1])
if v then
  local owner, expires = string.match(v, '^(.*)|(%d+)$')
  if owner ~= ARGV[1] and tonumber(expires) > tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1] .. '|' .. ARGV[3], 'PX', ARGV[4])
return 1
"""

_RELEASE = """
local v = redis.call('GET', KEYS[1])
if v and string.match(v, '^(.*)|') == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
"""


class LeaderLock:
    def __init__(self, client: redis.Redis, keys: Keys, clock: Clock, lease_seconds: float,
                 owner: str | None = None) -> None:
        self.key, self.clock, self.lease = keys.scheduler_lock(), clock, lease_seconds
        self.owner = owner or uuid.uuid4().hex
        self._acquire = client.register_script(_ACQUIRE)
        self._release = client.register_script(_RELEASE)
        self.is_leader = False

    def try_acquire(self) -> bool:
        """Acquire or renew; True while this process is the leader."""
        now_ms = int(self.clock.now().timestamp() * 1000)
        expires = now_ms + int(self.lease * 1000)
        ok = self._acquire(keys=[self.key],
                           args=[self.owner, now_ms, expires, int(self.lease * 3000)])
        self.is_leader = bool(ok)
        return self.is_leader

    def release(self) -> None:
        self._release(keys=[self.key], args=[self.owner])
        self.is_leader = False
