"""Remembering which platform deliveries were already handled, across processes.

Platforms resend a message they think was missed. The first delivery claims the id
atomically (SET NX); a retry never acts again, but gets the first delivery's answer
once it is there, because the platform may have dropped the first response.
"""
from __future__ import annotations

from typing import Callable

import redis

from .keys import Keys

PENDING = "pending"


class DeliveryLog:
    def __init__(self, client: redis.Redis, keys: Keys, ttl: int,
                 sleep: Callable[[float], None], monotonic: Callable[[], float]) -> None:
        self.r, self.keys, self.ttl = client, keys, ttl
        self.sleep, self.monotonic = sleep, monotonic

    def claim(self, channel: str, delivery_id: str) -> bool:
        """True for the first delivery of this id; False for every retry."""
        return bool(self.r.set(self.keys.delivery(channel, delivery_id), PENDING,
                               nx=True, ex=self.ttl))

    def claim_all(self, channel: str, delivery_ids: tuple[str, ...]) -> bool:
        """True when this is the first delivery of every id (Feishu: event and message)."""
        return all([self.claim(channel, d) for d in delivery_ids])

    def save_reply(self, channel: str, delivery_id: str, payload: str) -> None:
        self.r.set(self.keys.delivery_reply(channel, delivery_id), payload, ex=self.ttl)

    def reply(self, channel: str, delivery_id: str) -> str | None:
        return self.r.get(self.keys.delivery_reply(channel, delivery_id))

    def wait_for_reply(self, channel: str, delivery_id: str, timeout: float,
                       step: float = 0.05) -> str | None:
        """The first delivery's answer, waiting up to `timeout` while it is in progress."""
        deadline = self.monotonic() + timeout
        while True:
            payload = self.reply(channel, delivery_id)
            if payload is not None or self.monotonic() >= deadline:
                return payload
            self.sleep(step)
