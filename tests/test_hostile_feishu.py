"""Hostile Feishu events and staff-API bodies: replays, ids that are paths, lone
surrogates, JSON nested past what Python parses. Real encrypted and signed events
through the real app, answered (or not) through the local Feishu open API.
"""
from __future__ import annotations

import json

import pytest

from bot.app import create_app
from bot.platforms.feishu.api import FeishuApi, FeishuApiError

from .support.builders import (FEISHU_ENCRYPTED_SECRETS, FEISHU_PLAIN_SECRETS, LOST_ANSWER,
                               WECHAT_SECRETS)
from .support.clients import card_event, feishu_events, feishu_text, message_event, settle
from .support.builders import VTOKEN


def feishu_app(make_ctx, feishu, mode: str = "encrypted"):
    secrets = FEISHU_ENCRYPTED_SECRETS if mode == "encrypted" else FEISHU_PLAIN_SECRETS
    app = create_app(ctx=make_ctx(secrets=secrets, api_bases={"FEISHU_API_BASE": feishu.url}))
    return app, feishu_events(app, mode)


def test_signed_events_sent_long_ago_are_refused(make_ctx, feishu, clock):
    app, ev = feishu_app(make_ctx, feishu)
    now = int(clock.now().timestamp())
    for when in (now - 86400, now - 365 * 86400, now + 3600):
        ev.timestamp = str(when)
        assert ev.post(feishu_text("订阅 Java", user="ou_replayed")).status_code == 403
    ev.timestamp = None
    assert ev.post(feishu_text("三方丢了咋办", user="ou_fresh")).status_code == 200
    settle(app)
    assert [r.path for r in feishu.calls("reply")] and all(
        "ou_replayed" not in json.dumps(r.body) for r in feishu.calls("reply"))
    assert len(feishu.calls("reply")) == 1


def test_unsigned_events_are_aged_by_their_create_time(make_ctx, feishu, clock):
    app, ev = feishu_app(make_ctx, feishu, "plain")
    old = feishu_text("订阅 Java", user="ou_old")
    old["header"]["create_time"] = str(int((clock.now().timestamp() - 86400) * 1000))
    assert ev.post(old).status_code == 403
    assert ev.post(feishu_text("三方丢了咋办", user="ou_new")).status_code == 200
    settle(app)
    assert len(feishu.calls("reply")) == 1


@pytest.mark.parametrize("bad_id", [
    "om_b/../../chats/oc_victim/members?member_id_type=open_id&x=",
    "om_x/reply?", "om_%2e%2e", "om x", "om_" + "a" * 200])
def test_an_id_that_is_not_a_feishu_id_never_reaches_a_url(make_ctx, feishu, bad_id):
    app, ev = feishu_app(make_ctx, feishu)
    assert 400 <= ev.post(feishu_text("三方丢了咋办", message_id=bad_id)).status_code < 500
    assert 400 <= ev.post(card_event(VTOKEN, "1", message_id=bad_id)).status_code < 500
    settle(app)
    assert [r.path for r in feishu.received if r.path != "/open-apis/auth/v3/tenant_access_token/internal"] == []


def test_the_api_client_itself_refuses_a_path_for_a_message_id(make_ctx, feishu):
    ctx = make_ctx(secrets=FEISHU_PLAIN_SECRETS, api_bases={"FEISHU_API_BASE": feishu.url})
    api = FeishuApi(ctx.config, ctx.stores.tokens, ctx.clock)
    with pytest.raises(FeishuApiError):
        api.reply("om_b/../../chats/oc_victim/members", "text", {"text": "x"})
    assert feishu.calls("other") == []


def test_a_lone_surrogate_is_dropped_and_the_question_answered(make_ctx, feishu):
    app, ev = feishu_app(make_ctx, feishu)
    content = json.dumps({"text": "三方丢了咋办\ud800"})          # "\ud800", as JSON escapes it
    assert ev.post(message_event(VTOKEN, content, message_id="om_surrogate")).status_code == 200
    settle(app)
    [reply] = feishu.calls("reply")
    assert LOST_ANSWER in reply.content["text"]


@pytest.mark.parametrize("depth", [100_000, 5_000, 900])
def test_json_nested_deep_to_the_staff_api_is_a_4xx(make_ctx, depth):
    app = create_app(ctx=make_ctx(secrets={**WECHAT_SECRETS, "ADMIN_TOKEN": "admin-secret"}))
    body = "[" * depth + "]" * depth
    for path in ("/admin/jobs", "/admin/fairs"):
        response = app.test_client().post(path, data=body, content_type="application/json",
                                          headers={"Authorization": "Bearer admin-secret"})
        assert 400 <= response.status_code < 500, (depth, response.status_code)
    nested = {"id": "deep", "title": "x", "company": "x", "city": "北京", "url": "https://x.cn/1",
              "tags": json.loads("[" * 200 + "]" * 200)}
    response = app.test_client().post("/admin/jobs", json=nested,
                                      headers={"Authorization": "Bearer admin-secret"})
    assert response.status_code < 500


def test_a_retry_signed_afresh_acts_once_and_an_hours_late_one_is_refused(make_ctx, feishu, clock):
    """Feishu signs every retry anew; its event keeps its create_time."""
    app, ev = feishu_app(make_ctx, feishu)
    event = feishu_text("订阅 Java", user="ou_retried", message_id="om_retried")
    event["header"]["create_time"] = str(int(clock.now().timestamp() * 1000))
    assert ev.post(event).status_code == 200
    settle(app)
    clock.advance(300)                                   # the retry after 5 minutes
    assert ev.post(event).status_code == 200
    clock.advance(3600)                                  # and the one after an hour
    assert ev.post(event).status_code == 403
    settle(app)
    assert len(feishu.calls("reply")) == 1
