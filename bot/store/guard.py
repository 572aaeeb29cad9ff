"""Redis calls that fail fast while Redis does not answer.

A stopped Redis refuses connections at once, but a frozen or unreachable one lets every
call wait for its socket timeout; with redis-py's defaults (5 s, ten retries) a frozen
server held every web thread past WeChat's 5 s. Here a call waits at most the short
socket timeout once: after a timeout the breaker opens and every call fails at once
(`RedisDown`) for `retry_after` seconds; then one call at a time tries again, and the
first answer closes the breaker. Callers catch `StoreUnavailable` and carry on without
Redis (the FAQ answers, commands say 稍后再试).
"""
from __future__ import annotations

import logging
import threading
import time
from typing import Callable

import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from .. import metrics

log = logging.getLogger(__name__)


class RedisDown(redis.ConnectionError):
    """Redis did not answer a moment ago; this call was not even tried."""


# What "Redis is not there" looks like to a caller; a ResponseError (a bug) is not in it.
StoreUnavailable = (redis.ConnectionError, redis.TimeoutError)


def counted(exc: Exception) -> Exception:
    """`exc` counted once for /metrics (a failed connect inside a send is one error)."""
    if not getattr(exc, "_bot_counted", False):
        exc._bot_counted = True  # type: ignore[attr-defined]
        kind = ("fast" if isinstance(exc, RedisDown)
                else "timeout" if isinstance(exc, redis.TimeoutError) else "connection")
        metrics.redis_error(kind)
    return exc


def no_retry_on_timeout() -> Retry:
    """Reconnect once on a dropped connection (Redis restarted); never retry a timeout."""
    return Retry(NoBackoff(), 1, supported_errors=(redis.ConnectionError,))


class Breaker:
    def __init__(self, retry_after: float, monotonic: Callable[[], float] = time.monotonic) -> None:
        self.retry_after, self.monotonic = retry_after, monotonic
        self._lock = threading.Lock()
        self._open_until: float | None = None
        self._prober: int | None = None
        self.last_error = ""

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def before(self) -> None:
        """Raise `RedisDown` unless this call may go to Redis."""
        if self._open_until is None:
            return
        me = threading.get_ident()
        with self._lock:
            if self._open_until is None or self._prober == me:
                return
            if self._prober is None and self.monotonic() >= self._open_until:
                self._prober = me          # one call tries; the others keep failing fast
                return
        raise counted(RedisDown(f"Redis is not answering ({self.last_error})"))

    def answered(self) -> None:
        if self._open_until is None:
            return
        with self._lock:
            was_open, self._open_until, self._prober = self._open_until is not None, None, None
        if was_open:
            log.warning("Redis answers again")

    def failed(self, exc: Exception) -> None:
        """A timeout opens the breaker; any failure of the trying call keeps it open."""
        timed_out = isinstance(exc, redis.TimeoutError)
        with self._lock:
            probing = self._prober == threading.get_ident()
            if not (timed_out or probing):
                return
            newly = self._open_until is None
            self._open_until = self.monotonic() + self.retry_after
            self._prober = None
            self.last_error = f"{exc.__class__.__name__}: {exc}"
        if newly:
            log.error("Redis did not answer (%s); calls fail at once for %.1fs at a time until "
                      "it does", self.last_error, self.retry_after)


def guarded(connection_class: type, breaker: Breaker) -> type:
    """`connection_class` whose every connect, send and read goes through `breaker`."""

    class Guarded(connection_class):  # type: ignore[misc, valid-type]
        def connect(self, *args, **kwargs):
            breaker.before()
            try:
                return super().connect(*args, **kwargs)
            except StoreUnavailable as exc:
                breaker.failed(counted(exc))
                raise

        def send_packed_command(self, *args, **kwargs):
            breaker.before()
            try:
                return super().send_packed_command(*args, **kwargs)
            except StoreUnavailable as exc:
                breaker.failed(counted(exc))
                raise

        def read_response(self, *args, **kwargs):
            try:
                response = super().read_response(*args, **kwargs)
            except redis.ResponseError:
                breaker.answered()
                raise
            except StoreUnavailable as exc:
                breaker.failed(counted(exc))
                raise
            breaker.answered()
            return response

    Guarded.__name__ = f"Guarded{connection_class.__name__}"
    return Guarded


class BotRedis(redis.Redis):
    """A redis-py client with a breaker on its pool, and what to release when closed."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.breaker = Breaker(retry_after=1.0)
        pool = self.connection_pool
        pool.connection_class = guarded(pool.connection_class, self.breaker)
        self.on_close: list[Callable[[], None]] = []

    def close(self) -> None:
        super().close()
        self.connection_pool.disconnect()
        while self.on_close:
            self.on_close.pop()()
