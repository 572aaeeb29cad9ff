"""What one WeChat text message costs beyond matching: Redis round trips and XML parses.

Round trips are counted on the bot's own real connection to a real redis-server (a
redis-py connection that counts what it sends; each send is one round trip, a
pipeline included). Parses are counted by profiling the request: the body goes through
defusedxml once (an encrypted one: the envelope once, the message inside once), and
xmltodict never.
"""
from __future__ import annotations

import cProfile
import pstats

import pytest
import redis

from bot.app import create_app
from bot.context import build_context
from bot.store.conversation import AWAITS_TEXT
from bot.store.guard import BotRedis

from .support.builders import LOST_ANSWER, SMALL_KB, make_config, notice, shared_provider
from .support.clients import text_xml, wechat_client
from .support.redis_server import RedisServer

QUESTION = "三方协议丢了怎么办"


class CountingConnection(redis.UnixDomainSocketConnection):
    """A real connection that counts what it sends to Redis."""

    sent = 0

    def send_packed_command(self, command, check_health=True):
        CountingConnection.sent += 1
        return super().send_packed_command(command, check_health)


@pytest.fixture
def counted(clock):
    with RedisServer() as server:
        pool = redis.ConnectionPool(connection_class=CountingConnection, path=server.socket,
                                    decode_responses=True, socket_timeout=5)
        client = BotRedis(connection_pool=pool)
        ctx = build_context(make_config("cost", SMALL_KB), clock=clock, client=client,
                            knowledge=shared_provider(SMALL_KB))
        yield ctx, create_app(ctx=ctx)
        client.close()


@pytest.mark.parametrize("mode", ["raw", "aes"])
def test_a_plain_faq_answer_costs_two_redis_round_trips(counted, mode):
    ctx, app = counted
    wx = wechat_client(app, mode)
    assert LOST_ANSWER in wx.ask(QUESTION, user="oWarm")      # connections open, code warm
    before = CountingConnection.sent
    assert LOST_ANSWER in wx.ask(QUESTION, user="oCounted")
    # the de-duplication claim with the chat's dialog and held notices; the `done` with
    # the saved reply, the turn log, when the chat wrote and the FAQ counts (was 6: each
    # of these on its own, then 3)
    assert CountingConnection.sent - before == 2
    # text that does not look like a question asks whether a dialog waits for it: that
    # was read with the claim too (it was a round trip of its own)
    before = CountingConnection.sent
    assert LOST_ANSWER in wx.ask("三方协议丢了", user="oCounted")
    assert CountingConnection.sent - before == 2
    st = ctx.stores                                     # and everything was still written
    assert st.students.last_seen([wechat_student("oCounted")])[wechat_student("oCounted")]
    assert sum(st.faq_stats.counts().values()) == 3
    assert [t.said for t in st.turns.recent(wechat_student("oCounted"))] == [QUESTION, "三方协议丢了"]


def test_what_the_claim_read_of_the_chat_is_what_the_message_sees_and_changes(counted):
    ctx, _ = counted
    st, chat = ctx.stores, wechat_student("oGlance")
    st.conversation.set_dialog(chat, {"kind": "intentions", AWAITS_TEXT: True})
    st.outbox.hold(notice("oGlance"))
    claimed, seen = st.deliveries.claim_and_glance("wechat", "glance-1", 5.0, chat)
    assert claimed and seen.held == 1
    with st.deferred(seen):
        before = CountingConnection.sent
        assert st.conversation.awaits_text(chat) and st.outbox.held_count(chat) == 1
        assert CountingConnection.sent == before                    # read with the claim
        st.conversation.end_dialog(chat)
        assert st.conversation.dialog(chat) is None                 # the message's own write
        assert len(st.outbox.take_held(chat)) == 1 and st.outbox.held_count(chat) == 0
        st.conversation.set_dialog(chat, {"kind": "erase"})
        assert st.conversation.dialog(chat) == {"kind": "erase"}
    again, _ = st.deliveries.claim_and_glance("wechat", "glance-1", 5.0, chat)
    assert not again                                                # still a claim
    st.conversation.set_choices(chat, [])            # outside a message: Redis, as before
    assert st.conversation.dialog(chat) is None and st.outbox.held_count(chat) == 0


def test_a_retry_is_answered_from_the_saved_reply(counted):
    ctx, app = counted
    wx = wechat_client(app)
    first = wx.post(text_xml("三方丢了咋办", user="oRetry", msg_id=424242))
    retry = wx.post(text_xml("三方丢了咋办", user="oRetry", msg_id=424242))
    assert LOST_ANSWER in wx.reply(retry)["Content"]
    assert wx.reply(first)["Content"] == wx.reply(retry)["Content"]
    assert sum(ctx.stores.faq_stats.counts().values()) == 1          # answered once


def wechat_student(user: str):
    from bot.records import StudentKey
    return StudentKey("wechat", user)


def _parses(app, mode: str, xml: str):
    wx = wechat_client(app, mode)
    profile = cProfile.Profile()
    response = profile.runcall(wx.post, xml)
    calls = {}
    for (path, _, name), (_, ncalls, *_rest) in pstats.Stats(profile).stats.items():
        if name in ("fromstring", "parse") and ("defusedxml" in path or "xmltodict" in path):
            calls[("xmltodict" if "xmltodict" in path else "defusedxml", name)] = ncalls
    return response, calls


@pytest.mark.parametrize("mode,envelopes", [("raw", 0), ("aes", 1), ("compatible", 1)])
def test_the_body_is_parsed_once_by_defusedxml(counted, mode, envelopes):
    _, app = counted
    response, calls = _parses(app, mode, text_xml("三方丢了咋办", user=f"oParse{mode}"))
    assert response.status_code == 200
    # the test client's own encryption parses XML too (xmltodict, in the test process's
    # thread); what the app parses is what defusedxml saw
    assert calls.get(("defusedxml", "fromstring")) == 1 + envelopes
    if mode == "raw":
        assert ("xmltodict", "parse") not in calls


@pytest.mark.parametrize("mode", ["raw", "aes"])
def test_entities_are_still_refused_before_anything_else(counted, mode):
    _, app = counted
    bomb = ('<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY a "aaaaaaaaaa">'
            '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
            '<xml><ToUserName>gh_career</ToUserName><FromUserName>oBomb</FromUserName>'
            '<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>&b;</Content>'
            '<MsgId>1</MsgId></xml>')
    response = wechat_client(app, mode).post(bomb)
    assert response.status_code == 400
