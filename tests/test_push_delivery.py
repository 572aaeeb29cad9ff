"""The sender against a local server that speaks the WeChat API, with an injected clock."""
from __future__ import annotations

import pytest

from bot.records import StudentKey
from bot.app import create_app
from bot.platforms.wechat.api import WeChatApi
from bot.runtime import build_sender, transports_for
from bot.platforms.wechat.transport import WeChatTransport

from .support.builders import at, notice, shanghai
from .support.clients import wechat_client as client_for


def send_all(ctx, *notices):
    for n in notices:
        ctx.stores.outbox.enqueue(n)
    return build_sender(ctx).drain()


def test_a_notice_goes_out_as_a_customer_service_message_once(push_ctx, fake_wechat):
    ctx = push_ctx()
    counts = send_all(ctx, notice("oA"), notice("oA"))       # the same notice queued twice
    assert counts.pop("sent") == 1
    assert list(counts.values()) == [1] and list(counts)[0] in ("skipped:duplicate", "skipped:in_flight")
    [call] = fake_wechat.sent_to("oA")
    assert call["path"] == "/cgi-bin/message/custom/send"
    assert call["body"]["msgtype"] == "text" and "Java开发" in call["body"]["text"]["content"]
    assert fake_wechat.token_calls == 1
    assert ctx.stores.outbox.stats()["sent"] == 1


def test_template_mode_maps_fields_from_config(push_ctx, fake_wechat):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": {"digest": {
        "id": "TPL-DIGEST", "fields": {"first": "title", "keyword1": "title", "keyword2": "summary"}}}}})
    assert send_all(ctx, notice("oT")) == {"sent": 1}
    body = fake_wechat.sent_to("oT")[0]["body"]
    assert body["template_id"] == "TPL-DIGEST" and body["url"] == "https://jobs.example.cn/1"
    assert body["data"]["keyword1"]["value"] == "为您找到 1 个新岗位"
    assert body["data"]["keyword2"]["value"] == "1. Java开发｜示例公司｜北京"
    assert "first" not in body["data"]              # WeChat has not shown it since May 2023


def test_token_is_shared_between_processes_through_redis(push_ctx, fake_wechat):
    ctx = push_ctx()
    a = WeChatApi(ctx.config, ctx.stores.tokens, ctx.clock)
    b = WeChatApi(ctx.config, ctx.stores.tokens, ctx.clock)
    assert a.token.get() == b.token.get() == "TOKEN-1"
    assert fake_wechat.token_calls == 1


@pytest.mark.parametrize("code", [40001, 42001])
def test_rejected_token_is_refreshed_and_the_call_retried_once(push_ctx, fake_wechat, code):
    ctx = push_ctx()
    WeChatApi(ctx.config, ctx.stores.tokens, ctx.clock).token.get()
    fake_wechat.reject_token_once = code
    assert send_all(ctx, notice("oR")) == {"sent": 1}
    assert fake_wechat.token_calls == 2 and len(fake_wechat.sent_to("oR")) == 1


@pytest.mark.parametrize("code", [43004, 43101])
def test_unfollowed_or_refused_stops_pushing_to_that_student(push_ctx, fake_wechat, code):
    ctx = push_ctx()
    fake_wechat.answer("oGone", code)
    assert send_all(ctx, notice("oGone", "n1")) == {f"failed:{code}": 1}
    assert ctx.stores.prefs.get(StudentKey("wechat", "oGone")).unfollowed
    assert send_all(ctx, notice("oGone", "n2")) == {"failed:unfollowed": 1}
    assert fake_wechat.sent_to("oGone") == []


@pytest.mark.parametrize("code", [45009, -1])
def test_rate_limited_or_busy_is_retried_with_back_off(push_ctx, fake_wechat, clock, code):
    ctx = push_ctx()
    fake_wechat.answer("oBusy", code, code)
    assert send_all(ctx, notice("oBusy")) == {f"retry:{code}": 1}
    sender = build_sender(ctx)
    assert sender.drain() == {}                    # not due yet: 30 s back-off
    clock.advance(30)
    assert sender.drain() == {f"retry:{code}": 1}
    clock.advance(59)
    assert sender.drain() == {}                    # the second wait is twice as long
    clock.advance(1)
    assert sender.drain() == {"sent": 1}
    assert len(fake_wechat.sent_to("oBusy")) == 1


def test_network_errors_are_retried_and_give_up_after_max_attempts(make_ctx, clock):
    ctx = make_ctx(api_bases={"WECHAT_API_BASE": "http://127.0.0.1:9"},
                   push={"sender": {"max_attempts": 2}})
    assert send_all(ctx, notice("oNet")) == {"retry:network": 1}
    clock.advance(30)
    assert build_sender(ctx).drain() == {"failed:network_gave_up": 1}


def test_outside_48_hours_is_held_and_handed_over_when_the_student_writes(push_ctx, fake_wechat):
    ctx = push_ctx()
    fake_wechat.answer("oQuiet", 45015, 45015, 45015)
    counts = send_all(ctx, notice("oQuiet", "a"), notice("oQuiet", "b"), notice("oQuiet", "c"))
    assert counts == {"held:45015": 3}
    assert fake_wechat.sent_to("oQuiet") == []
    wx = client_for(create_app(ctx=ctx))
    reply = wx.ask("三方丢了怎么办", user="oQuiet")
    assert reply.startswith("您有 3 条新岗位推送") and "情况说明" in reply   # and still answered
    assert build_sender(ctx).drain() == {"sent": 3}
    assert len(fake_wechat.sent_to("oQuiet")) == 3
    assert "新岗位推送" not in wx.ask("三方丢了怎么办", user="oQuiet")


def test_quiet_hours_hold_notices_until_morning(push_ctx, fake_wechat, clock):
    ctx = push_ctx()
    at(clock, shanghai(2026, 11, 22, 22, 30))
    assert send_all(ctx, notice("oNight")) == {"held:quiet_hours": 1}
    at(clock, shanghai(2026, 11, 23, 7, 59))
    assert build_sender(ctx).drain() == {}
    at(clock, shanghai(2026, 11, 23, 8, 0))
    assert build_sender(ctx).drain() == {"sent": 1}
    assert len(fake_wechat.sent_to("oNight")) == 1


def test_send_rate_is_shared_and_capped_per_channel(push_ctx, fake_wechat, clock):
    ctx = push_ctx(push={"sender": {"rate_per_second": {"wechat": 2}, "threads": 1}})
    start = clock.now()
    send_all(ctx, *(notice(f"oRate{i}") for i in range(5)))
    assert len(fake_wechat.received) == 5
    assert (clock.now() - start).total_seconds() >= 2      # the fake clock was made to wait


def test_transports_are_built_from_secrets(push_ctx):
    ctx = push_ctx()
    assert isinstance(transports_for(ctx)["wechat"], WeChatTransport)
    assert "feishu" not in transports_for(ctx)


def test_a_notice_for_a_channel_without_transport_waits_instead_of_being_dropped(push_ctx):
    ctx = push_ctx()
    assert send_all(ctx, notice("ou_feishu", channel="feishu")) == {"retry:no_transport_feishu": 1}
    assert ctx.stores.outbox.backlog()["retrying"] == 1
