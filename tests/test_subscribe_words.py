"""订阅 as students write it: two cities offered as two subscriptions, 或 made into one per
alternative, region and vocabulary words kept whole, words no job uses flagged, and the
open jobs that already match counted (in-process tester; matching through the planner)."""
from __future__ import annotations

from bot.push.planner import Planner
from bot.records import StudentKey

from .support.builders import add_jobs
from .support.tester import BotTester

ME = StudentKey("wechat", "oStudent1")


def labels(ctx, student=ME):
    return [s.label for s in ctx.stores.subscriptions.list(student)]


def some_jobs(ctx):
    add_jobs(ctx, {"title": "Java开发工程师", "city": "北京"}, {"title": "Java后端", "city": "上海"},
             {"title": "Python数据分析", "city": "深圳"}, {"title": "Java架构师", "city": "北京",
                                                     "deadline": "2026-01-01"})


def test_two_cities_are_offered_as_two_subscriptions_not_one_that_never_matches(ctx):
    some_jobs(ctx)
    wx = BotTester(ctx)
    offer = wx.send("订阅 Java 北京 上海")
    assert "“Java + 北京 + 上海”要求一个岗位同时在这几个地方" in offer
    assert "1. 2 个都订阅：Java + 北京；Java + 上海" in offer and "3. 只订阅 Java + 上海" in offer
    assert labels(ctx) == []                                   # offered, not made
    done = wx.send("1")
    assert done.startswith("已订阅 2 个（任一个符合就推送）")
    assert "1. Java + 北京：含“Java”" in done and "工作地点在北京" in done
    assert done.count("目前有 1 个在招岗位符合") == 2               # the closed 架构师 not counted
    assert labels(ctx) == ["Java + 北京", "Java + 上海"]
    Planner(ctx.stores, ctx.settings.push).match_new_jobs()
    matched = set(ctx.stores.pending.read(ME).reasons)
    assert {"job-0", "job-1"} <= matched and "job-2" not in matched


def test_picking_one_of_the_offer_and_places_that_can_meet_stay_one(ctx):
    wx = BotTester(ctx)
    wx.send("订阅 Java 长三角 珠三角")
    assert wx.send("3").startswith("已订阅：Java + 珠三角")
    assert labels(ctx) == ["Java + 珠三角"]
    assert wx.send("订阅 Java 长三角 杭州").startswith("已订阅：Java + 长三角 + 杭州")  # 杭州 is in it


def test_or_makes_one_subscription_per_alternative(ctx):
    some_jobs(ctx)
    wx = BotTester(ctx)
    reply = wx.send("订阅 Java或Python")
    assert reply.startswith("已订阅 2 个") and "2. Python：含“Python”（py也算）" in reply
    assert labels(ctx) == ["Java", "Python"]
    assert BotTester(ctx, user="o2").send("订阅 Java 北京 或 上海").startswith("已订阅 2 个")
    assert labels(ctx, StudentKey("wechat", "o2")) == ["Java + 北京", "Java + 上海"]
    again = wx.send("订阅 Java or Go")
    assert "已订阅：Go" in again and "已经订阅过、没有重复订阅：Java" in again


def test_region_and_vocabulary_words_stay_whole(ctx):
    some_jobs(ctx)
    wx = BotTester(ctx)
    reply = wx.send("订阅 大湾区")
    assert reply.startswith("已订阅：大湾区\n") and "工作地点在大湾区（广州、深圳" in reply
    assert "目前有 1 个在招岗位符合" in reply                     # the 深圳 job
    assert wx.send("订阅 产品经理上海").startswith("已订阅：产品经理 + 上海")
    assert wx.send("订阅 字节跳动").startswith("已订阅：字节跳动\n")    # not 字节 + 跳动
    assert labels(ctx) == ["大湾区", "产品经理 + 上海", "字节跳动"]


def test_words_no_job_uses_are_flagged_and_typos_named(ctx):
    some_jobs(ctx)
    wx = BotTester(ctx)
    reply = wx.send("订阅 Jvaa 北京")
    assert "目前还没有符合的在招岗位：现有岗位里都没有“Jvaa”" in reply
    assert "“Jvaa”我也不认识，请检查是否写错了" in reply and "发送“退订 1”" in reply
    known = wx.send("订阅 前端")
    assert "现有岗位里都没有“前端”" in known and "写错" not in known


def test_before_any_job_is_published_the_count_says_so(ctx):
    reply = BotTester(ctx).send("订阅 Java 北京")
    assert "目前还没有发布岗位，有新岗位时推送给您" in reply and "写错" not in reply


def test_a_split_that_would_pass_the_cap_says_so(make_ctx):
    wx = BotTester(make_ctx(push={"max_subscriptions_per_student": 2}))
    wx.send("订阅 算法")
    reply = wx.send("订阅 Java或Python")
    assert "您已经有 1 个订阅，再加 2 个会超过上限（2 个）" in reply
