"""A per-channel send rate shared by every sender process, counted in Redis per second.

Platforms limit the account, not the process: two senders each allowed 1,000/s would
together break a 1,000/s limit, so they count against one shared window.
"""
from __future__ import annotations

import math

import redis

from ..clock import Clock
from ..store.keys import Keys

_INCR = """
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('EXPIRE', KEYS[1], 3) end
return c
"""


class RateLimiter:
    def __init__(self, client: redis.Redis, keys: Keys, clock: Clock,
                 per_second: dict[str, int]) -> None:
        self.keys, self.clock, self.per_second = keys, clock, per_second
        self._incr = client.register_script(_INCR)

    def acquire(self, channel: str) -> None:
        limit = int(self.per_second.get(channel, 0) or 0)
        if limit <= 0:
            return
        while True:
            now = self.clock.now().timestamp()
            second = int(now)
            if int(self._incr(keys=[self.keys.rate(channel, second)])) <= limit:
                return
            self.clock.sleep(max(math.floor(now) + 1 - now, 0.001))
