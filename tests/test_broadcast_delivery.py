"""Broadcasts through the real sender and the local WeChat API: quiet hours hold them,
template fields stay within WeChat's 20 characters, and no template means plain text."""
from __future__ import annotations

from bot.push.audience import Segment, register_filter, FILTERS, resolve
from bot.push.broadcast import Broadcaster, Draft
from bot.records import StudentKey
from bot.runtime import build_sender

from .support.builders import at, shanghai
from .support.tester import BotTester
from .support.wechat_rules import broken_fields

LONG_BODY = "毕业生可登录学校就业信息网申领三方协议，审核通过后带学生证到服务大厅领取。"


def _broadcast(ctx, title="三方协议开始申领", segment=Segment()):
    BotTester(ctx, user="oB1").send("你好")
    return Broadcaster(ctx.stores, ctx.clock).create(
        Draft(title, LONG_BODY, "https://career.example.edu.cn/xieyi", segment), "test")


def test_quiet_hours_hold_a_broadcast_until_morning(push_ctx, fake_wechat, clock):
    ctx = push_ctx()
    at(clock, shanghai(2026, 11, 22, 23, 0))
    b = _broadcast(ctx)
    assert build_sender(ctx).drain() == {"held:quiet_hours": 1}
    assert fake_wechat.sent_to("oB1") == []
    at(clock, shanghai(2026, 11, 23, 8, 1))
    ctx.stores.outbox.promote_due(clock.now().timestamp())
    assert build_sender(ctx).drain() == {"sent": 1}
    [call] = fake_wechat.sent_to("oB1")
    text = call["body"]["text"]["content"]
    assert text.startswith("三方协议开始申领\n" + LONG_BODY) and "详情：https://career" in text
    assert Broadcaster(ctx.stores, ctx.clock).progress(b) == {"sent": 1}


def test_template_fields_are_cut_to_twenty_characters(push_ctx, fake_wechat, clock):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": {"broadcast": {"id": "TPL-NOTE"}}}})
    at(clock, shanghai(2026, 11, 23, 10, 0))
    _broadcast(ctx)
    assert build_sender(ctx).drain() == {"sent": 1}
    body = fake_wechat.sent_to("oB1")[0]["body"]
    assert body["template_id"] == "TPL-NOTE" and body["url"] == "https://career.example.edu.cn/xieyi"
    values = [v["value"] for v in body["data"].values()]
    assert all(len(v) <= 20 for v in values) and values[0] == "三方协议开始申领"
    assert values[1] == LONG_BODY[:19] + "…" and values[2] == "2026年11月23日 10:00"
    assert broken_fields(body["data"]) == []


def test_without_a_broadcast_template_a_broadcast_goes_as_text(push_ctx, fake_wechat, clock):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": {"digest": {"id": "TPL-D"}}}})
    at(clock, shanghai(2026, 11, 23, 10, 0))
    _broadcast(ctx)
    assert build_sender(ctx).drain() == {"sent": 1}
    assert fake_wechat.sent_to("oB1")[0]["path"] == "/cgi-bin/message/custom/send"


def test_segments_take_registered_filters(ctx):
    for user in ("a1", "a2", "b1"):
        BotTester(ctx, user=user).send("你好")
    register_filter("test_prefix", "测试前缀", lambda stores, students, value:
                    [s for s in students if s.user_id.startswith(value)])
    try:
        segment = Segment(filters={"test_prefix": "a"})
        assert resolve(ctx.stores, segment) == [StudentKey("wechat", "a1"), StudentKey("wechat", "a2")]
        assert segment.describe() == "测试前缀：a"
    finally:
        FILTERS.pop("test_prefix")
