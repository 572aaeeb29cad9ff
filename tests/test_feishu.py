"""Real Feishu events (signed, encrypted) through the real app, answered via a local open API.

The bot is pointed at `FakeFeishu`, a real HTTP server on 127.0.0.1 that speaks the
open API's shapes and error codes. Answers go out from worker threads; tests wait for
them with `FeishuChannel.wait_idle()`, which joins the pending futures: no sleeping.
"""
from __future__ import annotations

import json
import socket

import pytest

from bot.answer_pool import AnswerPool
from bot.app import create_app
from bot.clock import FakeClock
from bot.dispatcher import Dispatcher
from bot.knowledge import KnowledgeProvider
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds
from bot.platforms.feishu.api import FeishuApi, FeishuApiError
from bot.runtime import build_sender

from .support.builders import (APP_ID, APP_SECRET, FEISHU_ENCRYPTED_SECRETS as ENCRYPTED_SECRETS,
                               FEISHU_PLAIN_SECRETS as PLAIN_SECRETS, EKEY, LOST_ANSWER, SMALL_KB, VTOKEN)
from .support.clients import (FeishuEvents, card_event, feishu_events as events_for,
                              feishu_text as text, mention, message_event, run_cli as run, settle)
from .support.fakes import BAD_CARD, BOT_OPEN_ID, RATE_LIMITED, RATE_LIMITED_200, TOKEN_EXPIRED


@pytest.fixture(params=["plain", "encrypted"])
def mode(request) -> str:
    return request.param


def _ctx(make_ctx, feishu, mode="encrypted", **extra):
    secrets = ENCRYPTED_SECRETS if mode == "encrypted" else PLAIN_SECRETS
    return make_ctx(secrets=secrets, api_bases={"FEISHU_API_BASE": feishu.url}, **extra)


@pytest.fixture
def ctx(make_ctx, feishu, mode):
    return _ctx(make_ctx, feishu, mode)


@pytest.fixture
def app(ctx):
    return create_app(ctx=ctx)


@pytest.fixture
def ev(app, mode) -> FeishuEvents:
    return events_for(app, mode)


def replies(feishu) -> list:
    return feishu.calls("reply")


# -- url_verification ---------------------------------------------------------------------------
def test_url_verification_plain_and_encrypted(app, ev, mode):
    payload = {"challenge": "ajls384kdjx98XX", "token": VTOKEN, "type": "url_verification"}
    response = ev.post_raw(ev.body(payload))     # Feishu may send the challenge unsigned
    assert response.status_code == 200
    assert response.get_json() == {"challenge": "ajls384kdjx98XX"}
    if mode == "encrypted":
        assert b"ajls384kdjx98XX" not in ev.body(payload)
    bad = ev.post_raw(ev.body({**payload, "token": "wrong"}))
    assert bad.status_code == 403 and b"ajls384kdjx98XX" not in bad.data


# -- answering ----------------------------------------------------------------------------------
def test_p2p_question_is_acknowledged_at_once_and_answered_through_the_reply_api(app, ev, feishu):
    response = ev.post(text("老师好，三方丢了咋办？", message_id="om_q1"))
    assert response.status_code == 200 and response.get_json() == {}
    settle(app)
    [reply] = replies(feishu)
    assert reply.path == "/open-apis/im/v1/messages/om_q1/reply"
    assert reply.headers["authorization"] == "Bearer t-1"
    assert reply.body["msg_type"] == "text" and "receive_id" not in reply.body
    assert LOST_ANSWER in reply.content["text"]


def test_answer_with_links_is_a_card_with_link_buttons(app, ev, feishu):
    ev.post(text("选调生报名条件是什么", message_id="om_links"))
    settle(app)
    [reply] = replies(feishu)
    assert reply.body["msg_type"] == "interactive"
    card = reply.content
    body = json.dumps(card, ensure_ascii=False)
    assert "选调生一般要求" in body
    buttons = [a for e in card["elements"] if e["tag"] == "action" for a in e["actions"]]
    assert buttons == [{"tag": "button", "text": {"tag": "plain_text", "content": "选调公告"},
                        "type": "primary", "url": "https://career.example.edu.cn/xd"}]
    assert card["elements"][-1]["tag"] == "note" and "政策每年可能调整" in body


def test_group_messages_are_answered_only_when_the_bot_is_mentioned(app, ev, feishu):
    bot = mention("@_user_1", BOT_OPEN_ID, "就业助手")
    other = mention("@_user_2", "ou_classmate", "张三")
    ev.post(text("三方丢了咋办", chat_type="group", message_id="om_g_none"))
    ev.post(text("@_user_2 三方丢了咋办", chat_type="group", mentions=[other],
                 message_id="om_g_other"))
    ev.post(text("@_user_1 三方丢了咋办", chat_type="group", mentions=[bot],
                 message_id="om_g_bot"))
    ev.post(text("@_user_2 @_user_1 三方丢了咋办", chat_type="group", mentions=[other, bot],
                 message_id="om_g_both"))
    settle(app)
    answered = sorted(r.path.split("/")[-2] for r in replies(feishu))
    assert answered == ["om_g_bot", "om_g_both"]
    assert all(LOST_ANSWER in r.content["text"] for r in replies(feishu))
    assert len(feishu.calls("bot")) == 1          # the bot's open_id asked once, then cached


def test_mention_placeholder_is_removed_before_understanding(make_ctx, feishu):
    configured = {"feishu": {"bot_open_id": "ou_configured"}}
    app = create_app(ctx=_ctx(make_ctx, feishu, channels=configured))
    ev = events_for(app)
    bot = mention("@_user_1", "ou_configured", "就业助手")
    ev.post(text("@_user_1 帮助", chat_type="group", mentions=[bot], message_id="om_help"))
    ev.post(text("@_user_1 帮助", chat_type="group",
                 mentions=[mention("@_user_1", BOT_OPEN_ID, "别的机器人")], message_id="om_x"))
    settle(app)
    [reply] = replies(feishu)
    assert reply.path.endswith("/om_help/reply") and "订阅" in reply.content["text"]
    assert not feishu.calls("bot")               # configured: no need to ask Feishu


def test_event_id_and_message_id_retries_act_once(app, ev, feishu, ctx):
    first = text("三方丢了咋办", event_id="evt_same", message_id="om_same")
    assert ev.post(first).status_code == 200
    assert ev.post(first).status_code == 200                      # same event_id
    resent = text("三方丢了咋办", event_id="evt_other", message_id="om_same")
    assert ev.post(resent).status_code == 200                     # same message, new event
    settle(app)
    assert len(replies(feishu)) == 1
    assert ctx.stores.faq_stats.counts().get("tripartite-lost") == 1


def test_post_rich_text_is_understood(app, ev, feishu):
    content = {"title": "", "content": [
        [{"tag": "at", "user_id": "@_user_1", "user_name": "就业助手"},
         {"tag": "text", "text": "老师，我的"}, {"tag": "text", "text": "三方丢了", "style": ["bold"]}],
        [{"tag": "text", "text": "咋办？"}, {"tag": "img", "image_key": "img_v2_x"}]]}
    ev.post(message_event(VTOKEN, content, message_type="post", message_id="om_post"))
    settle(app)
    [reply] = replies(feishu)
    assert LOST_ANSWER in reply.content["text"]


@pytest.mark.parametrize("kind,content", [
    ("image", {"image_key": "img_v2_abc"}),
    ("file", {"file_key": "file_v2_abc", "file_name": "简历.pdf"}),
    ("sticker", {"file_key": "sticker_abc"}),
    ("audio", {"file_key": "audio_abc", "duration": 2000}),
    ("media", {"file_key": "media_abc", "image_key": "img_abc"}),
    ("share_chat", {"chat_id": "oc_other"}),
])
def test_non_text_messages_get_a_friendly_text(make_ctx, feishu, kind, content):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    events_for(app).post(message_event(VTOKEN, content, message_type=kind))
    settle(app)
    [reply] = replies(feishu)
    assert "只看得懂文字" in reply.content["text"]


def test_messages_from_bots_are_never_answered(app, ev, feishu):
    ev.post(text("三方丢了咋办", sender_type="app"))
    settle(app)
    assert not replies(feishu)


# -- choices as cards -------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def doubtful_provider():
    """Thresholds set so that every on-topic question falls in the band of doubt."""
    provider = KnowledgeProvider(SMALL_KB, MatcherBuilder(fixed=Thresholds(answer=0.999, suggest=0.01)))
    provider.reload()
    return provider


def test_choices_are_buttons_and_pressing_one_answers_like_typing_its_digit(
        make_ctx, feishu, doubtful_provider):
    app = create_app(ctx=_ctx(make_ctx, feishu, provider=doubtful_provider))
    ev = events_for(app)
    ev.post(text("三方", user="ou_chooser", message_id="om_ask"))
    settle(app)
    [card_reply] = replies(feishu)
    assert card_reply.body["msg_type"] == "interactive"
    card = card_reply.content
    assert card["elements"][0]["text"]["content"] == "您是不是想问："
    buttons = [a for e in card["elements"] if e["tag"] == "action" for a in e["actions"]]
    assert [b["value"] for b in buttons] == [{"choice": str(n)} for n in
                                             range(1, len(buttons) + 1)]
    first_label = buttons[0]["text"]["content"].split(". ", 1)[1]

    press = card_event(VTOKEN, "1", user="ou_chooser", message_id="om_card_sent")
    response = ev.post(press)
    assert response.status_code == 200 and "toast" in response.get_json()
    assert ev.post(press).status_code == 200                  # Feishu's retry: acts once
    settle(app)
    assert len(replies(feishu)) == 2
    answer = replies(feishu)[1]
    assert answer.path.endswith("/om_card_sent/reply")
    expected = {"三方协议丢失了怎么办？": LOST_ANSWER, "三方协议怎么签？": "先由用人单位签字盖章"}
    assert expected[first_label] in answer.content["text"]


def test_not_right_after_a_direct_answer_is_a_card_of_the_other_entries(app, ev, feishu):
    """不对 through real Feishu events: the turn of the answer sent through the reply API is
    read, and the other entries come as buttons; pressing one answers it."""
    ev.post(text("三方丢了咋办", user="ou_wrong", message_id="om_w1"))
    settle(app)
    ev.post(text("不对", user="ou_wrong", message_id="om_w2"))
    settle(app)
    first, card_reply = replies(feishu)
    assert LOST_ANSWER in first.content["text"]
    assert card_reply.body["msg_type"] == "interactive"
    card = card_reply.content
    assert card["elements"][0]["text"]["content"].startswith("抱歉，刚才没答到点上")
    labels = [a["text"]["content"] for e in card["elements"] if e["tag"] == "action"
              for a in e["actions"]]
    assert labels == ["1. 三方协议怎么签？"]
    ev.post(card_event(VTOKEN, "1", user="ou_wrong", message_id="om_w_card"))
    settle(app)
    assert replies(feishu)[2].content["text"].startswith("先由用人单位签字盖章")


def test_a_card_feishu_refuses_is_sent_again_as_text(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    feishu.fail_next("reply", BAD_CARD)
    events_for(app).post(text("选调生报名条件是什么"))
    settle(app)
    first, second = replies(feishu)
    assert first.body["msg_type"] == "interactive" and second.body["msg_type"] == "text"
    assert "选调生一般要求" in second.content["text"] and "https://career.example.edu.cn/xd" in \
        second.content["text"]


# -- the API client -----------------------------------------------------------------------------------
@pytest.fixture
def api_ctx(make_ctx, feishu):
    return _ctx(make_ctx, feishu)


def _api(ctx, clock=None) -> FeishuApi:
    return FeishuApi(ctx.config, ctx.stores.tokens, clock or ctx.clock)


TOKEN_NAME = f"feishu:{APP_ID}"


def test_token_is_fetched_once_and_shared_by_every_process(api_ctx, feishu):
    one, two = _api(api_ctx), _api(api_ctx)
    assert one.tenant_token() == two.tenant_token() == "t-1"
    one.send("ou_a", "text", {"text": "你好"})
    two.send("ou_b", "interactive", {"elements": []})
    assert len(feishu.calls("token")) == 1
    assert feishu.calls("token")[0].body == {"app_id": APP_ID, "app_secret": APP_SECRET}
    ttl = api_ctx.stores.client.ttl(api_ctx.stores.keys.token(TOKEN_NAME))
    assert 0 < ttl <= 7200 - 300


def test_send_uses_feishu_body_shape(api_ctx, feishu):
    result = _api(api_ctx).send("ou_student", "interactive", {"elements": [{"tag": "hr"}]})
    assert result["code"] == 0 and result["data"]["message_id"].startswith("om_")
    [sent] = feishu.calls("send")
    assert sent.query == {"receive_id_type": ["open_id"]}
    assert sent.body["receive_id"] == "ou_student" and sent.body["msg_type"] == "interactive"
    assert sent.content == {"elements": [{"tag": "hr"}]}


def test_expired_token_is_refreshed_once_and_the_call_retried(api_ctx, feishu):
    api = _api(api_ctx)
    api.send("ou_a", "text", {"text": "一"})
    feishu.revoke_tokens()
    api.send("ou_a", "text", {"text": "二"})
    sends = feishu.calls("send")
    assert [s.headers["authorization"] for s in sends] == ["Bearer t-1", "Bearer t-1", "Bearer t-2"]
    assert len(feishu.calls("token")) == 2
    assert _api(api_ctx).tenant_token() == "t-2"          # shared with the other processes


def test_token_still_invalid_after_one_refresh_is_an_error_not_a_loop(api_ctx, feishu):
    feishu.fail_next("send", TOKEN_EXPIRED, TOKEN_EXPIRED)
    with pytest.raises(FeishuApiError) as exc:
        _api(api_ctx).send("ou_a", "text", {"text": "x"})
    assert exc.value.code == 99991663 and not exc.value.retryable
    assert len(feishu.calls("send")) == 2 and len(feishu.calls("token")) == 2


def test_rate_limit_backs_off_and_retries_without_sleeping(api_ctx, feishu, clock):
    feishu.fail_next("send", RATE_LIMITED, RATE_LIMITED_200)
    start = clock.monotonic()
    result = _api(api_ctx, clock).send("ou_a", "text", {"text": "x"})
    assert result["code"] == 0 and len(feishu.calls("send")) == 3
    assert clock.monotonic() - start == pytest.approx(0.5 + 1.0)   # FakeClock: no real wait


def test_rate_limit_that_never_lifts_is_a_retryable_error(api_ctx, feishu):
    feishu.fail_next("send", *[RATE_LIMITED] * 4)
    with pytest.raises(FeishuApiError) as exc:
        _api(api_ctx).send("ou_a", "text", {"text": "x"})
    assert exc.value.code == 99991400 and exc.value.retryable


def test_other_errors_are_raised_with_feishu_code_and_msg(api_ctx, feishu):
    feishu.fail_next("reply", (400, {"code": 230002, "msg": "The bot can not be outside the group."}))
    with pytest.raises(FeishuApiError) as exc:
        _api(api_ctx).reply("om_x", "text", {"text": "x"})
    assert (exc.value.code, exc.value.msg) == (230002, "The bot can not be outside the group.")


def test_waiting_process_reads_the_token_the_lock_holder_fetched(api_ctx, feishu, clock):
    """No stampede: while another process holds the refresh lock, we wait and read."""
    tokens = api_ctx.stores.tokens
    assert tokens.try_lock(TOKEN_NAME, "other-process", 10)

    class OtherProcessFinishes(FakeClock):
        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            tokens.put(TOKEN_NAME, "t-from-other-process", 600)

    waiting = OtherProcessFinishes(clock.now())
    assert _api(api_ctx, waiting).tenant_token() == "t-from-other-process"
    assert not feishu.calls("token")


def test_lock_holder_that_never_finishes_gives_a_retryable_error(api_ctx, feishu):
    assert api_ctx.stores.tokens.try_lock(TOKEN_NAME, "stuck", 10)
    with pytest.raises(FeishuApiError) as exc:
        _api(api_ctx).tenant_token()
    assert exc.value.retryable and not feishu.calls("token")


def test_failed_reply_is_logged_and_the_next_message_still_answered(make_ctx, feishu, caplog):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    ev = events_for(app)
    feishu.fail_next("reply", (400, {"code": 230011, "msg": "The message was withdrawn."}))
    ev.post(text("三方丢了咋办"))
    settle(app)
    assert "230011" in caplog.text
    ev.post(text("三方丢了咋办"))
    settle(app)
    assert LOST_ANSWER in replies(feishu)[-1].content["text"]


def test_an_answer_feishu_cannot_take_now_goes_out_later_as_a_message(make_ctx, feishu):
    """Rate-limited past the API's own retries: the student was acknowledged, so the answer
    waits in the outbox instead of being dropped, and the sender delivers it."""
    ctx = _ctx(make_ctx, feishu)
    app = create_app(ctx=ctx)
    ev = events_for(app)
    feishu.fail_next("reply", *[RATE_LIMITED] * 20)
    ev.post(text("三方丢了咋办", user="ou_late"))
    settle(app)
    assert replies(feishu) and not feishu.calls("send")
    feishu.scripted.clear()                                   # Feishu takes calls again
    assert build_sender(ctx).drain() == {"sent": 1}
    [call] = feishu.calls("send")
    assert call.query["receive_id_type"] == ["open_id"] and call.body["receive_id"] == "ou_late"
    assert call.body["msg_type"] == "text" and "三方协议" in call.content["text"]


def test_a_network_failure_on_the_reply_also_hands_the_answer_to_the_outbox(make_ctx):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        closed = s.getsockname()[1]                           # nothing listens there now
    ctx = make_ctx(secrets=ENCRYPTED_SECRETS,
                   api_bases={"FEISHU_API_BASE": f"http://127.0.0.1:{closed}"})
    app = create_app(ctx=ctx)
    events_for(app).post(text("三方丢了咋办", user="ou_offline"))
    settle(app)
    [entry] = ctx.stores.outbox.read("test", 10, None)
    assert entry.notice.kind == "answer" and entry.notice.user_id == "ou_offline"
    assert "三方协议" in entry.notice.summary


# -- bad input ----------------------------------------------------------------------------------------
def _signed(ev: FeishuEvents, body: bytes) -> dict:
    return FeishuEvents(ev.http, VTOKEN, EKEY).headers(body)


BAD_BODIES = {
    "empty": b"",
    "blank": b"   ",
    "not-json": b"hello there",
    "invalid-utf8": b"{\"a\": \"\xff\xfe\"}",
    "json-list": b"[1, 2, 3]",
    "deep": b"[" * 100_000 + b"]" * 100_000,
    "not-schema-2": json.dumps({"uuid": "u1", "token": VTOKEN, "event": {"type": "message"}}).encode(),
    "no-header": json.dumps({"schema": "2.0", "event": {}}).encode(),
    "no-message": json.dumps({"schema": "2.0", "header": {
        "event_id": "e1", "event_type": "im.message.receive_v1", "token": VTOKEN},
        "event": {"sender": {}}}).encode(),
    "content-not-json": json.dumps(message_event(VTOKEN, "{not json")).encode(),
    "bad-encrypt": json.dumps({"encrypt": "bm90LXJlYWxseS1lbmNyeXB0ZWQ="}).encode(),
    "encrypt-not-base64": json.dumps({"encrypt": "%%%%"}).encode(),
    "encrypt-number": json.dumps({"encrypt": 12}).encode(),
}


@pytest.mark.parametrize("name", sorted(BAD_BODIES))
def test_malformed_bodies_get_a_4xx_and_the_next_event_is_served(make_ctx, feishu, name):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    ev = events_for(app)
    body = BAD_BODIES[name]
    response = ev.post_raw(body, _signed(ev, body))
    assert 400 <= response.status_code < 500
    assert b"Traceback" not in response.data and EKEY.encode() not in response.data
    ev.post(text("三方丢了咋办", message_id=f"om_after_{name}"))
    settle(app)
    [reply] = replies(feishu)
    assert reply.path.endswith(f"/om_after_{name}/reply") and LOST_ANSWER in reply.content["text"]


def test_wrong_verification_token_is_refused(app, ev, feishu):
    response = ev.post(message_event("wrong-token", {"text": "三方丢了咋办"}))
    assert response.status_code == 403
    settle(app)
    assert not replies(feishu)


def test_bad_or_missing_signature_is_refused(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    ev = events_for(app)
    body = ev.body(text("三方丢了咋办"))
    assert ev.post_raw(body).status_code == 401                            # missing
    headers = ev.headers(body)
    assert ev.post_raw(body, {**headers, "X-Lark-Signature": "0" * 64}).status_code == 403
    assert ev.post_raw(body + b" ", headers).status_code == 403             # body changed
    partial = {k: v for k, v in headers.items() if k != "X-Lark-Request-Nonce"}
    assert ev.post_raw(body, partial).status_code == 401
    settle(app)
    assert not replies(feishu)
    assert ev.post_raw(body, headers).status_code == 200                   # the real one
    settle(app)
    assert len(replies(feishu)) == 1


def test_encrypted_with_another_key_is_refused(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    other = FeishuEvents(app.test_client(), VTOKEN, "someone-elses-key")
    body = other.body(text("三方丢了咋办"))
    response = other.post_raw(body, _signed(other, body))     # signed with our key
    assert response.status_code == 400


def test_encrypted_event_without_encrypt_key_configured_is_refused(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu, mode="plain"))
    encrypted = FeishuEvents(app.test_client(), VTOKEN, EKEY)
    assert encrypted.post(text("三方丢了咋办")).status_code == 400


def test_oversized_body_gets_413(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    ev = events_for(app)
    body = b'{"encrypt": "' + b"A" * (1024 * 1024 + 10) + b'"}'
    assert ev.post_raw(body, _signed(ev, body)).status_code == 413


def test_unknown_event_types_are_acknowledged_and_ignored(app, ev, feishu):
    payload = text("x")
    payload["header"]["event_type"] = "im.chat.member.bot.added_v1"
    response = ev.post(payload)
    assert response.status_code == 200 and response.get_json() == {}
    settle(app)
    assert not replies(feishu)


# -- long connection ------------------------------------------------------------------------------------
def _ws_channel(ctx):
    from bot.platforms.feishu.webhook import FeishuChannel
    return FeishuChannel(ctx, Dispatcher(ctx), AnswerPool(4))


def test_long_connection_events_take_the_same_path_as_the_webhook(make_ctx, feishu):
    """The SDK dispatcher we register gets what `lark.ws.Client` hands it for an EVENT frame."""
    from bot.platforms.feishu.ws import event_handler

    ctx = _ctx(make_ctx, feishu)
    channel = _ws_channel(ctx)
    handler = event_handler(channel)
    frame = json.dumps(text("三方丢了咋办", message_id="om_ws", event_id="evt_ws")).encode()
    handler.do_without_validation(frame)
    handler.do_without_validation(frame)                     # redelivered: acts once
    assert channel.wait_idle()
    [reply] = replies(feishu)
    assert reply.path.endswith("/om_ws/reply") and LOST_ANSWER in reply.content["text"]

    app = create_app(ctx=ctx)                                 # the same event by webhook
    events_for(app).post(text("三方丢了咋办", message_id="om_ws", event_id="evt_ws"))
    settle(app)
    assert len(replies(feishu)) == 1


def test_long_connection_routes_typed_lark_events_and_card_presses(make_ctx, feishu,
                                                                   doubtful_provider):
    import lark_oapi as lark

    from bot.platforms.feishu.ws import event_handler

    ctx = _ctx(make_ctx, feishu, provider=doubtful_provider)
    channel = _ws_channel(ctx)
    handler = event_handler(channel)       # the SDK parses the frame into its typed event
    frame = json.dumps(text("三方", user="ou_ws", message_id="om_ws_q")).encode()
    handler.do_without_validation(frame)
    assert channel.wait_idle()
    assert replies(feishu)[0].body["msg_type"] == "interactive"

    press = json.dumps(card_event("", "1", user="ou_ws", message_id="om_ws_card")).encode()
    response = handler.do_without_validation(press)
    assert "toast" in lark.JSON.marshal(response)
    assert channel.wait_idle()
    answer = replies(feishu)[1]
    assert answer.path.endswith("/om_ws_card/reply") and "您是不是想问" not in answer.content["text"]


def test_long_connection_client_uses_the_configured_api_base_and_reconnects(make_ctx, feishu):
    from bot.platforms.feishu.ws import build_client, client_options

    ctx = _ctx(make_ctx, feishu)
    options = client_options(ctx)
    assert options["domain"] == feishu.url and options["auto_reconnect"] is True
    assert options["app_id"] == APP_ID
    assert build_client(ctx, _ws_channel(ctx)) is not None     # the SDK accepts them


def test_feishu_connect_without_app_credentials_names_the_variable():
    r = run("feishu-connect")
    assert r.returncode == 2 and "FEISHU_APP_ID" in r.stderr


def _mutations(node, path=()):
    """Every payload with one value swapped for a value of the wrong type."""
    if isinstance(node, dict):
        for key, value in node.items():
            for wrong in (None, 7, "x", [], {}, [1]):
                yield path + (key,), wrong
            yield from _mutations(value, path + (key,))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _mutations(value, path + (i,))


def _mutated(payload, path, value):
    copy = json.loads(json.dumps(payload))
    node = copy
    for part in path[:-1]:
        node = node[part]
    node[path[-1]] = value
    return copy


def test_no_mistyped_field_in_an_event_makes_a_5xx(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu))
    ev = events_for(app)
    post = message_event(VTOKEN, {"title": "t", "content": [[{"tag": "text", "text": "三方"}]]},
                         message_type="post", chat_type="group",
                         mentions=[mention("@_user_1", BOT_OPEN_ID, "就业助手")])
    seeds = [post, card_event(VTOKEN, "1")]
    statuses = set()
    for seed in seeds:
        for path, wrong in _mutations(seed):
            response = ev.post(_mutated(seed, path, wrong))
            assert response.status_code < 500, (path, wrong, response.data)
            statuses.add(response.status_code)
    settle(app)
    assert statuses >= {200, 400}
    ev.post(text("三方丢了咋办", message_id="om_after_fuzz"))
    settle(app)
    assert LOST_ANSWER in replies(feishu)[-1].content["text"]


def test_long_answer_is_cut_and_more_sends_the_rest(make_ctx, feishu):
    app = create_app(ctx=_ctx(make_ctx, feishu, channels={"feishu": {"max_reply_bytes": 2048}}))
    ev = events_for(app)
    ev.post(text("西部计划的完整流程是什么", user="ou_long"))
    settle(app)
    first = replies(feishu)[0].content["text"]
    assert len(first.encode()) <= 2048 and "回复“更多”" in first
    ev.post(text("更多", user="ou_long"))
    settle(app)
    assert replies(feishu)[1].content["text"].startswith("西部计划")


def test_serving_feishu_events_does_not_import_lark_oapi():
    """lark-oapi costs seconds and 100+ MB to import; only the long connection needs it."""
    import subprocess
    import sys
    code = ("import sys; from bot.platforms.feishu.webhook import FeishuChannel; "
            "from bot.platforms.feishu.crypto import EventCipher; "
            "print('lark_oapi' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
