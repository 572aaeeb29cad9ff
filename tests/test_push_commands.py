"""Every student command, through the in-process tester (the dispatcher the channels use);
following and unfollowing through real signed WeChat requests."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.app import create_app
from bot.records import StudentKey

from .support.builders import add_fair, add_jobs
from .support.clients import event_xml, wechat_client as client_for
from .support.tester import BotTester


@pytest.fixture
def ctx(make_ctx):
    return make_ctx()


@pytest.fixture
def wx(ctx):
    return BotTester(ctx)


def test_subscribe_confirms_what_was_understood_in_any_width_or_spacing(wx, ctx):
    assert wx.ask("订阅 Java 北京").startswith("已订阅：Java + 北京")
    assert "已订阅：Python + 上海" in wx.ask("訂閱Ｐｙｔｈｏｎ，上海", user="o2")
    assert "已订阅：Java + 北京" in wx.ask("订阅java北京", user="o3").replace("java", "Java")
    region = wx.ask("订阅 前端 长三角", user="o4")
    assert "已订阅：前端 + 长三角" in region and "杭州" in region
    subs = ctx.stores.subscriptions.list(StudentKey("wechat", "oStudent1"))
    assert [s.terms for s in subs] == [frozenset({"java", "北京"})]


def test_subscribe_without_words_or_twice_or_past_the_cap(wx, make_ctx):
    assert "请在“订阅”后面写上关键词" in wx.ask("订阅")
    wx.ask("订阅 Java 北京")
    assert "已经订阅过" in wx.ask("订阅 北京市 java")
    capped = BotTester(make_ctx(push={"max_subscriptions_per_student": 2}))
    capped.ask("订阅 Java", user="oCap")
    capped.ask("订阅 Python", user="oCap")
    reply = capped.ask("订阅 Go", user="oCap")
    assert "达到上限（2 个）" in reply and "退订" in reply


def test_a_question_about_subscription_goes_to_the_faq_not_the_command(wx, ctx):
    wx.ask("订阅号怎么关注")
    assert ctx.stores.subscriptions.list(StudentKey("wechat", "oStudent1")) == []


def test_my_subscriptions_numbered_and_unsubscribe_by_number_word_or_all(wx, ctx):
    assert "还没有订阅" in wx.ask("我的订阅")
    wx.ask("订阅 Java 北京")
    wx.ask("订阅 Python 上海")
    wx.ask("订阅 算法 深圳")
    listing = wx.ask("我的订阅")
    assert "1. Java + 北京" in listing and "2. Python + 上海" in listing and "3. 算法 + 深圳" in listing
    assert "每天 9:00" in listing
    assert "已退订：Python + 上海" in wx.ask("退订 2")
    assert "已退订：算法 + 深圳" in wx.ask("退订 算法")
    assert "没有第 5 个订阅" in wx.ask("退订 5")
    assert "已退订全部 1 个订阅" in wx.ask("退订 全部")
    assert ctx.stores.subscriptions.list(StudentKey("wechat", "oStudent1")) == []


def test_commands_led_in_politely_are_still_commands(wx, ctx):
    me = StudentKey("wechat", "oStudent1")
    assert wx.ask("麻烦帮我订阅一下 Java 北京").startswith("已订阅：Java + 北京")
    assert "已订阅：python" in wx.ask("我想订阅python吧")
    assert "请告诉我退订哪一个" in wx.ask("我要退订")
    assert "已退订：python" in wx.ask("帮我退订第2个")
    assert [s.terms for s in ctx.stores.subscriptions.list(me)] == [frozenset({"java", "北京"})]
    assert "已退订全部 1 个订阅" in wx.ask("请帮我退订全部")


def test_a_particle_after_a_command_is_not_its_argument(wx, ctx):
    wx.ask("订阅 百度贴吧")
    assert "请告诉我退订哪一个" in wx.ask("取消订阅吧")
    assert [s.label for s in ctx.stores.subscriptions.list(StudentKey("wechat", "oStudent1"))] == ["百度贴吧"]


def test_td_as_every_sms_says_it_asks_which_to_unsubscribe(wx, ctx):
    wx.ask("订阅 Java")
    for text in ("TD", "td", "unsubscribe"):
        assert "请告诉我退订哪一个" in wx.ask(text) and "1. Java" in wx.ask(text), text
    assert len(ctx.stores.subscriptions.list(StudentKey("wechat", "oStudent1"))) == 1


def test_a_polite_subscription_to_a_word_only_the_jobs_know(wx, ctx):
    add_jobs(ctx, {"title": "数据分析师", "city": "上海"})
    reply = wx.ask("帮我订阅一下数据分析")
    assert reply.startswith("已订阅：数据分析") and "目前有 1 个在招岗位符合" in reply


def test_a_polite_sentence_that_only_starts_like_a_command_is_not_one(wx, ctx):
    wx.ask("我想订阅但是不会弄")
    wx.ask("我要退订阅号的消息怎么弄")
    wx.ask("订阅 Java")
    wx.ask("我想退订但是怕错过好岗位")
    assert [s.terms for s in ctx.stores.subscriptions.list(StudentKey("wechat", "oStudent1"))] \
        == [frozenset({"java"})]


def test_job_search_uses_synonyms_regions_and_all_words(wx, ctx):
    add_jobs(ctx, {"title": "Java开发工程师", "city": "北京市", "industry": "IT"},
             {"title": "Java后端", "city": "杭州"},
             {"title": "产品经理", "city": "北京"})
    reply = wx.ask("查岗位 Java 北京")
    assert "Java开发工程师" in reply and "Java后端" not in reply and "产品经理" not in reply
    assert "Java后端" in wx.ask("查岗位 java 长三角")
    assert "Java开发工程师" in wx.ask("查岗位 互联网")
    assert "暂时没有" in wx.ask("查岗位 Java 成都")


def test_fairs_list_then_remind_and_cancel_by_number(wx, ctx):
    now = ctx.clock.now()
    add_fair(ctx, "f1", now + timedelta(days=2), title="秋季双选会")
    add_fair(ctx, "f2", now + timedelta(days=3), title="华为宣讲会", kind="宣讲会")
    assert "请先发送“招聘会”" in wx.ask("提醒 1")
    listing = wx.ask("招聘会")
    assert "1. 【双选会】秋季双选会" in listing and "2. 【宣讲会】华为宣讲会" in listing
    reply = wx.ask("提醒 2")
    assert "将在开始前 1 天和 1 小时提醒您" in reply and "华为宣讲会" in reply
    assert ctx.stores.reminders.students("f2") == [StudentKey("wechat", "oStudent1")]
    assert "（已设提醒）" in wx.ask("招聘会")
    assert "华为宣讲会" in wx.ask("2")               # a bare digit shows the fair's details
    assert "已取消提醒：华为宣讲会" in wx.ask("取消提醒２")
    assert ctx.stores.reminders.students("f2") == []
    assert "1 到 2 之间" in wx.ask("提醒 9")
    assert "秋季双选会" in wx.ask("提醒我第一场")       # Chinese numerals, as in a pick
    assert ctx.stores.reminders.students("f1") == [StudentKey("wechat", "oStudent1")]


def test_push_settings_with_a_particle(wx, ctx):
    assert "已暂停岗位推送" in wx.ask("推送设置 暂停吧")
    assert ctx.stores.prefs.get(StudentKey("wechat", "oStudent1")).paused


def test_asking_how_to_set_push_keywords_is_about_subscribing_not_push_times(wx):
    for text in ("设置推送关键词的方法是啥", "推送关键词怎么设置"):
        reply = wx.ask(text)
        assert "订阅 Java 北京" in reply and "当前推送方式" not in reply, text


def test_push_settings_asked_in_a_sentence(wx, ctx):
    prefs = ctx.stores.prefs
    me = StudentKey("wechat", "oStudent1")
    first = wx.ask("帮我把推送改到晚上八点")
    assert "每天 20:00" in first and "您还没有订阅岗位" in first
    wx.ask("订阅 Java")
    assert (prefs.get(me).mode, prefs.get(me).hour) == ("daily", 20)
    at_once = wx.ask("有新岗位第一时间发给我")
    assert "立即推送" in at_once and "还没有订阅" not in at_once
    assert prefs.get(me).mode == "immediate"
    shown = wx.ask("推送一般几点发？")
    assert "当前推送方式" in shown and "推送设置 20" in shown
    assert "只能选 8 点到 21 点" in wx.ask("晚上11点推送")
    assert prefs.get(me).mode == "immediate"


def test_push_settings_hour_immediate_pause_resume(wx, ctx):
    assert "当前推送方式" in wx.ask("推送设置")
    assert "每天 20:00" in wx.ask("推送设置 20点")
    assert ctx.stores.prefs.get(StudentKey("wechat", "oStudent1")).hour == 20
    assert "只能选 8 点到 21 点" in wx.ask("推送设置 23")
    assert "立即推送" in wx.ask("推送设置 立即")
    assert ctx.stores.prefs.get(StudentKey("wechat", "oStudent1")).mode == "immediate"
    assert "已暂停" in wx.ask("推送设置 暂停")
    assert ctx.stores.prefs.get(StudentKey("wechat", "oStudent1")).paused
    assert "已恢复" in wx.ask("恢复推送")
    assert not ctx.stores.prefs.get(StudentKey("wechat", "oStudent1")).paused
    assert "没看懂" in wx.ask("推送设置 随便")


def test_unfollow_pauses_every_push_and_following_again_resumes(ctx):
    wx = client_for(create_app(ctx=ctx))
    response = wx.post(event_xml("unsubscribe", user="oLeaver"))
    assert response.status_code == 200 and wx.reply(response) == {}
    assert ctx.stores.prefs.get(StudentKey("wechat", "oLeaver")).unfollowed
    response = wx.post(event_xml("subscribe", user="oLeaver", create_time=1_763_000_100))
    assert "欢迎关注" in wx.reply(response)["Content"]
    assert not ctx.stores.prefs.get(StudentKey("wechat", "oLeaver")).unfollowed
