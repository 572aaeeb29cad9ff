"""Reading the values staff type into sheets: dates, times, lists, plain text.

Excel on Chinese Windows and people alike write a date many ways (2026-12-31, 2026/12/31,
2026.12.31, 2026年12月31日, a date cell, the serial number a date cell becomes in some
exports); all mean the same day. A time without an offset is Asia/Shanghai.
"""
from __future__ import annotations

import re
import unicodedata
from datetime import date, datetime, time, timedelta
from typing import Any

from ..clock import SHANGHAI

LIST_SPLIT = re.compile(r"[;；、，,\n]")

_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*[日号]?")
_COMPACT_DATE = re.compile(r"^(\d{4})(\d{2})(\d{2})(?!\d)")
_TIME = re.compile(
    r"^(?:T|\s)*(上午|早上|中午|下午|晚上)?\s*(\d{1,2})\s*(?:[:：时点]\s*(\d{1,2})?\s*分?)?"
    r"(?:\s*[:：]\s*(\d{1,2}))?\s*(?:秒)?\s*(半)?\s*$")
_EXCEL_EPOCH = datetime(1899, 12, 30)


class ValueProblem(ValueError):
    """A value that cannot be read; the caller words the message for its field."""


def clean(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


def text(value: Any) -> str:
    """A cell as text: whole numbers without ".0" (Excel stores 20210001 as a float)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="minutes")
    return str(value).strip()


def as_list(value: Any) -> list[str]:
    """A list cell: `计算机;软件工程`, `统计、数学`, or a real list from YAML/JSON."""
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [text(v) for v in value if text(v)]
    return [p.strip() for p in LIST_SPLIT.split(text(value)) if p.strip()]


def _excel_serial(value: Any) -> datetime | None:
    """Days since 1899-12-30, as Excel keeps dates; only a plausible range (1955–2190)."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    if 20000 <= value <= 105000:
        return _EXCEL_EPOCH + timedelta(days=float(value))
    return None


def _split(raw: str) -> tuple[date, str]:
    """The date at the start of `raw` and what follows it."""
    m = _DATE.match(raw) or _COMPACT_DATE.match(raw)
    if not m:
        raise ValueProblem(raw)
    try:
        day = date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        raise ValueProblem(raw) from None
    return day, raw[m.end():]


def _clock_time(rest: str) -> time:
    rest = rest.strip()
    if not rest:
        return time(0, 0)
    m = _TIME.match(rest)
    if not m:
        raise ValueProblem(rest)
    part, hour, minute, second, half = m.groups()
    hour, minute = int(hour), int(minute or (30 if half else 0))
    if part in ("下午", "晚上") and hour < 12:
        hour += 12
    try:
        return time(hour, minute, int(second or 0))
    except ValueError:
        raise ValueProblem(rest) from None


def read_datetime(value: Any) -> datetime:
    """A date-time from a cell; naive ones are Asia/Shanghai. Raises ValueProblem."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime.combine(value, time(0, 0))
    elif (serial := _excel_serial(value)) is not None:
        dt = serial.replace(microsecond=0)
    else:
        raw = clean(value)
        try:
            dt = datetime.fromisoformat(raw.replace("/", "-"))
        except ValueError:
            day, rest = _split(raw)
            dt = datetime.combine(day, _clock_time(rest))
    return dt.replace(tzinfo=SHANGHAI) if dt.tzinfo is None else dt


def read_date(value: Any) -> date:
    """A date from a cell (a date-time gives its day in Asia/Shanghai). Raises ValueProblem."""
    if isinstance(value, datetime):
        return value.astimezone(SHANGHAI).date() if value.tzinfo else value.date()
    if isinstance(value, date):
        return value
    if (serial := _excel_serial(value)) is not None:
        return serial.date()
    raw = clean(value)
    day, rest = _split(raw)
    if rest.strip():
        return read_datetime(raw).astimezone(SHANGHAI).date()
    return day
