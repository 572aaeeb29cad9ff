"""Redis stopped, frozen (SIGSTOP) and restarted empty under the running app.

Each test starts a redis-server of its own and does to it what operators and networks
do. The FAQ needs no Redis and keeps answering at once; what needs state says 稍后再试;
/healthz says "degraded", never 5xx; and everything comes back by itself. Requests run
under a hang guard: a request stuck behind Redis fails the test instead of hanging it
(no wall-clock limit is asserted).
"""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Flask

from bot.app import create_app
from bot.context import build_context
from bot.dispatcher import BUSY_REPLY, Dispatcher
from bot.message import Reply
from bot.platforms.wechat.channel import HOLDING_TEXT, WeChatChannel

from .support.builders import (FEISHU_ENCRYPTED_SECRETS, LOST_ANSWER, SMALL_KB, make_config,
                               shared_provider)
from .support.clients import feishu_events, feishu_text, settle, text_xml, wechat_client
from .support.redis_server import RedisServer

FAST = {"redis": {"namespace": "faults", "socket_timeout": 0.2, "retry_after": 0.3}}
HANG_GUARD = 30.0


@pytest.fixture
def own_redis():
    with RedisServer() as server:
        yield server


def fault_ctx(server: RedisServer, clock, **extra):
    config = make_config("faults", SMALL_KB, redis_url=server.url, **FAST, **extra)
    return build_context(config, clock=clock, knowledge=shared_provider(SMALL_KB))


def guarded(call):
    """`call()` in a thread; fails the test if it is still waiting after HANG_GUARD."""
    out: dict = {}
    thread = threading.Thread(target=lambda: out.setdefault("r", call()), daemon=True)
    thread.start()
    thread.join(HANG_GUARD)
    assert not thread.is_alive(), "a request hung behind Redis"
    return out["r"]


def eventually(condition, what: str, attempts: int = 600) -> None:
    """Poll `condition` (it does the waiting: each call is a request); bounded."""
    for _ in range(attempts):
        if condition():
            return
        threading.Event().wait(0.02)
    raise AssertionError(f"never happened: {what}")


def content(wx, text: str, user: str) -> str:
    response = guarded(lambda: wx.post(text_xml(text, user=user)))
    assert response.status_code == 200, response.get_data(as_text=True)
    return wx.reply(response).get("Content", "")


def test_frozen_redis_faq_answers_commands_say_later_and_it_recovers(own_redis, clock):
    app = create_app(ctx=fault_ctx(own_redis, clock))
    wx, http = wechat_client(app), app.test_client()
    assert "已订阅" in content(wx, "订阅 Java", "oFrozen")
    own_redis.freeze()
    try:
        with ThreadPoolExecutor(16) as pool:      # a burst, as WeChat delivers them
            answers = list(pool.map(lambda i: content(wx, "三方丢了咋办", f"oBurst{i}"), range(32)))
        assert all(LOST_ANSWER in a for a in answers), [a[:30] for a in answers if LOST_ANSWER not in a]
        assert HOLDING_TEXT not in answers
        later = content(wx, "我的订阅", "oFrozen")
        assert later == BUSY_REPLY.text
        wrong = content(wx, "不对", "oBurst0")        # the last turn cannot be read: a plain no
        assert wrong.startswith("好的。没帮上忙的话") and "人工" in wrong, wrong
        health = guarded(lambda: http.get("/healthz"))
        assert health.status_code == 200
        assert health.get_json()["status"] == "degraded" and health.get_json()["redis"] == "unreachable"
    finally:
        own_redis.thaw()
    eventually(lambda: "Java" in content(wx, "我的订阅", "oFrozen"), "subscriptions readable again")
    assert http.get("/healthz").get_json()["status"] == "ok"


def test_stopped_redis_then_an_empty_one_and_the_bot_carries_on(own_redis, clock):
    app = create_app(ctx=fault_ctx(own_redis, clock))
    wx = wechat_client(app)
    own_redis.stop()
    assert LOST_ANSWER in content(wx, "三方协议丢了怎么办", "oStopped")
    assert "稍后再试" in content(wx, "订阅 Java 北京", "oStopped")
    assert app.test_client().get("/healthz").get_json()["status"] == "degraded"
    own_redis.start()                                   # back, with nothing in it
    eventually(lambda: "已订阅" in content(wx, "订阅 Java 北京", "oStopped"), "subscribing again")
    assert "Java" in content(wx, "我的订阅", "oStopped")


class Counting:
    """A handler that counts how often it acts: a retry must not make it act again."""

    name = "counting"

    def __init__(self) -> None:
        self.calls = 0

    def match(self, msg, ctx):
        return msg.kind == "text" or None

    def handle(self, msg, ctx, found):
        self.calls += 1
        return Reply(f"第 {self.calls} 次：{msg.text}")


def test_while_redis_is_down_a_retry_still_acts_once(own_redis, clock):
    ctx = fault_ctx(own_redis, clock)
    handler = Counting()
    app = Flask("counting")
    app.extensions["bot"] = ctx
    app.register_blueprint(WeChatChannel(ctx, Dispatcher(ctx, [handler]), ThreadPoolExecutor(2)).blueprint())
    wx = wechat_client(app)
    own_redis.freeze()
    try:
        xml = text_xml("你好", user="oRetry", msg_id=880001)
        first = wx.reply(guarded(lambda: wx.post(xml)))["Content"]
        again = wx.reply(guarded(lambda: wx.post(xml)))["Content"]
    finally:
        own_redis.thaw()
    assert first == again == "第 1 次：你好" and handler.calls == 1


def test_feishu_answers_through_the_api_while_redis_is_frozen(own_redis, clock, feishu):
    ctx = fault_ctx(own_redis, clock, secrets=FEISHU_ENCRYPTED_SECRETS,
                    api_bases={"FEISHU_API_BASE": feishu.url})
    app = create_app(ctx=ctx)
    ev = feishu_events(app)
    assert guarded(lambda: ev.post(feishu_text("三方丢了咋办", message_id="om_before"))).status_code == 200
    settle(app)
    own_redis.freeze()
    try:
        response = guarded(lambda: ev.post(feishu_text("三方协议丢了", message_id="om_frozen")))
        assert response.status_code == 200
        settle(app)
    finally:
        own_redis.thaw()
    replies = feishu.calls("reply")
    assert [r.path.split("/")[-2] for r in replies] == ["om_before", "om_frozen"]
    assert LOST_ANSWER in replies[-1].content["text"]
    assert len(feishu.calls("token")) == 1       # the token it had, not a new one per message
