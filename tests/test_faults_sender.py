"""The sender under Redis faults, and taking over the work of a dead sender.

A sender thread (the one `serve` and `worker` run) against a redis-server of the test's
own, which is killed and started again empty; the fake WeChat API receives the pushes.
"""
from __future__ import annotations

import logging
import threading

from bot.app import create_app
from bot.context import build_context
from bot.runtime import Runtime, build_sender
from bot.store.outbox import Disposition, StateChange

from .support.builders import SMALL_KB, WECHAT_SECRETS, make_config, notice, shared_provider
from .support.redis_server import RedisServer

SENDER = {"push": {"sender": {"threads": 2, "batch": 2, "stall_seconds": 60}},
          "redis": {"namespace": "faults", "socket_timeout": 0.2, "retry_after": 0.3}}


def eventually(condition, what: str, attempts: int = 1500) -> None:
    for _ in range(attempts):
        if condition():
            return
        threading.Event().wait(0.02)
    raise AssertionError(f"never happened: {what}")


def test_sender_survives_redis_dying_and_coming_back_empty(fake_wechat, clock, caplog):
    caplog.set_level(logging.WARNING)
    with RedisServer() as server:
        config = make_config("faults", SMALL_KB, redis_url=server.url,
                             api_bases={"WECHAT_API_BASE": fake_wechat.url}, **SENDER)
        ctx = build_context(config, clock=clock, knowledge=shared_provider(SMALL_KB))
        runtime = Runtime(ctx)
        runtime.start_sender()
        try:
            ctx.stores.outbox.enqueue(notice("oBefore", "n:before"))
            eventually(lambda: fake_wechat.sent_to("oBefore"), "the first notice to go out")
            assert ctx.health.problems() == {}

            server.stop()
            eventually(lambda: "sender: Redis is not answering" in caplog.text,
                       "the sender loop to meet the dead Redis")
            clock.advance(61)                    # a minute without progress
            assert "没有进展" in ctx.health.problems()["sender"]

            server.start()                       # empty: no stream, no consumer group
            eventually(lambda: ctx.stores.ping(), "Redis to answer the bot again")
            ctx.stores.outbox.enqueue(notice("oAfter", "n:after"))
            eventually(lambda: fake_wechat.sent_to("oAfter"), "a notice queued after the restart")
            eventually(lambda: ctx.health.problems() == {}, "the sender to report progress")
        finally:
            runtime.stop()
    assert len(fake_wechat.sent_to("oBefore")) == len(fake_wechat.sent_to("oAfter")) == 1
    assert "consumer group was gone" in caplog.text


def test_a_live_senders_notice_is_left_alone_and_a_dead_ones_counted_uncertain(push_ctx, fake_wechat):
    ctx = push_ctx(push={"sender": {"claim_idle_ms": 0}},
                   secrets={**WECHAT_SECRETS, "ADMIN_TOKEN": "admin-secret"})
    outbox = ctx.stores.outbox
    taker = build_sender(ctx)

    # Sender "slow" read a notice, claimed it and is still sending it (it says it lives).
    outbox.enqueue(notice("oSlow", "n:slow"))
    [entry] = outbox.read("slow", 10, None)
    assert outbox.claim(entry.notice, "slow").claimed
    outbox.beat("slow", 5000)
    [taken] = outbox.take_over(taker.consumer, 0, 10)
    assert taker.process(taken) == ""            # left alone: not resent, not counted
    outbox.apply(entry, Disposition("sent", StateChange.SENT))    # "slow" finishes
    assert outbox.stats() == {"sent": 1}

    # Sender "dead" claimed a notice, had it on the wire, and was killed: no more beats.
    outbox.enqueue(notice("oDead", "n:dead"))
    [entry] = outbox.read("dead", 10, None)
    assert outbox.claim(entry.notice, "dead").claimed
    [taken] = outbox.take_over(taker.consumer, 0, 10)
    assert taker.process(taken) == "uncertain"
    assert outbox.stats() == {"sent": 1, "uncertain": 1}
    assert outbox.uncertain() == ["n:dead"]
    assert outbox.backlog()["in_flight"] == 0 and not fake_wechat.received   # nothing twice
    stats = create_app(ctx=ctx).test_client().get(
        "/admin/stats/push", headers={"Authorization": "Bearer admin-secret"}).get_json()
    assert stats["uncertain"] == 1 and stats["uncertain_recent"] == ["n:dead"]
