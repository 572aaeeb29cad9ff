"""Fairs as students meet them: details with the end time and weekday and the real
number to reply, reminders promised only when still ahead (and sent as promised), and
“提醒 2” still meaning the fair list after an FAQ list has taken over the digits."""
from __future__ import annotations

from datetime import timedelta

from bot.push.planner import Planner
from bot.records import StudentKey

from .support.builders import add_fair, at, shanghai
from .support.tester import BotTester


def two_fairs(ctx, first_start, second_start):
    add_fair(ctx, "f1", first_start, title="秋季双选会")
    add_fair(ctx, "f2", second_start, title="华为宣讲会", kind="宣讲会",
             ends_at=(second_start + timedelta(hours=2, minutes=30)).isoformat(),
             companies=["华为"])


def test_details_show_weekday_start_and_end_and_the_number_to_reply(ctx, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))
    two_fairs(ctx, shanghai(2026, 11, 24, 9, 0), shanghai(2026, 11, 26, 14, 0))
    wx = BotTester(ctx)
    listing = wx.send("招聘会")
    assert "2. 【宣讲会】华为宣讲会｜11月26日（周四）14:00–16:30｜体育馆" in listing
    detail = wx.send("2")
    assert "时间：11月26日（周四）14:00–16:30" in detail and "地点：体育馆" in detail
    assert "回复“提醒 2”在开始前 1 天和 1 小时提醒您" in detail and "提醒 编号" not in detail
    wx.send("提醒 2")
    assert "回复“取消提醒 2”取消" in wx.send("2")


def test_less_than_a_day_ahead_only_the_one_hour_reminder_is_promised_and_sent(ctx, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))
    two_fairs(ctx, shanghai(2026, 11, 23, 15, 0), shanghai(2026, 11, 26, 14, 0))
    wx = BotTester(ctx)
    wx.send("招聘会")
    assert "回复“提醒 1”在开始前 1 小时提醒您" in wx.send("1")
    reply = wx.send("提醒 1")
    assert "将在开始前 1 小时提醒您" in reply and "1 天" not in reply
    planner = Planner(ctx.stores, ctx.settings.push)
    assert planner.reminders(clock.now()) == []                 # not the 24-hour one, late
    at(clock, shanghai(2026, 11, 23, 14, 0))
    [reminder] = planner.reminders(clock.now())
    assert ":60:" in reminder.id and "还有 1 小时" in reminder.summary
    assert "时间：11月23日（周一）15:00" in reminder.summary


def test_a_fair_about_to_start_promises_nothing(ctx, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))
    two_fairs(ctx, shanghai(2026, 11, 23, 10, 40), shanghai(2026, 11, 26, 14, 0))
    wx = BotTester(ctx)
    wx.send("招聘会")
    assert "提醒 1" not in wx.send("1")
    reply = wx.send("提醒 1")
    assert "40 分钟后就开始了，来不及提前提醒" in reply
    assert ctx.stores.reminders.students("f1") == []


def test_remind_after_an_faq_list_still_refers_to_the_fair_list(ctx, clock):
    at(clock, shanghai(2026, 11, 23, 10, 0))
    two_fairs(ctx, shanghai(2026, 11, 25, 9, 0), shanghai(2026, 11, 26, 14, 0))
    wx = BotTester(ctx)
    wx.send("招聘会")
    faq_list = wx.send("三方")
    assert "您是不是想问" in faq_list                     # the digits now pick FAQ entries
    assert "华为宣讲会" in wx.send("提醒 2")
    assert ctx.stores.reminders.students("f2") == [StudentKey("wechat", "oStudent1")]
    assert "三方协议" in wx.send("1")                    # and a bare digit is the FAQ's
    clock.advance(ctx.settings.conversation.fairs_ttl + 1)
    assert "请先发送“招聘会”" in wx.send("取消提醒 2")
