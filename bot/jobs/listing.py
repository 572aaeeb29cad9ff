"""A job as a student reads it in a list: what, where, and until when."""
from __future__ import annotations

from datetime import date

from ..dates import day
from ..records import Job


def deadline_text(job: Job, today: date) -> str:
    """截止 12月31日（周四）, 今天截止, or 已截止; "" without a deadline."""
    if not job.deadline:
        return ""
    end = date.fromisoformat(job.deadline)
    if end < today:
        return "已截止"
    return "今天截止" if end == today else f"截止 {day(end)}"


def job_line(job: Job, today: date) -> str:
    """Java开发｜字节跳动｜北京｜截止 12月31日（周四）"""
    deadline = deadline_text(job, today)
    return job.line() + (f"｜{deadline}" if deadline else "")
