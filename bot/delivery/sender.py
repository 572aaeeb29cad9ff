"""The sender: takes notices from the outbox stream and delivers them through transports.

Exactly-once, as far as a platform without idempotency keys allows: a notice is claimed
(SET NX) just before its API call and marked sent right after. An entry taken over from
a dead sender whose notice is still claimed was on the wire when that sender died; it is
not sent again but counted `uncertain` (a duplicate push is worse than the rare one that
may have been lost between claim and request, and staff can see which ones). A sender
says it is alive every second, so only the work of a silent one is taken over, after
`claim_idle_ms`.

The loop survives anything Redis does: every slot it took is given back when a call
fails, it logs and goes round again, and `problem()` tells /healthz when it has not made
progress for `stall_seconds`.

Each entry ends in a `Disposition` the sender decides and the outbox applies.
"""
from __future__ import annotations

import contextlib
import logging
import os
import socket
import threading
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import Iterator, Mapping

from .. import metrics
from ..clock import Clock
from ..push.quiet import QuietHours
from ..settings import SenderSettings
from ..store import StoreUnavailable, Stores
from ..store.outbox import SENDING, Disposition, Entry, StateChange
from .transport import Outcome, Status, Transport

log = logging.getLogger(__name__)

LEAVE = Disposition("", ack=False)      # a live sender has it on the wire: not ours


def consumer_name() -> str:
    return f"{socket.gethostname()}-{os.getpid()}-{uuid.uuid4().hex[:6]}"


class Sender:
    def __init__(self, stores: Stores, settings: SenderSettings, quiet: QuietHours,
                 transports: Mapping[str, Transport], clock: Clock,
                 consumer: str | None = None, block_ms: int = 500) -> None:
        self.stores, self.outbox, self.quiet = stores, stores.outbox, quiet
        self.transports, self.clock = dict(transports), clock
        self.consumer = consumer or consumer_name()
        self.threads, self.batch = settings.threads, settings.batch
        self.claim_idle_ms = settings.claim_idle_ms
        self.stall_seconds = settings.stall_seconds
        self.max_attempts = settings.max_attempts
        self.backoff = settings.backoff_seconds
        self.block_ms = block_ms            # below Redis's socket timeout, or reads time out
        self.limiter = stores.rate_limiter(dict(settings.rate_per_second), clock)
        self._entries: set[str] = set()       # outbox entries this process is working on
        self._notices: set[str] = set()       # and the notices in them
        self._lock = threading.Lock()
        self.progress_at: float | None = None

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
            return self._claimed_before(n.id, claim.state or "")
        if claim.unfollowed:
            return Disposition("failed:unfollowed", StateChange.DROPPED)
        try:
            outcome = transport.deliver(n)
        except Exception:
            log.exception("transport %s failed on notice %s", n.channel, n.id)
            outcome = Outcome(Status.RETRY, "error")
        return self._after(entry, outcome)

    def _claimed_before(self, notice_id: str, state: str) -> Disposition:
        """The notice was claimed already: done, being sent, or on the wire at a death
        (also this sender's own earlier attempt, whose outcome was never recorded)."""
        if not state.startswith(SENDING):
            return Disposition("skipped:duplicate")
        owner = state.partition(":")[2]
        if owner == self.consumer:
            with self._lock:
                if notice_id in self._notices:   # another entry of it, on the wire right now
                    return Disposition("skipped:duplicate")
        elif self.outbox.alive(owner):
            return LEAVE
        log.warning("notice %s was on the wire when its sender stopped; counted as uncertain, "
                    "not sent again", notice_id)
        return Disposition("uncertain", StateChange.UNCERTAIN)

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
        entry_id, notice_id = entry.entry_id, entry.notice.id
        with self._lock:
            if entry_id in self._entries:
                return ""                   # taken over from ourselves while at work on it
            self._entries.add(entry_id)
            first = notice_id not in self._notices
            self._notices.add(notice_id)
        try:
            disposition = self.decide(entry)
            self.outbox.apply(entry, disposition)
            if disposition.stat:            # LEAVE: another sender's, nothing happened here
                metrics.send(entry.notice.channel, disposition.stat.partition(":")[0])
            return disposition.stat
        finally:
            with self._lock:
                self._entries.discard(entry_id)
                if first:
                    self._notices.discard(notice_id)
            self.progress_at = self.clock.monotonic()

    def _safe(self, entry: Entry) -> str:
        try:
            return self.process(entry)
        except StoreUnavailable as exc:
            log.warning("outbox entry %s stays pending: Redis is not answering (%s)",
                        entry.entry_id, exc)
        except Exception:
            log.exception("could not process outbox entry %s; it stays pending for a retry",
                          entry.entry_id)
        metrics.send(entry.notice.channel, "error")
        return "error"

    # -- liveness ----------------------------------------------------------------------------
    @contextlib.contextmanager
    def _alive(self) -> Iterator[None]:
        """Say every second that this sender lives, so others leave its work alone."""
        done = threading.Event()

        def beat() -> None:
            while True:
                try:
                    self.outbox.beat(self.consumer, self.claim_idle_ms)
                except StoreUnavailable:
                    pass
                if done.wait(1.0):
                    return

        thread = threading.Thread(target=beat, name="sender-beat", daemon=True)
        thread.start()
        try:
            yield
        finally:
            done.set()
            thread.join(timeout=5)
            with contextlib.suppress(StoreUnavailable):
                self.outbox.forget_sender(self.consumer)

    def problem(self) -> str | None:
        """What /healthz should say about this sender's loop, if anything."""
        if self.progress_at is None:
            return None
        idle = self.clock.monotonic() - self.progress_at
        if idle > self.stall_seconds:
            return f"发送进程已有 {idle:.0f} 秒没有进展（推送暂停，消息都还在发件箱里）"
        return None

    # -- loops -------------------------------------------------------------------------------
    def drain(self) -> dict[str, int]:
        """Send everything queued now and return what happened (for `push run` and tests)."""
        counts: dict[str, int] = {}
        lock = threading.Lock()

        def one(entry: Entry) -> None:
            stat = self._safe(entry)
            if stat:
                with lock:
                    counts[stat] = counts.get(stat, 0) + 1

        with self._alive(), ThreadPoolExecutor(max_workers=max(1, min(self.threads, 32))) as pool:
            while True:
                self.outbox.promote_due(self.clock.now().timestamp())
                entries = self.outbox.read(self.consumer, self.batch, None)
                if not entries:
                    break
                list(pool.map(one, entries))
        return counts

    def run(self, stop: threading.Event, block_ms: int | None = None) -> None:
        """Serve until `stop` is set: read, take over entries of dead senders, retry what is due."""
        block_ms = block_ms or self.block_ms
        slots = threading.Semaphore(self.threads)
        pool = ThreadPoolExecutor(max_workers=self.threads, thread_name_prefix="send")
        claim_every = max(self.claim_idle_ms / 2000, 0.2)
        next_claim = 0.0
        self.progress_at = self.clock.monotonic()

        def work(entry: Entry) -> None:
            try:
                self._safe(entry)
            finally:
                slots.release()

        log.info("sender %s started (%d threads)", self.consumer, self.threads)
        with self._alive():
            try:
                while not stop.is_set():
                    held = 0                       # slots taken and not yet handed to work
                    try:
                        self.outbox.promote_due(self.clock.now().timestamp())
                        if not slots.acquire(timeout=block_ms / 1000):
                            continue
                        held = 1
                        while held < self.batch and slots.acquire(blocking=False):
                            held += 1
                        entries: list[Entry] = []
                        if self.clock.monotonic() >= next_claim:
                            next_claim = self.clock.monotonic() + claim_every
                            entries = self.outbox.take_over(self.consumer, self.claim_idle_ms, held)
                        if not entries:
                            entries = self.outbox.read(self.consumer, held, block_ms)
                        self.progress_at = self.clock.monotonic()
                        for entry in entries[:held]:
                            pool.submit(work, entry)
                            held -= 1
                    except StoreUnavailable as exc:
                        log.warning("sender: Redis is not answering (%s); trying again", exc)
                        stop.wait(1.0)
                    except Exception:
                        log.exception("sender loop error; trying again")
                        stop.wait(1.0)
                    finally:
                        for _ in range(held):
                            slots.release()
            finally:
                pool.shutdown(wait=True)
                log.info("sender %s stopped", self.consumer)
