"""Real signed (and encrypted) WeChat requests through the real app, against real Redis."""
from __future__ import annotations

import threading

import pytest
from flask import Flask

from bot.app import create_app
from bot.platforms.wechat.channel import HOLDING_TEXT, WeChatChannel
from bot.clock import Clock
from bot.context import build_context
from bot.dispatcher import Dispatcher
from bot.message import Reply
from concurrent.futures import ThreadPoolExecutor

from bot.knowledge import KnowledgeProvider
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds

from .support.builders import LOST_ANSWER, SMALL_KB
from .support.clients import WeChatClient, clock_of, event_xml, media_xml, sign, text_xml
from .support.clients import wechat_client as client_for


@pytest.fixture
def app(ctx):
    return create_app(ctx=ctx)


@pytest.fixture(params=["raw", "compatible", "aes"])
def wx(request, app) -> WeChatClient:
    return client_for(app, request.param)


# -- verification --------------------------------------------------------------------------
def test_get_verification_echoes_only_with_a_valid_signature(app):
    http = app.test_client()
    now = str(int(clock_of(http)()))
    q = {"timestamp": now, "nonce": "n1", "echostr": "hello-echo"}
    ok = http.get("/wechat", query_string={**q, "signature": sign("test-token", now, "n1")})
    assert ok.status_code == 200 and ok.get_data(as_text=True) == "hello-echo"
    bad = http.get("/wechat", query_string={**q, "signature": "0" * 40})
    assert bad.status_code == 403 and "hello-echo" not in bad.get_data(as_text=True)
    assert http.get("/wechat", query_string={"echostr": "x"}).status_code == 400


# -- answering -------------------------------------------------------------------------------
def test_text_question_gets_the_faq_answer_in_every_mode(wx):
    response = wx.post(text_xml("老师好，三方丢了咋办？谢谢"))
    assert response.status_code == 200
    reply = wx.reply(response)
    assert reply["MsgType"] == "text"
    assert reply["ToUserName"] == "oStudent1" and reply["FromUserName"] == "gh_career"
    assert LOST_ANSWER in reply["Content"]
    if wx.mode != "raw":
        assert "<Encrypt>" in response.get_data(as_text=True)
        assert LOST_ANSWER not in response.get_data(as_text=True)


@pytest.fixture(scope="module")
def doubtful_provider():
    """Thresholds set so that every on-topic question falls in the band of doubt."""
    provider = KnowledgeProvider(SMALL_KB, MatcherBuilder(fixed=Thresholds(answer=0.999, suggest=0.01)))
    provider.reload()
    return provider


def test_doubtful_question_offers_numbered_choices_and_a_digit_picks_one(make_ctx,
                                                                         doubtful_provider):
    wx = client_for(create_app(ctx=make_ctx(provider=doubtful_provider)))
    content = wx.ask("三方", user="oChooser")
    assert "您是不是想问" in content and "1." in content
    lines = [line for line in content.splitlines() if line[:2] in ("1.", "2.", "3.")]
    picked = lines[0].split(". ", 1)[1]
    answer = wx.ask("1", user="oChooser")
    assert answer and "您是不是想问" not in answer
    assert picked in ("三方协议丢失了怎么办？", "三方协议怎么签？")


def test_off_topic_question_gets_fallback_with_contact(wx, ctx):
    content = wx.ask("食堂几点开门", user="oHungry")
    assert "暂时回答不了" in content and "就业指导中心" in content
    assert any(u.example == "食堂几点开门" for u in ctx.stores.unanswered.top(10))


def test_retry_with_same_msgid_does_not_act_twice(wx, ctx):
    first = wx.ask("三方协议丢了", msg_id=424242)
    again = wx.ask("三方协议丢了", msg_id=424242)
    assert first == again and LOST_ANSWER in first
    assert ctx.stores.faq_stats.counts().get("tripartite-lost") == 1


# -- events and media --------------------------------------------------------------------------
def test_subscribe_gets_welcome_and_unsubscribe_gets_success(wx):
    welcome = wx.reply(wx.post(event_xml("subscribe", user="oNew")))
    assert "欢迎关注" in welcome["Content"]
    response = wx.post(event_xml("unsubscribe", user="oNew", create_time=1_763_000_100))
    assert response.get_data(as_text=True) == "success"


def test_menu_click_runs_the_intent_its_key_maps_to(wx):
    reply = wx.reply(wx.post(event_xml("CLICK", key="MENU_HELP", user="oMenu")))
    assert "订阅" in reply["Content"] and "招聘会" in reply["Content"]


@pytest.mark.parametrize("event", ["VIEW", "SCAN", "LOCATION", "TEMPLATESENDJOBFINISH"])
def test_other_events_are_acknowledged(app, event):
    wx = client_for(app)
    assert wx.post(event_xml(event, key="x", user=f"o{event}")).get_data(as_text=True) == "success"


def test_event_retry_is_deduplicated_by_sender_and_time(app, ctx):
    wx = client_for(app)
    xml = event_xml("subscribe", user="oTwice", create_time=1_763_000_555)
    first, second = wx.post(xml), wx.post(xml)
    assert first.status_code == second.status_code == 200
    assert wx.reply(first)["Content"] == wx.reply(second)["Content"]
    assert ctx.stores.deliveries.claim("wechat", "evt:oTwice:1763000555:subscribe", 5) is False


@pytest.mark.parametrize("kind,extra", [
    ("image", "<PicUrl><![CDATA[http://x/y.jpg]]></PicUrl><MediaId><![CDATA[m]]></MediaId>"),
    ("video", "<MediaId><![CDATA[m]]></MediaId><ThumbMediaId><![CDATA[t]]></ThumbMediaId>"),
    ("location", "<Location_X>39.9</Location_X><Location_Y>116.3</Location_Y><Scale>15</Scale>"
                 "<Label><![CDATA[北京]]></Label>"),
    ("link", "<Title><![CDATA[t]]></Title><Description><![CDATA[d]]></Description>"
             "<Url><![CDATA[http://x]]></Url>"),
    ("voice", "<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format>"),
])
def test_media_messages_get_a_friendly_text(app, kind, extra):
    wx = client_for(app)
    reply = wx.reply(wx.post(media_xml(kind, extra=extra)))
    assert "只看得懂文字" in reply["Content"]


def test_voice_with_recognition_is_answered_as_text(app):
    wx = client_for(app)
    extra = ("<MediaId><![CDATA[m]]></MediaId><Format><![CDATA[amr]]></Format>"
             "<Recognition><![CDATA[三方协议丢了怎么办]]></Recognition>")
    assert LOST_ANSWER in wx.reply(wx.post(media_xml("voice", extra=extra)))["Content"]


# -- long answers ------------------------------------------------------------------------------
def test_long_answer_is_cut_at_a_sentence_and_more_sends_the_rest(app):
    wx = client_for(app)
    first = wx.ask("西部计划的完整流程是什么", user="oLong")
    assert len(first.encode("utf-8")) <= 2048
    assert "回复“更多”" in first
    body = first.split("\n……")[0]
    assert body.endswith("。")
    pages = [body]
    while True:
        page = wx.ask("更多", user="oLong")
        assert len(page.encode("utf-8")) <= 2048
        pages.append(page.split("\n……")[0])
        if "回复“更多”" not in page:
            break
    assert len(pages) == 3
    full = "西部计划每年春季启动报名，同学们先在网上填写报名表并提交材料。" * 60
    assert "".join(pages) == full
    assert wx.ask("更多", user="oLong") == "没有更多内容了。还有其他问题可以直接问我。"


def test_long_answer_with_a_link_points_to_it_and_more_sends_the_rest(app):
    wx = client_for(app)
    content = wx.ask("三支一扶计划怎么报名", user="oLink")
    assert len(content.encode("utf-8")) <= 2048
    assert content.rstrip().endswith("三支一扶报名说明 https://career.example.edu.cn/szyf")
    assert "回复“更多”继续阅读" in content
    pages = [content.split("\n……")[0]]
    while "回复“更多”" in (page := wx.ask("更多", user="oLink")):
        pages.append(page.split("\n……")[0])
    pages.append(page)
    assert "".join(pages).startswith("三支一扶计划由各省统一组织招募")
    assert "".join(pages).count("再进行体检和公示。") == 40
    assert page.endswith("三支一扶报名说明：https://career.example.edu.cn/szyf")


# -- bad input ---------------------------------------------------------------------------------
def _raw_post(app, body: bytes, **extra):
    wx = client_for(app)
    q = wx.query()
    q.update(extra)
    return app.test_client().post("/wechat", query_string=q, data=body, content_type="text/xml")


BAD_BODIES = {
    "truncated": b"<xml><ToUserName><![CDATA[gh_career]]></ToUserName><FromUser",
    "xxe": (b'<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
            b"<xml><ToUserName>gh</ToUserName><FromUserName>&xxe;</FromUserName>"
            b"<CreateTime>1</CreateTime><MsgType>text</MsgType><Content>a</Content>"
            b"<MsgId>1</MsgId></xml>"),
    "bomb": (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
             + b"".join(f'<!ENTITY lol{i} "{("&lol" + str(i - 1) + ";") * 10 if i > 1 else "&lol;" * 10}">'.encode()
                        for i in range(1, 10))
             + b"]><xml><Content>&lol9;</Content></xml>"),
    "invalid-utf8": b"<xml><Content>\xff\xfe\xfa</Content></xml>",
    "empty": b"",
    "not-xml": b"hello there",
    "no-msgtype": b"<xml><FromUserName>o</FromUserName></xml>",
    "no-sender": (b"<xml><ToUserName>gh</ToUserName><CreateTime>1</CreateTime>"
                  b"<MsgType>text</MsgType><Content>hi</Content><MsgId>5</MsgId></xml>"),
    "bad-msgid": (b"<xml><ToUserName>gh</ToUserName><FromUserName>o</FromUserName>"
                  b"<CreateTime>x</CreateTime><MsgType>text</MsgType><Content>hi</Content>"
                  b"<MsgId>abc</MsgId></xml>"),
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_malformed_bodies_get_400_and_the_next_request_is_served(app, name):
    response = _raw_post(app, BAD_BODIES[name])
    assert response.status_code == 400
    assert "root:" not in response.get_data(as_text=True)
    assert LOST_ANSWER in client_for(app).ask("三方丢了怎么办", user=f"oAfter{name}")


def test_bad_or_missing_signature(app):
    http = app.test_client()
    body = text_xml("你好").encode()
    assert http.post("/wechat", data=body).status_code == 400
    q = {"signature": "f" * 40, "timestamp": "1", "nonce": "n"}
    assert http.post("/wechat", query_string=q, data=body).status_code == 403


def test_oversized_body_gets_413(app):
    body = b"<xml><Content>" + b"a" * (1024 * 1024 + 10) + b"</Content></xml>"
    assert _raw_post(app, body).status_code == 413


def test_undecryptable_encrypt_gets_400_and_bad_msg_signature_403(app):
    wx = client_for(app, "aes")
    q = wx.query()
    body = "<xml><ToUserName>gh</ToUserName><Encrypt><![CDATA[bm90LXJlYWxseS1lbmNyeXB0ZWQ=]]></Encrypt></xml>"
    q["msg_signature"] = sign(wx.token, q["timestamp"], q["nonce"], "bm90LXJlYWxseS1lbmNyeXB0ZWQ=")
    assert app.test_client().post("/wechat", query_string=q, data=body).status_code == 400
    q2 = wx.query()
    good = wx.wrap(text_xml("三方丢了"), q2)
    q2["msg_signature"] = "0" * 40
    assert app.test_client().post("/wechat", query_string=q2, data=good).status_code == 403
    q3 = wx.query()
    assert app.test_client().post("/wechat", query_string=q3, data=good).status_code == 400


def test_encrypted_message_for_another_appid_is_refused(app):
    other = client_for(app, "aes")
    other.appid = "wxOTHERAPPID00000"
    response = other.post(text_xml("三方丢了"))
    assert response.status_code == 400


# -- concurrency and deadlines -------------------------------------------------------------------
class _Gate:
    """A handler that waits until released, to stand in for a slow answer."""

    name = "gate"

    def __init__(self) -> None:
        self.release = threading.Event()
        self.calls = 0

    def match(self, msg, ctx):
        return msg.kind == "text" or None

    def handle(self, msg, ctx, found):
        self.calls += 1
        assert self.release.wait(10)
        return Reply(f"答案：{msg.text}")


class _ReleasingClock(Clock):
    """While a retry waits for the first delivery, let the first one finish."""

    def __init__(self, gate: _Gate) -> None:
        self.gate = gate

    def sleep(self, seconds: float) -> None:
        self.gate.release.set()
        threading.Event().wait(0.01)


SHORT_DEADLINE = {"channels": {"wechat": {"reply_deadline": 0.05}}}


def _gated_app(ctx, gate, on_late_reply=None):
    app = Flask("gated")
    app.extensions["bot"] = ctx              # the test client signs by the app's clock
    channel = WeChatChannel(ctx, Dispatcher(ctx, [gate]), ThreadPoolExecutor(4),
                            on_late_reply=on_late_reply)
    app.register_blueprint(channel.blueprint())
    return app


def test_retry_arriving_while_first_is_handled_gets_first_answer_without_acting_again(ctx):
    gate = _Gate()
    ctx = build_context(ctx.config, clock=_ReleasingClock(gate), client=ctx.stores.client,
                        knowledge=ctx.knowledge)
    app = _gated_app(ctx, gate)
    wx = client_for(app)
    xml = text_xml("慢问题", user="oSlow", msg_id=99001)
    results = {}
    first = threading.Thread(target=lambda: results.setdefault("first", wx.post(xml)))
    first.start()
    while gate.calls == 0:
        threading.Event().wait(0.001)
    retry = wx.post(xml)
    first.join(10)
    assert wx.reply(retry)["Content"] == "答案：慢问题"
    assert wx.reply(results["first"])["Content"] == "答案：慢问题"
    assert gate.calls == 1


def test_slow_answer_past_the_deadline_gets_a_holding_reply_and_is_kept(make_ctx):
    ctx = make_ctx(**SHORT_DEADLINE)
    gate = _Gate()
    app = _gated_app(ctx, gate)
    wx = client_for(app)
    content = wx.ask("很慢的问题", user="oDeadline", msg_id=99002)
    assert content == HOLDING_TEXT
    gate.release.set()
    for _ in range(200):                 # a retry meanwhile would get the holding reply
        if ctx.stores.deliveries.reply("wechat", "msg:99002") == "答案：很慢的问题":
            break
        threading.Event().wait(0.01)
    assert ctx.stores.deliveries.reply("wechat", "msg:99002") == "答案：很慢的问题"


def test_late_answer_is_sent_as_a_customer_service_message(push_ctx, fake_wechat, clock):
    from bot.delivery.late import late_answers_to
    from bot.platforms.wechat.channel import HOLDING_SENT_LATER
    from bot.runtime import build_sender

    ctx = push_ctx(**SHORT_DEADLINE)
    gate = _Gate()
    wx = client_for(_gated_app(ctx, gate, on_late_reply=late_answers_to(ctx, "wechat")))
    assert wx.ask("半夜的慢问题", user="oNight", msg_id=99003) == HOLDING_SENT_LATER
    gate.release.set()
    for _ in range(200):                 # answered, and queued to be sent
        if ctx.stores.outbox.backlog()["queued"]:
            break
        threading.Event().wait(0.01)
    assert ctx.stores.deliveries.reply("wechat", "msg:99003") == "答案：半夜的慢问题"
    clock.advance(13 * 3600)                            # 23:00 in Shanghai: quiet hours hold
    assert build_sender(ctx).drain() == {"sent": 1}     # pushes, never an awaited answer
    [call] = fake_wechat.sent_to("oNight")
    assert call["body"]["text"]["content"] == "答案：半夜的慢问题"


def test_no_mangled_request_makes_a_5xx(app):
    """Truncations, byte flips and spliced junk of a real message, in every mode: 4xx or an
    answer, never a 5xx; a seeded generator keeps the run repeatable."""
    import random

    rng = random.Random(20261122)
    for mode in ("raw", "aes"):
        wx = client_for(app, mode)
        for n in range(150):
            q = wx.query()
            body = bytearray(wx.wrap(text_xml("三方丢了怎么办", user=f"oFuzz{n}"), q).encode())
            for _ in range(rng.randint(1, 4)):
                cut = rng.randrange(len(body))
                action = rng.choice(("flip", "truncate", "splice", "delete"))
                if action == "flip":
                    body[cut] = rng.randrange(256)
                elif action == "truncate":
                    del body[cut:]
                elif action == "splice":
                    body[cut:cut] = rng.choice([b"<", b"]]>", b"&amp;", b"\xff", b"<!DOCTYPE x>", b"\x00"])
                elif len(body) > 1:
                    del body[cut]
            response = app.test_client().post("/wechat", query_string=q, data=bytes(body))
            assert response.status_code < 500, (mode, n, bytes(body)[:200])
    assert LOST_ANSWER in client_for(app).ask("三方丢了怎么办", user="oAfterFuzz")
