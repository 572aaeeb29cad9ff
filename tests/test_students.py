"""Binding, the intentions dialog, 推荐 and profile-aware answers, through the in-process
tester (the dispatcher the channels use); one student across channels in test_students_e2e."""
from __future__ import annotations

from datetime import timedelta

import pytest

from bot.people import Profile
from bot.records import StudentKey

from .support.builders import ZHANG, add_fair, add_jobs, add_roster
from .support.tester import BotTester

WX = StudentKey("wechat", "oStudent1")


@pytest.fixture
def wx(ctx):
    return BotTester(ctx)


def owner_profile(ctx, chat=WX) -> Profile | None:
    return ctx.stores.profiles.get(ctx.stores.identity.owner(chat))


# -- binding ----------------------------------------------------------------------------------
def test_binding_needs_the_roster_name_and_confirms_by_name(ctx, wx):
    add_roster(ctx, ZHANG)
    assert "对不上" in wx.send("绑定 2022010001 李四")
    assert "对不上" in wx.send("绑定 2099999999 张三")      # an unknown 学号 reads the same
    reply = wx.send("绑定２０２２０１０００１ 張三")           # full width, traditional, no space
    assert reply.startswith("绑定成功，张三同学")
    assert "王老师" not in reply and "重点" not in reply    # mentor and priority are staff's
    assert "已经绑定过了" in wx.send("绑定 张三 2022010001")
    profile = owner_profile(ctx)
    assert profile.want_cities == ("上海", "杭州") and profile.from_roster
    add_roster(ctx, {**ZHANG, "学号": "2022010002", "姓名": "李四"})
    assert "另一个学号" in wx.send("绑定 2022010002 李四")


def test_wrong_names_are_slowed_down_per_chat_and_per_student(ctx, wx, clock):
    add_roster(ctx, ZHANG)
    for _ in range(3):                                     # three free tries …
        assert "对不上" in wx.send("绑定 2022010001 张四")
    wait = wx.send("绑定 2022010001 张三")                 # … then even the right name waits
    assert "尝试次数太多" in wait and "1 分钟" in wait
    clock.advance(61)
    assert "对不上" in wx.send("绑定 2022010001 张五")
    assert "2 分钟" in wx.send("绑定 2022010001 张三")     # each wrong try doubles the wait
    clock.advance(121)
    assert wx.send("绑定 2022010001 张三").startswith("绑定成功")
    other = wx.as_user("oGuesser")                         # rotating accounts does not help
    add_roster(ctx, {**ZHANG, "学号": "2022010003", "姓名": "王五"})
    for n in range(10):
        other.as_user(f"oGuess{n}").send("绑定 2022010003 王六")
    assert "尝试次数太多" in other.send("绑定 2022010003 王五")


def test_unbound_students_can_fill_in_a_profile_after_consent_and_leave_any_time(ctx, wx):
    first = wx.send("意向")
    assert "回复 1 同意" in first and "删除我的信息" in first
    assert "还没有保存" in wx.send("上海")                   # nothing kept before a yes
    assert ctx.stores.profiles.get(WX) is None
    asked = wx.send("1")
    assert "（1/4）" in asked and "城市" in asked
    assert "（2/4）" in wx.send("上海市 长三角")
    assert "（3/4）" in wx.send("跳过")
    assert "已退出" in wx.send("退出")                       # leave at the keywords step
    profile = ctx.stores.profiles.get(WX)
    assert profile.want_cities == ("上海", "长三角") and profile.want_industries == ()
    assert profile.consent and "want_cities" in profile.edited
    shown = wx.send("我的信息")
    assert "1. 意向城市/地区：上海、长三角" in shown and "3. 意向岗位：（未填写）" in shown
    assert "（4/4）" not in wx.send("3") and "岗位" in wx.send("Java 后端")   # change one item
    assert ctx.stores.profiles.get(WX).want_keywords == ("Java", "后端")
    wx.send("意向")
    wx.send("4")
    assert "编号" in wx.send("大学")                         # a degree must be one of the four
    assert "已保存" in wx.send("3") and ctx.stores.profiles.get(WX).degree == "硕士"


def test_a_question_in_the_middle_goes_to_the_faq_and_the_dialog_waits(ctx, wx):
    wx.send("意向")
    wx.send("1")
    assert "先写一份情况说明" in wx.send("三方协议丢了怎么办")
    assert "（2/4）" in wx.send("北京")
    wx.send("招聘会")                                        # a (here empty) list ends the dialog
    assert "没有对应的列表" in wx.send("2")
    assert ctx.stores.conversation.dialog(WX) is None


def test_survey_values_are_shown_editable_and_a_reimport_keeps_the_students_own(ctx, wx):
    add_roster(ctx, ZHANG)
    wx.send("绑定 2022010001 张三")
    shown = wx.send("我的信息")
    assert "来自学校的摸底调查" in shown and "上海、杭州" in shown and "4. 学历：本科" in shown
    wx.send("2")
    wx.send("1")                                           # consent, then the industries
    wx.send("金融")
    add_roster(ctx, {**ZHANG, "意向城市": "北京", "意向行业": "教育"})   # the survey changes
    profile = owner_profile(ctx)
    assert profile.want_cities == ("北京",) and profile.want_industries == ("金融",)


# -- 推荐 -------------------------------------------------------------------------------------
def test_recommend_lists_fitting_jobs_best_first_with_why_and_fitting_fairs(ctx, wx, clock):
    assert "意向" in wx.send("推荐")                          # no profile yet: how to get one
    add_roster(ctx, {**ZHANG, "意向岗位": "Java"})
    wx.send("绑定 2022010001 张三")
    add_jobs(ctx,
             {"title": "Java开发", "city": "杭州", "industry": "互联网"},          # all three
             {"title": "运营专员", "city": "上海", "industry": "互联网"},          # two of three
             {"title": "Java开发", "city": "北京", "industry": "金融"},            # one
             {"title": "会计", "city": "北京", "industry": "金融"},                # none
             {"title": "Java开发", "city": "上海", "industry": "互联网", "degree": "硕士"},
             {"title": "Java开发", "city": "上海", "industry": "互联网", "majors": "法学"},
             {"title": "Java实习", "city": "上海", "industry": "互联网", "deadline": "2026-01-01"})
    add_fair(ctx, "it-fair", clock.now() + timedelta(days=3), title="互联网专场", industries="互联网")
    add_fair(ctx, "bank-fair", clock.now() + timedelta(days=3), title="金融专场", industries="金融")
    reply = wx.send("推荐")
    lines = [line for line in reply.splitlines() if line[:2] in ("1.", "2.", "3.", "4.")]
    assert [line.split("｜")[0][3:] for line in lines] == ["Java开发", "运营专员", "Java开发"]
    assert "匹配您的求职意向：杭州 · 互联网 · Java" in reply
    assert "匹配您的求职意向：上海 · 互联网" in reply
    assert "会计" not in reply and "Java实习" not in reply           # no fit / deadline passed
    assert "互联网专场" in reply and "金融专场" not in reply
