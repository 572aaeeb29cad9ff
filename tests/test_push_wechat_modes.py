"""WeChat pushes as WeChat shows them since 2023: template messages with the shipped field
mapping, subscribe messages (订阅通知) and their error codes, text when a kind has no
template; all through the real planner and sender against the local WeChat API."""
from __future__ import annotations

import pytest

from bot.push.planner import Planner
from bot.records import Notice, StudentKey
from bot.runtime import build_sender

from .support.builders import add_fair, add_jobs, at, notice, shanghai
from .support.tester import BotTester
from .support.wechat_rules import HIDDEN_SINCE_2023, broken_fields

IDS = {"digest": {"id": "TPL-DIGEST"}, "reminder": {"id": "TPL-FAIR"}, "broadcast": {"id": "TPL-NOTE"}}


def three_new_jobs_for(ctx, clock, user="oT"):
    """A 09:00 digest of three jobs for `user`, planned by the real planner."""
    at(clock, shanghai(2026, 11, 23, 8, 0))
    BotTester(ctx, user=user).send("订阅 Java")
    add_jobs(ctx, *({"title": f"Java开发工程师（{city}研发中心，2027届校园招聘）", "city": city}
                    for city in ("北京", "上海", "深圳")))
    at(clock, shanghai(2026, 11, 23, 9, 0))
    result = Planner(ctx.stores, ctx.settings.push).plan(clock.now())
    assert len(result.digests) == 1
    return result.digests[0]


def test_the_shipped_mapping_makes_a_valid_template_digest_with_count_and_link(push_ctx, fake_wechat,
                                                                             clock):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": IDS}})
    digest = three_new_jobs_for(ctx, clock)
    assert build_sender(ctx).drain() == {"sent": 1}
    [call] = fake_wechat.sent_to("oT")                  # one message for the three jobs
    body = call["body"]
    assert call["path"] == "/cgi-bin/message/template/send" and body["template_id"] == "TPL-DIGEST"
    assert broken_fields(body["data"]) == []            # every field within WeChat's rules
    assert not set(HIDDEN_SINCE_2023) & set(body["data"]) and "color" not in str(body)
    values = {k: v["value"] for k, v in body["data"].items()}
    assert values["number2"] == "3" and values["thing3"] == "Java"
    assert values["thing1"].startswith("Java开发工程师") and values["thing1"].endswith("…")
    assert values["time4"] == "2026年11月23日 09:00"
    assert body["url"] == digest.url and body["url"].startswith("https://jobs.example.cn/")


def test_a_digest_links_to_the_page_listing_all_its_jobs_when_configured(push_ctx, fake_wechat, clock):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": IDS},
                         "digest_url": "https://bot.example.edu.cn/jobs"})
    digest = three_new_jobs_for(ctx, clock)
    assert digest.url == "https://bot.example.edu.cn/jobs?ids=" + ",".join(digest.job_ids)
    build_sender(ctx).drain()
    assert fake_wechat.sent_to("oT")[0]["body"]["url"] == digest.url


def test_a_fair_reminder_as_a_template_names_the_fair_time_and_place(push_ctx, fake_wechat, clock):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": IDS}})
    at(clock, shanghai(2026, 11, 23, 8, 0))
    add_fair(ctx, "f1", shanghai(2026, 11, 24, 9, 30), title="2027届秋季大型双选会（综合类暨理工类专场）",
             location="学生活动中心一楼大厅")
    wx = BotTester(ctx, user="oF")
    wx.send("招聘会")
    wx.send("提醒 1")
    at(clock, shanghai(2026, 11, 23, 9, 30))
    assert len(Planner(ctx.stores, ctx.settings.push).reminders(clock.now())) == 1
    assert build_sender(ctx).drain() == {"sent": 1}
    body = fake_wechat.sent_to("oF")[0]["body"]
    assert body["template_id"] == "TPL-FAIR" and broken_fields(body["data"]) == []
    assert {k: v["value"] for k, v in body["data"].items()} == {
        "thing1": "2027届秋季大型双选会（综合类暨理工…", "time2": "2026年11月24日 09:30",
        "thing3": "学生活动中心一楼大厅"}
    assert body["url"] == "https://fairs.example.cn/f1"


def test_a_kind_without_a_template_id_goes_as_text(push_ctx, fake_wechat):
    ctx = push_ctx(push={"wechat": {"mode": "template", "template": {"reminder": {"id": "TPL-FAIR"}}}})
    ctx.stores.outbox.enqueue(notice("oX"))
    assert build_sender(ctx).drain() == {"sent": 1}
    assert fake_wechat.sent_to("oX")[0]["path"] == "/cgi-bin/message/custom/send"


def test_subscribe_messages_go_to_bizsend_for_subscribed_students(push_ctx, fake_wechat, clock):
    ctx = push_ctx(push={"wechat": {"mode": "subscribe", "subscribe": IDS}})
    fake_wechat.subscribe("oT", "TPL-DIGEST")
    digest = three_new_jobs_for(ctx, clock)
    assert build_sender(ctx).drain() == {"sent": 1}
    [call] = fake_wechat.sent_to("oT")
    body = call["body"]
    assert call["path"] == "/cgi-bin/message/subscribe/bizsend"
    assert body["template_id"] == "TPL-DIGEST" and body["page"] == digest.url
    assert body["data"]["number2"] == {"value": "3"} and broken_fields(body["data"]) == []


def test_a_student_without_a_subscription_loses_that_notice_but_not_the_others(push_ctx, fake_wechat):
    ctx = push_ctx(push={"wechat": {"mode": "subscribe", "subscribe": IDS}})
    fake_wechat.subscribe("oOnce", "TPL-DIGEST", times=1)       # a one-time subscription
    for nid in ("n1", "n2"):
        ctx.stores.outbox.enqueue(notice("oOnce", nid))
    assert build_sender(ctx).drain() == {"sent": 1, "failed:not_subscribed": 1}
    assert len(fake_wechat.sent_to("oOnce")) == 1
    assert not ctx.stores.prefs.get(StudentKey("wechat", "oOnce")).unfollowed
    ctx.stores.outbox.enqueue(Notice.late_answer(StudentKey("wechat", "oOnce"), "m1", "迟到的回答"))
    assert build_sender(ctx).drain() == {"sent": 1}      # answers still go as text


@pytest.mark.parametrize("code, outcome", [(47003, "failed:47003"), (40037, "failed:40037"),
                                           (45009, "retry:45009")])
def test_subscribe_errors_are_recorded_with_their_code(push_ctx, fake_wechat, code, outcome):
    ctx = push_ctx(push={"wechat": {"mode": "subscribe", "subscribe": IDS}})
    fake_wechat.answer("oE", code)
    ctx.stores.outbox.enqueue(notice("oE"))
    assert build_sender(ctx).drain() == {outcome: 1}


def test_the_fake_refuses_what_wechat_refuses(push_ctx, fake_wechat):
    """The oracle itself: a field over 20 characters or an emoji is refused with 47003."""
    ctx = push_ctx()
    from bot.platforms.wechat.api import WeChatApi, WeChatApiError
    api = WeChatApi(ctx.config, ctx.stores.tokens, ctx.clock)
    fake_wechat.subscribe("oO", "T")
    for data in ({"thing1": {"value": "一" * 21}}, {"thing1": {"value": "好👍"}},
                 {"number2": {"value": "三"}}, {"time3": {"value": "2026-11-23 09:00"}}):
        with pytest.raises(WeChatApiError) as err:
            api.send_subscribe("oO", "T", data)
        assert err.value.errcode == 47003
    api.send_subscribe("oO", "T", {"thing1": {"value": "一" * 20}, "time3": {"value": "2026年11月23日 09:00"}})
    with pytest.raises(WeChatApiError) as err:
        api.send_subscribe("oNobody", "T", {"thing1": {"value": "x"}})
    assert err.value.errcode == 43101


def test_the_digest_page_lists_each_job_with_its_deadline_and_link(ctx):
    from bot.app import create_app
    add_jobs(ctx, {"title": "Java开发工程师", "city": "北京", "deadline": "2026-12-31"},
             {"title": "测试<script>", "city": "上海", "deadline": "2026-11-01"})
    web = create_app(ctx=ctx).test_client()
    page = web.get("/jobs?ids=job-0,job-1,gone").get_data(as_text=True)
    assert "为您找到 2 个岗位" in page and '<a href="https://jobs.example.cn/0">Java开发工程师</a>' in page
    assert "截止 12月31日（周四）" in page and "已截止" in page
    assert "<script>" not in page and "测试&lt;script&gt;" in page
    assert "岗位已下线" in web.get("/jobs?ids=gone").get_data(as_text=True)
