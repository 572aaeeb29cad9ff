"""Dates as students read them: 11月24日（周二）, 14:00–16:30."""
from __future__ import annotations

from datetime import date, datetime

WEEKDAYS = "一二三四五六日"


def day(d: date) -> str:
    """11月24日（周二）"""
    return f"{d.month}月{d.day}日（周{WEEKDAYS[d.weekday()]}）"


def span(start: datetime, end: datetime | None) -> str:
    """11月24日（周二）14:00–16:30; an end on another day is written out."""
    text = f"{day(start.date())}{start:%H:%M}"
    if end is None or end <= start:
        return text
    return text + ("–" + (f"{end:%H:%M}" if end.date() == start.date() else f"{day(end.date())}{end:%H:%M}"))
