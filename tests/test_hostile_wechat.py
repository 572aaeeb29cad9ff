"""Hostile WeChat requests: replays, plaintext in safe mode, odd XML, and requests that
only look alike. Real signed (and encrypted) payloads through the real app; time moves
on the injected clock.
"""
from __future__ import annotations

import pytest

from bot.app import create_app
from bot.config import ConfigError, load_config

from .support.builders import LOST_ANSWER, WECHAT_SECRETS, STUDENT
from .support.clients import event_xml, text_xml
from .support.clients import wechat_client as client_for


@pytest.fixture
def app(ctx):
    return create_app(ctx=ctx)


def post_at(wx, xml: str, timestamp: int):
    """`xml` signed (and wrapped for its mode) as if sent at `timestamp`."""
    q = wx.query(timestamp=str(timestamp))
    body = wx.wrap(xml, q)
    return wx.http.post("/wechat", query_string=q, data=body.encode(), content_type="text/xml")


def subscribed(ctx, user: str) -> list:
    return ctx.stores.subscriptions.list(STUDENT.__class__("wechat", user))


# -- replay window ---------------------------------------------------------------------------------
@pytest.mark.parametrize("mode", ["raw", "aes"])
def test_signed_requests_far_from_now_are_refused_and_do_nothing(app, ctx, clock, mode):
    wx = client_for(app, mode)
    now = int(clock.now().timestamp())
    max_age = ctx.settings.channels.wechat.max_age_seconds
    for when in (now - 86400, now - 365 * 86400, now - max_age - 1, now + max_age + 1):
        response = post_at(wx, text_xml("订阅 Java", user="oOld"), when)
        assert response.status_code == 403
    assert subscribed(ctx, "oOld") == []
    assert post_at(wx, text_xml("订阅 Java", user="oOld"), now - max_age + 1).status_code == 200
    assert len(subscribed(ctx, "oOld")) == 1


def test_a_captured_request_replayed_later_never_acts_again(app, ctx, clock):
    wx = client_for(app)
    q = wx.query()
    captured = (dict(q), wx.wrap(text_xml("订阅 Java", user="oLeaver", msg_id=660001), q).encode())
    replay = lambda: wx.http.post("/wechat", query_string=captured[0], data=captured[1],  # noqa: E731
                                  content_type="text/xml")
    assert replay().status_code == 200 and len(subscribed(ctx, "oLeaver")) == 1
    assert "全部" in wx.ask("退订 全部", user="oLeaver")
    assert replay().status_code == 200                   # within the window: a retry, never acts
    assert subscribed(ctx, "oLeaver") == []

    claim = ctx.stores.keys.delivery("wechat", "msg:660001")
    max_age = ctx.settings.channels.wechat.max_age_seconds
    assert ctx.stores.client.pttl(claim) <= (max_age + 1) * 1000
    clock.advance(max_age + 2)                           # later: the id is forgotten by then,
    ctx.stores.client.delete(claim)                      # as Redis will have expired it
    assert replay().status_code == 403                   # but the timestamp is too old
    assert subscribed(ctx, "oLeaver") == []


# -- safe mode -------------------------------------------------------------------------------------
@pytest.mark.parametrize("setting", ["safe", "auto"])
def test_safe_mode_refuses_plaintext_and_a_forged_unsubscribe(make_ctx, setting):
    ctx = make_ctx(channels={"wechat": {"encrypt_mode": setting}})
    app = create_app(ctx=ctx)
    raw = client_for(app, "raw")
    assert raw.post(text_xml("三方丢了咋办", user="oVictim")).status_code == 403
    assert raw.post(event_xml("unsubscribe", user="oVictim")).status_code == 403
    assert not ctx.stores.prefs.get(STUDENT.__class__("wechat", "oVictim")).unfollowed
    for mode in ("aes", "compatible"):                   # encrypted, with or without plain copies
        assert LOST_ANSWER in client_for(app, mode).ask("三方丢了咋办", user="oVictim")


def test_compatible_mode_trusts_only_the_encrypted_copy(make_ctx):
    """In compatible mode WeChat sends plain fields beside the ciphertext; only the
    ciphertext is signed, so a plain field edited on the way changes nothing."""
    app = create_app(ctx=make_ctx())
    wx = client_for(app, "compatible")
    q = wx.query()
    body = wx.wrap(text_xml("三方丢了咋办", user="oReal"), q).replace("oReal]]></FromUserName>",
                                                                 "oForged]]></FromUserName>", 1)
    response = wx.http.post("/wechat", query_string=q, data=body.encode(), content_type="text/xml")
    assert wx.reply(response)["ToUserName"] == "oReal"


def test_safe_mode_without_the_aes_key_stops_start_up_naming_it():
    config = load_config({"channels": {"wechat": {"encrypt_mode": "safe"}},
                          "secrets": {"WECHAT_TOKEN": "t"}}, env={})
    with pytest.raises(ConfigError, match="WECHAT_ENCODING_AES_KEY"):
        config.check_secrets()
    auto = load_config({"secrets": {"WECHAT_TOKEN": "t", "WECHAT_ENCODING_AES_KEY":
                                    WECHAT_SECRETS["WECHAT_ENCODING_AES_KEY"]}}, env={})
    with pytest.raises(ConfigError, match="WECHAT_APPID"):
        auto.check_secrets()


# -- odd XML ---------------------------------------------------------------------------------------
ODD = {
    "content-with-elements": text_xml("x").replace("<![CDATA[x]]>", "<b>三方</b><i>丢了</i>"),
    "content-twice": text_xml("三方丢了").replace("</Content>", "</Content><Content>订阅 Java</Content>"),
    "fromuser-twice": text_xml("hi").replace("</FromUserName>", "</FromUserName><FromUserName>o2</FromUserName>"),
    "msgtype-with-element": text_xml("hi").replace("<![CDATA[text]]>", "<a>text</a>"),
}


@pytest.mark.parametrize("mode", ["raw", "aes"])
@pytest.mark.parametrize("name", sorted(ODD))
def test_fields_with_elements_or_written_twice_get_400(app, ctx, mode, name):
    response = client_for(app, mode).post(ODD[name])
    assert response.status_code == 400
    assert subscribed(ctx, "oStudent1") == []


# -- look-alikes -----------------------------------------------------------------------------------
def test_two_menu_clicks_in_the_same_second_are_both_answered(app):
    wx = client_for(app)
    first = wx.reply(wx.post(event_xml("CLICK", key="MENU_HELP", user="oClicker", create_time=1_795_000_000)))
    second = wx.reply(wx.post(event_xml("CLICK", key="MENU_TRIPARTITE", user="oClicker",
                                        create_time=1_795_000_000)))
    assert "订阅" in first["Content"] and "招聘会" in first["Content"]
    assert second["Content"] != first["Content"] and "签字" in second["Content"]   # 三方协议怎么签
    again = wx.reply(wx.post(event_xml("CLICK", key="MENU_HELP", user="oClicker", create_time=1_795_000_000)))
    assert again["Content"] == first["Content"]            # the same click again: a retry


@pytest.mark.parametrize("event", ["subscribe_msg_popup_event", "subscribe_msg_change_event",
                                   "subscribe_msg_sent_event"])
def test_subscription_message_events_get_success(app, event):
    xml = event_xml(event, user="oNotify").replace(
        "</xml>", "<SubscribeMsgPopupEvent><List><TemplateId><![CDATA[t1]]></TemplateId>"
                  "<SubscribeStatusString><![CDATA[accept]]></SubscribeStatusString>"
                  "<PopupScene>2</PopupScene></List></SubscribeMsgPopupEvent></xml>")
    response = client_for(app).post(xml)
    assert response.status_code == 200 and response.get_data(as_text=True) == "success"


def test_a_huge_message_gets_a_kind_note_instead_of_an_answer(app, ctx):
    limit = ctx.settings.conversation.max_message_chars
    content = client_for(app).ask("三方丢了咋办" + "啊" * 100_000, user="oHuge")
    assert "太长" in content and str(limit) in content
    assert LOST_ANSWER in client_for(app).ask("三方丢了咋办" + "啊" * (limit - 20), user="oLong")
