"""人工: a ticket, the staff group's card (a real send to the local Feishu API with
receive_id_type=chat_id), and staff replies reaching the student from the admin API, the
card's thread and the card's own reply box, inside and outside WeChat's 48-hour window."""
from __future__ import annotations

import pytest

from bot.app import create_app
from bot.records import StudentKey
from bot.runtime import build_sender

from .support.builders import (BOTH_SECRETS, STAFF_GROUP, VTOKEN, ZHANG, add_roster, at,
                               shanghai)
from .support.clients import (card_event, feishu_events, feishu_text, mention, settle, text_xml,
                              wechat_client)
from .support.fakes import BAD_CARD, BOT_OPEN_ID

ADMIN = {"Authorization": "Bearer admin-secret"}
WX = StudentKey("wechat", "oZhang")


@pytest.fixture
def hctx(make_ctx, fake_wechat, feishu, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))                  # a Monday morning: office open
    ctx = make_ctx(secrets={**BOTH_SECRETS, "ADMIN_TOKEN": "admin-secret"},
                   handoff={"feishu_chat_id": STAFF_GROUP},
                   api_bases={"WECHAT_API_BASE": fake_wechat.url, "FEISHU_API_BASE": feishu.url})
    add_roster(ctx, ZHANG)
    return ctx


@pytest.fixture
def app(hctx):
    return create_app(ctx=hctx)


@pytest.fixture
def wx(app):
    return wechat_client(app, "aes")


def ask(wx, text: str) -> str:
    return wx.ask(text, user=WX.user_id)


def staff_card(ctx, feishu):
    """Send what is queued and return the one card the staff group got."""
    build_sender(ctx).drain()
    [call] = [c for c in feishu.calls("send") if c.body["receive_id"] == STAFF_GROUP]
    return call


def test_handoff_reaches_the_staff_group_with_question_profile_turns_and_mentor(
        hctx, wx, feishu):
    ask(wx, "绑定 2022010001 张三")
    ask(wx, "我被公司鸽了违约金怎么算")
    told = ask(wx, "人工")
    assert "已为您转给老师（工单 #1）" in told and "尽快" in told
    call = staff_card(hctx, feishu)
    assert call.query["receive_id_type"] == ["chat_id"]
    card = call.content
    assert "#1" in card["header"]["title"]["content"] and "重点帮扶" in card["header"]["title"]["content"]
    body = card["elements"][0]["text"]["content"]
    assert "问题：我被公司鸽了违约金怎么算" in body
    assert "张三（2022010001）" in body and "计算机学院" in body and "意向城市/地区：上海、杭州" in body
    assert "帮扶导师：王老师" in body
    assert "学生：我被公司鸽了违约金怎么算" in body                     # the last turns
    assert "绑定" not in body                                          # never the 学号 message
    form = card["elements"][1]
    assert form["tag"] == "form" and form["elements"][0]["name"] == "reply"
    assert hctx.stores.tickets.get(1).card_message_id == call_message_id(feishu, call)
    assert "已经转给老师" in ask(wx, "人工")                              # one ticket at a time


def call_message_id(feishu, call) -> str:
    sends = feishu.calls("send")
    return f"om_sent_{sends.index(call) + 1}"


def test_outside_office_hours_the_student_is_told_when_to_expect_an_answer(
        hctx, wx, feishu, clock):
    at(clock, shanghai(2026, 11, 28, 23, 30))                   # Saturday night
    told = ask(wx, "人工 三方协议怎么解约")
    assert "下班时间" in told and "周一 8:30" in told
    card = staff_card(hctx, feishu).content                      # still at once, at any hour
    assert "问题：三方协议怎么解约" in card["elements"][0]["text"]["content"]


def test_staff_reply_through_the_api_inside_and_outside_the_48_hour_window(
        hctx, app, wx, fake_wechat):
    ask(wx, "人工 档案寄到哪里")
    http = app.test_client()
    r = http.post("/admin/tickets/1/reply", headers=ADMIN,
                  json={"text": "寄到生源地人才中心。", "staff": "王老师"})
    assert r.status_code == 200 and r.json["state"] == "sent"
    [sent] = fake_wechat.sent_to(WX.user_id)
    assert sent["path"] == "/cgi-bin/message/custom/send"
    assert "老师回复了您的问题" in sent["body"]["text"]["content"]
    assert "寄到生源地人才中心。" in sent["body"]["text"]["content"]
    [listed] = http.get("/admin/tickets?status=answered", headers=ADMIN).json["tickets"]
    assert listed["answered_by"] == "王老师" and listed["status"] == "answered"

    fake_wechat.answer(WX.user_id, 45015)                       # 48 hours without a message
    r = http.post("/admin/tickets/1/reply", headers=ADMIN,
                  json={"text": "另外记得带报到证。", "staff": "李老师"})
    assert r.json["state"] == "held" and "48 小时" in r.json["message"]
    assert len(fake_wechat.sent_to(WX.user_id)) == 1
    later = ask(wx, "谢谢")
    assert later.startswith("老师回复了您的问题：\n另外记得带报到证。")
    assert hctx.stores.tickets.get(1).replies[-1]["delivery"] == "delivered"
    assert "另外记得带报到证" not in ask(wx, "谢谢")                     # given once
    r = http.post("/admin/tickets/1/close", headers=ADMIN, json={"staff": "李老师"})
    assert r.json["status"] == "closed"
    assert http.get("/admin/tickets", headers=ADMIN).json["tickets"] == []
    assert http.post("/admin/tickets/9/reply", headers=ADMIN, json={"text": "x"}).status_code == 404
    assert http.get("/admin/tickets").status_code == 401


def test_staff_reply_in_the_cards_thread_or_its_reply_box(hctx, app, wx, feishu, fake_wechat):
    ask(wx, "人工 能不能延期报到")
    card = staff_card(hctx, feishu)
    card_id = call_message_id(feishu, card)
    ev = feishu_events(app, "encrypted")
    chatter = feishu_text("@_user_1 大家好", user="ou_teacher", chat_type="group",
                          chat_id=STAFF_GROUP, mentions=[mention("@_user_1", BOT_OPEN_ID, "就业助手")])
    assert ev.post(chatter).status_code == 200
    in_thread = feishu_text("@_user_1 可以，找辅导员开证明。", user="ou_teacher", chat_type="group",
                            chat_id=STAFF_GROUP, root_id=card_id,
                            mentions=[mention("@_user_1", BOT_OPEN_ID, "就业助手")])
    assert ev.post(in_thread).status_code == 200
    settle(app)
    [to_student] = fake_wechat.sent_to(WX.user_id)
    assert "可以，找辅导员开证明。" in to_student["body"]["text"]["content"]
    told = [c.content["text"] for c in feishu.calls("reply")]
    assert told == ["工单 #1：已发送给学生。"]                              # staff chatter: no answer
    ticket = hctx.stores.tickets.get(1)
    assert ticket.answered_by == "飞书用户 ou_teacher" and ticket.status == "answered"

    press = card_event(VTOKEN, "", user="ou_teacher2", message_id=card_id,
                       value={"ticket": "1", "op": "reply"}, form_value={"reply": "证明模板在就业网。"})
    response = ev.post(press)
    assert "toast" in response.json
    settle(app)
    assert "证明模板在就业网。" in fake_wechat.sent_to(WX.user_id)[-1]["body"]["text"]["content"]
    assert feishu.calls("reply")[-1].content["text"] == "工单 #1：已发送给学生。\n回复内容：证明模板在就业网。"
    ev.post(card_event(VTOKEN, "", user="ou_x", message_id="om_other_card",
                       value={"ticket": "1", "op": "close"}))      # not this ticket's card
    settle(app)
    assert hctx.stores.tickets.get(1).status == "answered"
    ev.post(card_event(VTOKEN, "", user="ou_teacher2", message_id=card_id,
                       value={"ticket": "1", "op": "close"}))
    settle(app)
    assert hctx.stores.tickets.get(1).status == "closed"
    assert feishu.calls("reply")[-1].content["text"] == "工单 #1 已关闭。"
    assert [r["by"] for r in hctx.stores.tickets.get(1).replies] == ["飞书用户 ou_teacher",
                                                                     "飞书用户 ou_teacher2"]


def test_two_declines_in_a_row_offer_a_person(hctx, wx):
    first = ask(wx, "食堂几点开门")
    assert "回复“人工”" not in first
    assert "回复“人工”" in ask(wx, "宿舍空调坏了找谁")
    assert "回复“人工”" in ask(wx, "校园卡怎么充值")
    ask(wx, "三方协议丢了怎么办")                                     # an answer starts again
    assert "回复“人工”" not in ask(wx, "食堂几点开门")


def test_wechat_can_also_hand_the_chat_to_its_customer_service_tool(
        make_ctx, fake_wechat, feishu, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))
    ctx = make_ctx(secrets=BOTH_SECRETS, api_bases={"WECHAT_API_BASE": fake_wechat.url,
                                                    "FEISHU_API_BASE": feishu.url},
                   handoff={"feishu_chat_id": STAFF_GROUP, "wechat_transfer": True})
    wx = wechat_client(create_app(ctx=ctx), "aes")
    response = wx.post(text_xml("找老师", WX.user_id))
    assert wx.reply(response)["MsgType"] == "transfer_customer_service"
    build_sender(ctx).drain()
    [said] = fake_wechat.sent_to(WX.user_id)
    assert "已为您转给老师" in said["body"]["text"]["content"]


def test_staff_close_a_ticket_by_replying_close_in_its_thread(hctx, app, wx, feishu, fake_wechat):
    ask(wx, "人工 实习证明怎么开")
    card_id = call_message_id(feishu, staff_card(hctx, feishu))
    ev = feishu_events(app, "encrypted")
    ev.post(feishu_text("@_user_1 关闭", user="ou_teacher", chat_type="group", chat_id=STAFF_GROUP,
                        root_id=card_id, mentions=[mention("@_user_1", BOT_OPEN_ID, "就业助手")]))
    settle(app)
    assert hctx.stores.tickets.get(1).status == "closed"
    assert fake_wechat.sent_to(WX.user_id) == []                  # nothing sent to the student


def test_a_staff_card_feishu_refuses_goes_as_text_and_its_thread_still_works(
        hctx, app, wx, feishu, fake_wechat):
    ask(wx, "人工 报到证丢了")
    feishu.fail_next("send", BAD_CARD)
    build_sender(hctx).drain()
    card, text = [c for c in feishu.calls("send") if c.body["receive_id"] == STAFF_GROUP]
    assert card.body["msg_type"] == "interactive" and text.body["msg_type"] == "text"
    assert "问题：报到证丢了" in text.content["text"]
    text_id = f"om_sent_{1}"                      # the refused card got no id; the text is 1st
    assert hctx.stores.tickets.get(1).card_message_id == text_id
    ev = feishu_events(app, "encrypted")
    ev.post(feishu_text("@_user_1 去档案馆补办", user="ou_teacher", chat_type="group",
                        chat_id=STAFF_GROUP, root_id=text_id,
                        mentions=[mention("@_user_1", BOT_OPEN_ID, "就业助手")]))
    settle(app)
    assert "去档案馆补办" in fake_wechat.sent_to(WX.user_id)[-1]["body"]["text"]["content"]
