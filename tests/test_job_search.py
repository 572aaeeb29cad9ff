"""查岗位 counts only jobs still open, shows each deadline, and “更多” goes on with the
list page by page (the in-process tester, the dispatcher every channel uses)."""
from __future__ import annotations

from datetime import date, timedelta

from .support.builders import add_jobs
from .support.tester import BotTester


def seven_java_jobs_one_closed(ctx):
    today = date(2026, 11, 22)
    rows = [{"title": f"Java开发{n}", "city": "北京", "published_at": f"2026-11-{10 + n}T09:00:00+08:00",
             "deadline": (today + timedelta(days=n)).isoformat()} for n in range(7)]
    rows[3]["deadline"] = "2026-11-01"                         # closed three weeks ago
    rows.append({"title": "产品经理", "city": "北京"})
    add_jobs(ctx, *rows)


def test_the_count_leaves_out_closed_jobs_and_each_line_shows_its_deadline(ctx):
    seven_java_jobs_one_closed(ctx)
    first = BotTester(ctx).send("查岗位 Java")
    assert "在招岗位共 6 个" in first and "Java开发3" not in first
    assert "1. Java开发6｜示例公司｜北京｜截止 11月28日（周六）" in first
    assert "5. Java开发1｜示例公司｜北京｜截止 11月23日（周一）" in first
    assert "还有 1 个，回复“更多”继续查看" in first


def test_more_goes_on_with_the_job_list_and_then_says_it_is_done(ctx):
    seven_java_jobs_one_closed(ctx)
    wx = BotTester(ctx)
    wx.send("查岗位 java")
    second = wx.send("更多")
    assert "第 6–6 个，共 6 个" in second and "Java开发0｜示例公司｜北京｜今天截止" in second
    assert "回复“更多”" not in second
    assert wx.send("更多") == "没有更多内容了。还有其他问题可以直接问我。"


def test_a_job_closing_between_pages_is_left_out(ctx, clock):
    seven_java_jobs_one_closed(ctx)
    wx = BotTester(ctx)
    wx.send("查岗位 Java")
    clock.advance(86400)                                         # Java开发0 closed overnight
    assert "都已经发给您了" in wx.send("更多")


def test_more_is_per_student_and_a_short_reply_in_between_keeps_the_list(ctx):
    seven_java_jobs_one_closed(ctx)
    wx, other = BotTester(ctx), BotTester(ctx, user="oOther")
    wx.send("查岗位 Java")
    assert "没有更多内容了" in other.send("更多")
    wx.send("你好")
    assert "Java开发0" in wx.send("更多")
