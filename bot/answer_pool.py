"""The threads that answer messages off the request path, and waiting for them at a stop.

A Feishu event is acknowledged before it is answered, and a WeChat answer that misses
the 5 s deadline is finished after the request and pushed later: in both cases the
platform will not ask again, so the answer exists only in this process until it is sent
or queued in the outbox. A stop (deploy, restart) therefore first lets the answers in
progress finish — bounded, so a hung call cannot hold the stop — and only then stops
the sender and the embedded Redis they may still need.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor, wait

log = logging.getLogger(__name__)

# gunicorn kills a worker 10 s after asking it to stop (`graceful_timeout`), and requests
# still in flight come first; an answer normally takes well under a second.
DRAIN_SECONDS = 8.0


class AnswerPool(ThreadPoolExecutor):
    """A thread pool that knows which of its answers are still running."""

    def __init__(self, max_workers: int, thread_name_prefix: str = "answer") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=thread_name_prefix)
        self._running: set[Future] = set()
        self._lock = threading.Lock()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future = super().submit(fn, *args, **kwargs)
        with self._lock:
            self._running.add(future)
        future.add_done_callback(self._forget)
        return future

    def _forget(self, future: Future) -> None:
        with self._lock:
            self._running.discard(future)

    def drain(self, timeout: float | None = DRAIN_SECONDS) -> bool:
        """Wait until every answer submitted so far is done; False if some still run."""
        with self._lock:
            running = set(self._running)
        if not running:
            return True
        left = len(wait(running, timeout).not_done)
        if left:
            log.warning("%d answer(s) still running at the stop after %.0f s: they may be lost",
                        left, timeout or 0)
        return not left
