"""A small in-process map with expiry: what stands in for Redis while Redis is down.

Only for short-lived, process-local stand-ins (de-duplication while Redis does not
answer): it is bounded, and forgets the oldest entries first when full.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable


class LocalTtlMap:
    def __init__(self, monotonic: Callable[[], float], max_entries: int = 100_000) -> None:
        self.monotonic, self.max_entries = monotonic, max_entries
        self._data: OrderedDict[str, tuple[str, float]] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> str | None:
        with self._lock:
            item = self._data.get(key)
            if item is None or item[1] <= self.monotonic():
                return None
            return item[0]

    def set(self, key: str, value: str, ttl: float, nx: bool = False) -> bool:
        """Like Redis SET … EX ttl [NX]: False when `nx` and a live value is there."""
        now = self.monotonic()
        with self._lock:
            item = self._data.get(key)
            if nx and item is not None and item[1] > now:
                return False
            self._data[key] = (value, now + ttl)
            self._data.move_to_end(key)
            while len(self._data) > self.max_entries:
                self._data.popitem(last=False)
            return True

    def delete(self, key: str) -> None:
        with self._lock:
            self._data.pop(key, None)
