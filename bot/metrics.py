"""What `GET /metrics` reports, in Prometheus's text format: every metric is defined here.

The code that counts calls one of the small functions below at a boundary (the
dispatcher, a channel's de-duplication, the sender, the knowledge-base reload, the
Redis guard); nothing else knows prometheus_client. Labels are channels and outcomes,
never a student: no user id, openid or text ever becomes a label.

Several worker processes (`serve --workers`): when `PROMETHEUS_MULTIPROC_DIR` is set
(by the parent, before it forks), each process writes its counts to files there and a
scrape adds them up (`MultiProcessCollector`, into a fresh registry per scrape); without
it the process's own registry is reported. Outbox depth and age are read from Redis at
scrape time (`OutboxCollector`), so every process reports the same shared numbers.
"""
from __future__ import annotations

import os
import time
from typing import Callable, Iterator

from prometheus_client import (CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter,
                               Histogram, generate_latest)
from prometheus_client import values
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

# What became of a message (dispatcher): an FAQ answer, a "您是不是想问" list, a decline
# (no answer found, or too long to read), a command or feature (订阅, 招聘会 …), an event
# (关注, 菜单), a picture/voice/… message, 稍后再试 (Redis down), an error reply.
OUTCOMES = ("answered", "suggested", "declined", "command", "event", "media", "busy", "error")

MESSAGES = Counter("bot_messages_total", "Messages answered, by channel and outcome",
                   ["channel", "outcome"])
REPLY_SECONDS = Histogram("bot_reply_seconds",
                          "Time to compose a reply (matching, handlers, Redis), by channel",
                          ["channel"],
                          buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2, 4.5, 10))
DEDUP_RETRIES = Counter("bot_dedup_retries_total",
                        "Platform retries of a delivery already handled (answered once)",
                        ["channel"])
SENDS = Counter("bot_sends_total", "Outbox notices processed by the sender, by result: "
                "sent, uncertain, failed, held, retry, skipped, error", ["channel", "result"])
KB_RELOADS = Counter("bot_kb_reloads_total", "Knowledge-base loads, by result (ok, failed)",
                     ["result"])
QUESTION_VECTORS = Counter("bot_question_vectors_total", "Sentence vectors of questions new "
                           "to this process, by where they came from: embedded (here), or "
                           "shared (another process of the bot had embedded it)", ["source"])
REDIS_ERRORS = Counter("bot_redis_errors_total", "Redis calls that failed: timeout, "
                       "connection (refused, dropped), fast (refused at once while the "
                       "breaker is open)", ["kind"])


_mode_known = False


def _follow_environment() -> None:
    """prometheus_client picks in-memory or file-backed values when it is imported; a
    `serve --workers` parent sets PROMETHEUS_MULTIPROC_DIR after importing the bot, so
    the choice is made again at the first count (every metric here is labelled: its
    values are created at their first count, after this)."""
    global _mode_known
    if not _mode_known:
        _mode_known = True
        values.ValueClass = values.get_value_class()


def message(channel: str, outcome: str, seconds: float) -> None:
    _follow_environment()
    MESSAGES.labels(channel, outcome).inc()
    REPLY_SECONDS.labels(channel).observe(seconds)


def dedup_retry(channel: str) -> None:
    _follow_environment()
    DEDUP_RETRIES.labels(channel).inc()


def send(channel: str, result: str) -> None:
    _follow_environment()
    SENDS.labels(channel, result).inc()


def kb_reload(ok: bool) -> None:
    _follow_environment()
    KB_RELOADS.labels("ok" if ok else "failed").inc()


def question_vector(source: str) -> None:
    _follow_environment()
    QUESTION_VECTORS.labels(source).inc()


def redis_error(kind: str) -> None:
    _follow_environment()
    REDIS_ERRORS.labels(kind).inc()


class OutboxCollector:
    """Outbox depth and the age of its oldest entry, read from Redis when scraped.

    `read` returns (backlog dict, oldest age in seconds or None); a Redis that does not
    answer leaves these out of the scrape (the error counter says why)."""

    def __init__(self, read: Callable[[], tuple[dict[str, int], float | None]]) -> None:
        self.read = read

    def collect(self) -> Iterator[GaugeMetricFamily]:
        try:
            backlog, oldest = self.read()
        except Exception:
            return
        depth = GaugeMetricFamily("bot_outbox_depth", "Outbox notices by state: queued "
                                  "(in the stream), in_flight (taken by a sender), retrying "
                                  "(waiting for their next try)", labels=["state"])
        for state, count in sorted(backlog.items()):
            depth.add_metric([state], count)
        yield depth
        yield GaugeMetricFamily("bot_outbox_oldest_age_seconds",
                                "How long the oldest queued notice has waited (0 when empty)",
                                value=oldest or 0.0)


class _Process:
    """This process's own metrics (the default registry), for a per-scrape registry."""

    def collect(self):
        return REGISTRY.collect()


def exposition(outbox: OutboxCollector | None) -> tuple[bytes, str]:
    """The body and content type of one scrape."""
    registry = CollectorRegistry()
    if os.environ.get(MULTIPROC_ENV):
        MultiProcessCollector(registry)
    else:
        registry.register(_Process())
    if outbox is not None:
        registry.register(outbox)
    return generate_latest(registry), CONTENT_TYPE_LATEST


def timer() -> Callable[[], float]:
    """Seconds since this call (for the reply histogram; metrics only, not behaviour)."""
    start = time.perf_counter()
    return lambda: time.perf_counter() - start
