"""The sender: takes notices from the outbox stream and delivers them through transports.

Exactly-once, as far as a platform without idempotency keys allows: a notice is claimed
(SET NX) just before its API call and marked sent right after. An entry taken over from
a dead sender whose notice is still claimed was on the wire when that sender died; it is
not sent again (counted as `skipped:in_flight`), because a duplicate push is worse than
the rare one lost between claim and request.

Each entry ends in a `Disposition` the sender decides and the outbox applies.
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
from ..push.quiet import QuietHours
from ..settings import SenderSettings
from ..store import Stores
from ..store.outbox import SENDING, Disposition, Entry, StateChange
from .transport import Outcome, Status, Transport

log = logging.getLogger(__name__)


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Sender:
    def __init__(self, stores: Stores, settings: SenderSettings, quiet: QuietHours,
                 transports: Mapping[str, Transport], clock: Clock,
                 consumer: str | None = None) -> None:
        self.stores, self.outbox, self.quiet = stores, stores.outbox, quiet
        self.transports, self.clock = dict(transports), clock
        self.consumer = consumer or consumer_name()
        self.threads, self.batch = settings.threads, settings.batch
        self.claim_idle_ms = settings.claim_idle_ms
        self.max_attempts = settings.max_attempts
        self.backoff = settings.backoff_seconds
        self.limiter = stores.rate_limiter(dict(settings.rate_per_second), clock)

    # -- one notice --------------------------------------------------------------------------
    def decide(self, entry: Entry) -> Disposition:
        """Deliver one entry if it may go now, and say what became of it."""
        n = entry.notice
        now = self.clock.now()
        if not n.urgent and self.quiet.active(now):
            return Disposition.later("held:quiet_hours", self.quiet.ends_after(now).timestamp(), n)
        transport = self.transports.get(n.channel)
        if transport is None:               # another sender may have it: look again later
            return Disposition.later(f"retry:no_transport_{n.channel}",
                                     now.timestamp() + self.backoff * 10, n)
        self.limiter.acquire(n.channel)          # before the claim: keep claim-to-wire short
        claim = self.outbox.claim(n, self.consumer)
        if not claim.claimed:
            in_flight = (claim.state or "").startswith(SENDING)
            return Disposition("skipped:in_flight" if in_flight else "skipped:duplicate")
        if claim.unfollowed:
            return Disposition("failed:unfollowed", StateChange.DROPPED)
        try:
            outcome = transport.deliver(n)
        except Exception:
            log.exception("transport %s failed on notice %s", n.channel, n.id)
            outcome = Outcome(Status.RETRY, "error")
        return self._after(entry, outcome)

    def _after(self, entry: Entry, outcome: Outcome) -> Disposition:
        n = entry.notice
        if outcome.status is Status.SENT:
            return Disposition("sent", StateChange.SENT)
        if outcome.status is Status.HOLD:
            return Disposition(f"held:{outcome.reason}", StateChange.HELD)
        if outcome.status is Status.RETRY and n.attempt + 1 < self.max_attempts:
            delay = self.backoff * (2 ** n.attempt)
            log.info("notice %s: %s, retry %d in %.0fs", n.id, outcome.reason, n.attempt + 1, delay)
            return Disposition.later(f"retry:{outcome.reason}", self.clock.now().timestamp() + delay,
                                     replace(n, attempt=n.attempt + 1), forget=True)
        if outcome.stop_student:
            self.stores.prefs.set_unfollowed(n.student, True)
        reason = outcome.reason if outcome.status is Status.DROP else f"{outcome.reason}_gave_up"
        log.warning("notice %s dropped: %s", n.id, reason)
        return Disposition(f"failed:{reason}", StateChange.DROPPED)

    def process(self, entry: Entry) -> str:
        """Deliver and acknowledge one entry; returns the statistic it was counted under."""
        disposition = self.decide(entry)
        self.outbox.apply(entry, disposition)
        return disposition.stat

    def _safe(self, entry: Entry) -> str:
        try:
            return self.process(entry)
        except Exception:
            log.exception("could not process outbox entry %s; it stays pending for a retry",
                          entry.entry_id)
            return "error"

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
