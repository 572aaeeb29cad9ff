"""Remembering which platform deliveries were already handled, across processes.

Platforms resend a message they think was missed. The first delivery claims the id
(SET NX) with a short lease, for the time it may take to answer; once answered, the id
is marked done for as long as a replay of the request could still pass the platform's
age check (`until`), and the answer is kept `reply_ttl` seconds for a retry, which gets
it instead of a second answer. A claim whose lease ran out without being marked done
belongs to a process that died: the retry takes it over and answers.

While Redis does not answer, claims and answers live in this process for a while
(`LocalTtlMap`): retries reaching the same process still act once.
"""
from __future__ import annotations

import logging
from typing import Any, Callable

import redis

from ..records import StudentKey
from . import glance
from .batch import queued_pipeline, run
from .glance import ChatGlance
from .guard import StoreUnavailable
from .keys import Keys
from .local import LocalTtlMap

log = logging.getLogger(__name__)

PENDING, DONE = "pending", "done"
TAKEN_OVER = object()     # wait_for_reply: the first delivery died; this one now answers


class DeliveryLog:
    def __init__(self, client: redis.Redis, keys: Keys, reply_ttl: int,
                 sleep: Callable[[float], None], monotonic: Callable[[], float],
                 now: Callable[[], float]) -> None:
        self.r, self.keys, self.reply_ttl = client, keys, reply_ttl
        self.sleep, self.monotonic, self.now = sleep, monotonic, now
        self.local = LocalTtlMap(monotonic)

    def claim(self, channel: str, delivery_id: str, lease: float) -> bool:
        """True for the first delivery of this id (or the retry of one whose claimant died)."""
        return self._claim(channel, (delivery_id,), lease)[0]

    def claim_and_glance(self, channel: str, delivery_id: str, lease: float,
                         chat: StudentKey) -> tuple[bool, ChatGlance | None]:
        """`claim`, and in the same round trip what answering needs to know about the chat
        (`glance`); the glance is None while Redis does not answer."""
        claimed, seen = self._claim(channel, (delivery_id,), lease,
                                    lambda pipe: glance.add_reads(pipe, self.keys, chat))
        return claimed, None if seen is None else glance.from_results(chat, seen)

    def claim_all(self, channel: str, delivery_ids: tuple[str, ...], lease: float) -> bool:
        """True when this is the first delivery of every id (Feishu: event and message);
        every id is claimed either way, in one round trip."""
        return self._claim(channel, delivery_ids, lease)[0]

    def _claim(self, channel: str, delivery_ids: tuple[str, ...], lease: float,
               also: Callable[[Any], None] | None = None) -> tuple[bool, list | None]:
        """Claim every id (SET NX with the lease) in one pipeline with `also`'s commands:
        (all claimed, the results of `also`'s commands). While Redis does not answer the
        claims live in this process and `also` gives None."""
        keys = [self.keys.delivery(channel, d) for d in delivery_ids]
        try:
            pipe = self.r.pipeline(transaction=False)
            for key in keys:
                pipe.set(key, PENDING, nx=True, px=max(1, int(lease * 1000)))
            if also is not None:
                also(pipe)
            results = pipe.execute()
            return all(results[:len(keys)]), results[len(keys):]
        except StoreUnavailable:
            return all([self.local.set(key, PENDING, lease, nx=True) for key in keys]), None

    def done(self, channel: str, delivery_id: str, until: float, reply: str | None = None,
             keep_reply: bool = False) -> None:
        """Handled: refuse the id until `until` (epoch seconds); keep `reply` for retries
        (unless `keep_reply` and an answer is already there)."""
        key = self.keys.delivery(channel, delivery_id)
        reply_key = self.keys.delivery_reply(channel, delivery_id)
        keep = max(until - self.now(), self.reply_ttl, 1.0)
        try:
            pipe, skip = queued_pipeline(self.r)     # the message's bookkeeping rides along
            pipe.set(key, DONE, px=int(keep * 1000))
            if reply is not None:
                pipe.set(reply_key, reply, ex=self.reply_ttl, nx=keep_reply)
            run(pipe, skip)
        except StoreUnavailable:
            self.local.set(key, DONE, keep)
            if reply is not None:
                self.local.set(reply_key, reply, self.reply_ttl, nx=keep_reply)

    def save_reply(self, channel: str, delivery_id: str, payload: str) -> None:
        """A later answer (it missed the deadline) replaces the holding reply for retries."""
        key = self.keys.delivery_reply(channel, delivery_id)
        try:
            self.r.set(key, payload, ex=self.reply_ttl)
        except StoreUnavailable:
            self.local.set(key, payload, self.reply_ttl)

    def reply(self, channel: str, delivery_id: str) -> str | None:
        key = self.keys.delivery_reply(channel, delivery_id)
        try:
            return self.r.get(key)
        except StoreUnavailable:
            return self.local.get(key)

    def _state(self, channel: str, delivery_id: str) -> tuple[str | None, str | None]:
        key, reply_key = self.keys.delivery(channel, delivery_id), self.keys.delivery_reply(channel, delivery_id)
        try:
            state, reply = self.r.mget([key, reply_key])
            return state, reply
        except StoreUnavailable:
            return self.local.get(key), self.local.get(reply_key)

    def wait_for_reply(self, channel: str, delivery_id: str, timeout: float, lease: float,
                       step: float = 0.05) -> str | None | object:
        """The first delivery's answer, waiting up to `timeout` while it is being answered.

        Returns `TAKEN_OVER` when the first delivery's claim lapsed unanswered (its process
        died) and this call claimed the id instead: the caller answers. "" when the first
        was handled but left nothing to send; None when time ran out.
        """
        deadline = self.monotonic() + timeout
        while True:
            state, reply = self._state(channel, delivery_id)
            if reply is not None:
                return reply
            if state == DONE:
                return ""
            if state is None and self.claim(channel, delivery_id, lease):
                log.warning("%s delivery %s: the first attempt died before answering; "
                            "answering its retry", channel, delivery_id)
                return TAKEN_OVER
            if self.monotonic() >= deadline:
                return None
            self.sleep(step)
