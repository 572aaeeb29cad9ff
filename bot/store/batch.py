"""Bookkeeping writes of one message, sent with that message's next Redis round trip.

A plain FAQ answer cost six round trips: the de-duplication claim, when the chat last
wrote, two FAQ counts, the turn log and the de-duplication `done`. Writes that nobody
reads back during the message and whose failure nobody minds (when a chat last wrote,
FAQ counts, what “更多” goes on with) are queued while a message is answered
(`deferred()`), and ride in the next pipeline the message sends (`queued_pipeline`: the
chat's glance, the delivery's `done`); whatever is left goes in one pipeline when the
message is done. Outside a `deferred()` block a write goes at once, as before. The turn
log is such a write too, and what the message reads of its chat comes with the claim
(`glance`): a plain FAQ answer on WeChat costs two round trips, the claim and `done`.

The queue lives in a context variable: each thread (a web thread, an executor thread
answering a message) has its own, so two messages never share one.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any, Callable, Iterator

import redis

from .guard import StoreUnavailable

log = logging.getLogger(__name__)

Write = Callable[[Any], None]          # adds its commands to a pipeline
_queue: ContextVar[list[Write] | None] = ContextVar("bot_deferred_writes", default=None)


@contextmanager
def deferred(client: redis.Redis) -> Iterator[None]:
    """Queue this block's bookkeeping writes; send what no pipeline took at its end.

    Nested blocks join the outermost one, which sends the rest."""
    if _queue.get() is not None:
        yield
        return
    token = _queue.set([])
    try:
        yield
    finally:
        left = _queue.get() or []
        _queue.reset(token)
        if left:
            pipe, _ = _fill(client, left)
            try:
                pipe.execute(raise_on_error=False)
            except StoreUnavailable:
                pass            # bookkeeping only: while Redis is down nothing is noted
            except redis.RedisError:
                log.exception("bookkeeping writes of a message failed")


def write(client: redis.Redis, op: Write) -> None:
    """`op` queued when inside `deferred()`, else run now (failures reach the caller)."""
    queue = _queue.get()
    if queue is not None:
        queue.append(op)
        return
    pipe = client.pipeline(transaction=False)
    op(pipe)
    pipe.execute()


def _fill(client: redis.Redis, ops: list[Write]):
    pipe = client.pipeline(transaction=False)
    for op in ops:
        op(pipe)
    return pipe, len(pipe.command_stack)


def queued_pipeline(client: redis.Redis):
    """A pipeline holding the queued writes (taken off the queue), and how many commands
    they are: `run(pipe, skip)` gives back only the caller's own results."""
    queue = _queue.get()
    ops = list(queue or ())
    if queue:
        queue.clear()
    return _fill(client, ops)


def flush(client: redis.Redis) -> None:
    """Send the queued writes now: before an erasure, so it removes what they note too."""
    pipe, skip = queued_pipeline(client)
    if skip:
        pipe.execute(raise_on_error=False)


def run(pipe, skip: int) -> list:
    """Execute; the results after the first `skip`, raising the first error among them
    (a failed bookkeeping write is not the caller's error)."""
    results = pipe.execute(raise_on_error=False)
    own = results[skip:]
    for result in own:
        if isinstance(result, Exception):
            raise result
    return own
