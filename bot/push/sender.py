"""The sender: takes notices from the outbox stream and delivers them through transports.

Exactly-once, as far as a platform without idempotency keys allows: a notice is claimed
(SET NX) just before its API call and marked sent right after. An entry taken over from
a dead sender whose notice is still claimed was on the wire when that sender died; it is
not sent again (counted as `skipped:in_flight`), because a duplicate push is worse than
the rare one lost between claim and request.
"""
from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Mapping

from ..clock import Clock
from ..store.outbox import DROPPED, HELD, KEEP, SENDING, SENT, Entry
from .context import PushContext
from .ratelimit import RateLimiter
from .transport import DROP, HOLD, RETRY, SENT as OUT_SENT, Outcome, Transport

log = logging.getLogger(__name__)


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Sender:
    def __init__(self, push: PushContext, transports: Mapping[str, Transport], clock: Clock,
                 consumer: str | None = None) -> None:
        self.push, self.transports, self.clock = push, dict(transports), clock
        self.outbox = push.outbox
        self.consumer = consumer or consumer_name()
        cfg = lambda name, default: push.setting(f"sender.{name}", default)  # noqa: E731
        self.threads = int(cfg("threads", 64))
        self.batch = int(cfg("batch", 64))
        self.claim_idle_ms = int(cfg("claim_idle_ms", 60000))
        self.max_attempts = int(cfg("max_attempts", 6))
        self.backoff = float(cfg("backoff_seconds", 30))
        self.limiter = RateLimiter(push.outbox.r, push.outbox.keys, clock,
                                   dict(cfg("rate_per_second", {}) or {}))

    # -- one notice --------------------------------------------------------------------------
    def process(self, entry: Entry) -> str:
        """Deliver one entry and acknowledge it; returns the statistic it was counted under."""
        n, ob = entry.notice, self.outbox
        now = self.clock.now()
        if n.kind != "answer" and self.push.quiet.active(now):  # an answer is awaited now
            until = self.push.quiet.ends_after(now).timestamp()
            return self._finish(entry, "held:quiet_hours", KEEP, retry_at=until, retry=n)
        transport = self.transports.get(n.channel)
        if transport is None:               # another sender may have it: look again later
            return self._finish(entry, f"retry:no_transport_{n.channel}", KEEP,
                                retry_at=now.timestamp() + self.backoff * 10, retry=n)
        self.limiter.acquire(n.channel)          # before the claim: keep claim-to-wire short
        unfollowed, claimed = ob.claim_for(n, self.consumer)
        if not claimed:
            state = ob.state(n.id) or ""
            stat = "skipped:in_flight" if state.startswith(SENDING) else "skipped:duplicate"
            return self._finish(entry, stat, KEEP)
        if unfollowed:
            return self._finish(entry, "failed:unfollowed", DROPPED)
        try:
            outcome = transport.deliver(n)
        except Exception:
            log.exception("transport %s failed on notice %s", n.channel, n.id)
            outcome = Outcome(RETRY, "error")
        return self._outcome(entry, outcome)

    def _outcome(self, entry: Entry, outcome: Outcome) -> str:
        n = entry.notice
        if outcome.status == OUT_SENT:
            return self._finish(entry, "sent", SENT)
        if outcome.status == HOLD:
            return self._finish(entry, f"held:{outcome.reason}", HELD, hold=True)
        if outcome.status == RETRY and n.attempt + 1 < self.max_attempts:
            delay = self.backoff * (2 ** n.attempt)
            due = self.clock.now().timestamp() + delay
            log.info("notice %s: %s, retry %d in %.0fs", n.id, outcome.reason, n.attempt + 1, delay)
            return self._finish(entry, f"retry:{outcome.reason}", None, retry_at=due,
                                retry=replace(n, attempt=n.attempt + 1))
        if outcome.stop_student:
            self.push.prefs.set_unfollowed(n.ref, True)
        reason = outcome.reason if outcome.status == DROP else f"{outcome.reason}_gave_up"
        log.warning("notice %s to %s dropped: %s", n.id, n.ref, reason)
        return self._finish(entry, f"failed:{reason}", DROPPED)

    def _finish(self, entry: Entry, stat: str, state, **kw) -> str:
        self.outbox.finish(entry, state, stat, **kw)
        return stat

    # -- loops -------------------------------------------------------------------------------
    def drain(self) -> dict[str, int]:
        """Send everything queued now and return what happened (for `push run` and tests)."""
        counts: dict[str, int] = {}
        lock = threading.Lock()

        def one(entry: Entry) -> None:
            stat = self._safe(entry)
            with lock:
                counts[stat] = counts.get(stat, 0) + 1

        with ThreadPoolExecutor(max_workers=max(1, min(self.threads, 32))) as pool:
            while True:
                self.outbox.promote_due(self.clock.now().timestamp())
                entries = self.outbox.read(self.consumer, self.batch, None)
                if not entries:
                    break
                list(pool.map(one, entries))
        return counts

    def _safe(self, entry: Entry) -> str:
        try:
            return self.process(entry)
        except Exception:
            log.exception("could not process outbox entry %s; it stays pending for a retry",
                          entry.entry_id)
            return "error"

    def run(self, stop: threading.Event, block_ms: int = 1000) -> None:
        """Serve until `stop` is set: read, take over entries of dead senders, retry what is due."""
        slots = threading.Semaphore(self.threads)
        pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="send")
        claim_every = max(self.claim_idle_ms / 2000, 0.2)
        next_claim = 0.0

        def work(entry: Entry) -> None:
            try:
                self._safe(entry)
            finally:
                slots.release()

        log.info("sender %s started (%d threads)", self.consumer, self.threads)
        try:
            while not stop.is_set():
                try:
                    self.outbox.promote_due(self.clock.now().timestamp())
                    entries: list[Entry] = []
                    if self.clock.monotonic() >= next_claim:
                        next_claim = self.clock.monotonic() + claim_every
                        entries = self.outbox.take_over(self.consumer, self.claim_idle_ms, self.batch)
                    got = 0
                    if not slots.acquire(timeout=block_ms / 1000):
                        continue
                    got = 1
                    while got < self.batch and slots.acquire(blocking=False):
                        got += 1
                    if not entries:
                        entries = self.outbox.read(self.consumer, got, block_ms)
                    for entry in entries[got:]:
                        slots.acquire()
                    for _ in range(max(got - len(entries), 0)):
                        slots.release()
                    for entry in entries:
                        pool.submit(work, entry)
                except Exception:
                    log.exception("sender loop error; retrying")
                    stop.wait(1.0)
        finally:
            pool.shutdown(wait=True)
            log.info("sender %s stopped", self.consumer)
