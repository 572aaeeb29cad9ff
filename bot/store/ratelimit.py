"""A per-channel send rate shared by every sender process, counted in Redis per second.

Platforms limit the account, not the process: two senders each allowed 1,000/s would
together break a 1,000/s limit, so they count against one shared window.
"""
from __future__ import annotations

import math
from typing import Callable

import redis

from .keys import Keys

_INCR = """
local c = redis.call('INCR', KEYS[1])
if c == 1 then redis.call('EXPIRE', KEYS[1], 3) end
return c
"""


class RateLimiter:
    def __init__(self, client: redis.Redis, keys: Keys, now: Callable[[], float],
                 sleep: Callable[[float], None], per_second: dict[str, int]) -> None:
        self.keys, self.now, self.sleep, self.per_second = keys, now, sleep, per_second
        self._incr = client.register_script(_INCR)

    def acquire(self, channel: str) -> None:
        """Wait until `channel` may send one more message this second."""
        limit = int(self.per_second.get(channel, 0) or 0)
        if limit <= 0:
            return
        while True:
            now = self.now()
            second = int(now)
            if int(self._incr(keys=[self.keys.rate(channel, second)])) <= limit:
                return
            self.sleep(max(math.floor(now) + 1 - now, 0.001))
