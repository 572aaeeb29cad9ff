"""Privacy: erasure leaves nothing of the student in Redis (every key and every value
scanned), staff can erase on request, the priority flag and mentor never reach the student,
and the logs carry no names or 学号."""
from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.app import create_app
from bot.push.planner import Planner
from bot.records import Notice, StudentKey
from bot.runtime import build_sender, run_pass

from .support.builders import (BOTH_SECRETS, STAFF_GROUP, ZHANG, add_fair, add_jobs, add_roster,
                               at, shanghai)
from .support.clients import feishu_events, feishu_text, settle, wechat_client
from .support.tester import BotTester

ADMIN = {"Authorization": "Bearer admin-secret"}
WX, FS = StudentKey("wechat", "oZhang"), StudentKey("feishu", "ou_zhang")
TRACES = ("oZhang", "ou_zhang", "2022010001", "张三")


def everything(client, namespace: str) -> dict[str, str]:
    """Every key of the namespace with all its content as one text, whatever its type."""
    out = {}
    for key in client.scan_iter(f"{namespace}:*", count=1000):
        kind = client.type(key)
        if kind == "string":
            value = client.get(key)
        elif kind == "hash":
            value = repr(client.hgetall(key))
        elif kind == "set":
            value = repr(client.smembers(key))
        elif kind == "list":
            value = repr(client.lrange(key, 0, -1))
        elif kind == "zset":
            value = repr(client.zrange(key, 0, -1))
        elif kind == "stream":
            value = repr(client.xrange(key))
        else:
            value = ""
        out[key] = value or ""
    return out


def traces(client, namespace: str) -> list[str]:
    return [f"{key}: {value[:120]}" for key, value in everything(client, namespace).items()
            if any(t in key or t in value for t in TRACES)]


@pytest.fixture
def pctx(make_ctx, fake_wechat, feishu, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))
    ctx = make_ctx(secrets={**BOTH_SECRETS, "ADMIN_TOKEN": "admin-secret"},
                   handoff={"feishu_chat_id": STAFF_GROUP},
                   api_bases={"WECHAT_API_BASE": fake_wechat.url, "FEISHU_API_BASE": feishu.url})
    add_roster(ctx, ZHANG, {**ZHANG, "学号": "2022010009", "姓名": "李四", "重点帮扶": "否"})
    return ctx


def leave_traces_everywhere(ctx, app, fake_wechat, feishu, clock):
    """A student who used everything: bound twice, subscribed, filled in, reminded, asked
    for a person, got a digest, and has another one and a staff reply waiting."""
    wx = wechat_client(app, "aes")
    ev = feishu_events(app, "encrypted")
    ask = lambda text: wx.ask(text, user=WX.user_id)            # noqa: E731
    ask("绑定 2022010001 张三")
    ev.post(feishu_text("绑定 2022010001 张三", user=FS.user_id))
    ev.post(feishu_text("订阅 Java", user=FS.user_id))
    settle(app)
    for text in ("意向", "3", "1", "Java 后端", "退出"):
        ask(text)
    add_fair(ctx, "fair-1", clock.now() + timedelta(days=2))
    ask("招聘会")
    ask("提醒 1")
    ask("我是张三2022010001宿舍空调坏了找谁")                   # declined: in the unanswered log
    ask("人工 我叫张三，学号2022010001，档案怎么转")
    add_jobs(ctx, {"id": "j1", "title": "Java开发", "city": "杭州", "industry": "互联网"})
    at(clock, shanghai(2026, 11, 24, 9, 0))
    run_pass(ctx, clock.now())                                   # a digest sent, states kept
    add_jobs(ctx, {"id": "j2", "title": "Java架构", "city": "上海", "industry": "互联网"})
    ctx.stores.outbox.enqueue(Notice(id=f"digest:{WX.encode()}:queued", channel="wechat",
                                     user_id=WX.user_id, kind="digest", title="Java架构",
                                     summary="s"))              # one still in the outbox
    Planner(ctx.stores, ctx.settings.push).match_new_jobs()     # and one waiting for tomorrow
    fake_wechat.answer(WX.user_id, 45015)
    app.test_client().post("/admin/tickets/1/reply", headers=ADMIN, json={"text": "好的"})
    found = traces(ctx.stores.client, ctx.stores.keys.ns)       # something to erase, everywhere
    assert any("unanswered" in t for t in found) and any("dedup" in t for t in found)
    return ask


def test_erasure_by_the_student_leaves_no_key_or_value_of_them(pctx, fake_wechat, feishu, clock):
    app = create_app(ctx=pctx)
    ask = leave_traces_everywhere(pctx, app, fake_wechat, feishu, clock)
    assert "确认请回复“确认删除”" in ask("删除我的信息")
    assert traces(pctx.stores.client, pctx.stores.keys.ns)        # nothing gone before a yes
    assert ask("确认删除").startswith("已删除您的全部个人信息")
    assert traces(pctx.stores.client, pctx.stores.keys.ns) == []
    li = pctx.stores.roster.get("2022010009")                       # others are untouched
    assert li is not None and li.name == "李四"
    assert pctx.stores.jobs.get("j1") is not None
    build_sender(pctx).drain()
    assert all("Java架构" not in c["body"].get("text", {}).get("content", "")
               for c in fake_wechat.sent_to(WX.user_id))              # the queued digest went too
    assert "还没有订阅" in ask("我的订阅")


def test_staff_can_erase_a_student_on_request(pctx, fake_wechat, feishu, clock):
    app = create_app(ctx=pctx)
    leave_traces_everywhere(pctx, app, fake_wechat, feishu, clock)
    http = app.test_client()
    assert http.delete("/admin/students/2022010001").status_code == 401
    r = http.delete("/admin/students/2022010001", headers=ADMIN)
    assert r.status_code == 200 and r.json["chats"] == 2 and r.json["tickets"] == 1
    assert traces(pctx.stores.client, pctx.stores.keys.ns) == []
    assert http.delete("/admin/students/2022010001", headers=ADMIN).status_code == 404
    assert http.get("/admin/students/2022010009", headers=ADMIN).json["record"]["priority"] is False


def test_the_priority_flag_and_mentor_never_reach_the_student(pctx):
    wx = BotTester(pctx, user=WX.user_id)
    said = [wx.send(t) for t in ("绑定 2022010001 张三", "我的信息", "推荐", "人工", "意向")]
    for text in said:
        assert "重点" not in text and "王老师" not in text and "帮扶" not in text


def test_logs_carry_no_names_or_student_numbers(pctx, fake_wechat, feishu, clock, caplog):
    caplog.set_level(logging.DEBUG)
    app = create_app(ctx=pctx)
    ask = leave_traces_everywhere(pctx, app, fake_wechat, feishu, clock)
    ask("绑定 2022010009 李五")
    ask("删除我的信息")
    ask("确认删除")
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "bound" in logged and "erased a student" in logged      # the events are logged …
    for secret in ("张三", "李四", "李五", "2022010001", "2022010009"):
        assert secret not in logged                                # … without who
