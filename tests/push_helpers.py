"""Small builders shared by the push tests."""
from __future__ import annotations

from datetime import datetime, timedelta

from bot.push.catalog import import_objects
from bot.push.notice import Notice


def add_jobs(ctx, *jobs: dict, now: datetime | None = None):
    rows = []
    for n, job in enumerate(jobs):
        row = {"id": f"job-{n}", "company": "示例公司", "url": f"https://jobs.example.cn/{n}", **job}
        rows.append(row)
    report = import_objects(ctx.push, "jobs", rows, "test", now or ctx.clock.now())
    assert not report.rejected, report.rejected
    return report


def add_fair(ctx, fair_id: str, starts_at: datetime, title: str = "秋季双选会", **extra):
    report = import_objects(ctx.push, "fairs", [{
        "id": fair_id, "title": title, "starts_at": starts_at.isoformat(), "location": "体育馆",
        "url": f"https://fairs.example.cn/{fair_id}", "kind": "双选会", **extra}], "test",
        ctx.clock.now())
    assert not report.rejected, report.rejected


def notice(user: str, nid: str | None = None, channel: str = "wechat") -> Notice:
    return Notice(id=nid or f"test:{user}", channel=channel, user_id=user, kind="digest",
                  title="为您找到 1 个新岗位", summary="1. Java开发｜示例公司｜北京",
                  reason="匹配：Java + 北京", url="https://jobs.example.cn/1", job_ids=["job-1"])


def shanghai(y, m, d, hh, mm=0) -> datetime:
    from bot.clock import SHANGHAI
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def at(clock, when: datetime) -> None:
    """Move a FakeClock to `when` (forward only)."""
    delta = (when - clock.now()).total_seconds()
    assert delta >= 0, "tests only move time forward"
    clock.advance(delta)


__all__ = ["add_jobs", "add_fair", "notice", "shanghai", "at", "timedelta"]
