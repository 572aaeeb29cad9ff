"""Job notices to Feishu students: a card to their open_id, through a local Feishu open API."""
from __future__ import annotations

import pytest

from bot.records import StudentKey
from bot.app import create_app
from bot.runtime import build_sender, run_pass

from .support.builders import FEISHU_PLAIN_SECRETS, add_jobs, notice, shanghai
from .support.clients import feishu_events as events_for, feishu_text as text, settle
from .support.fakes import RATE_LIMITED


@pytest.fixture
def fctx(make_ctx, feishu):
    return make_ctx(secrets=FEISHU_PLAIN_SECRETS, api_bases={"FEISHU_API_BASE": feishu.url})


def test_a_notice_is_one_interactive_card_to_the_open_id(fctx, feishu):
    for n in (notice("ou_a", channel="feishu"), notice("ou_a", channel="feishu")):
        fctx.stores.outbox.enqueue(n)
    counts = build_sender(fctx).drain()
    assert counts.pop("sent") == 1 and sum(counts.values()) == 1   # the duplicate is skipped
    [call] = feishu.calls("send")
    assert call.query["receive_id_type"] == ["open_id"]
    assert call.body["receive_id"] == "ou_a" and call.body["msg_type"] == "interactive"
    card = call.content
    assert card["header"]["title"]["content"] == "为您找到 1 个新岗位"
    assert "Java开发" in card["elements"][0]["text"]["content"]
    assert card["elements"][1]["actions"][0]["url"] == "https://jobs.example.cn/1"


def test_bot_removed_by_the_student_stops_pushes_to_them(fctx, feishu):
    feishu.fail_next("send", (400, {"code": 230013, "msg": "Bot has NO availability to this user."}))
    assert build_sender_counts(fctx, notice("ou_gone", "n1", channel="feishu")) == {"failed:230013": 1}
    assert fctx.stores.prefs.get(StudentKey("feishu", "ou_gone")).unfollowed
    assert build_sender_counts(fctx, notice("ou_gone", "n2", channel="feishu")) == {"failed:unfollowed": 1}
    assert [c.body["receive_id"] for c in feishu.calls("send")] == ["ou_gone"]


def test_a_rate_limit_that_does_not_lift_is_retried_later(fctx, feishu, clock):
    feishu.fail_next("send", *[RATE_LIMITED] * 10)
    counts = build_sender_counts(fctx, notice("ou_busy", channel="feishu"))
    assert list(counts) == ["retry:99991400"]
    feishu.scripted.clear()
    clock.advance(3600)
    assert build_sender(fctx).drain() == {"sent": 1}


def test_feishu_student_subscribes_in_chat_and_gets_a_digest_card(fctx, feishu):
    app = create_app(ctx=fctx)
    ev = events_for(app, "plain")
    assert ev.post(text("订阅 Java 北京", user="ou_sub")).status_code == 200
    settle(app)
    assert "已订阅：Java + 北京" in feishu.calls("reply")[-1].content["text"]
    add_jobs(fctx, {"title": "Java开发", "city": "北京"})
    result, counts = run_pass(fctx, shanghai(2026, 11, 23, 9, 0))
    assert counts == {"sent": 1}
    [call] = feishu.calls("send")
    assert call.body["receive_id"] == "ou_sub"
    assert "匹配：Java + 北京" in call.content["elements"][0]["text"]["content"]


def build_sender_counts(ctx, n):
    ctx.stores.outbox.enqueue(n)
    return build_sender(ctx).drain()
