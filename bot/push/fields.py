"""Short fields: how much of a notice fits where WeChat shows one line of it.

Since May 2023 a WeChat template message shows each field in at most 20 characters, with
no colours and no emoji (and no `first` / `remark` lines at all); subscribe messages hold
their `thing` fields to the same 20. This is the one place that number lives: the
console's broadcast form checks titles against it and the WeChat transport cuts with it.
"""
from __future__ import annotations

from ..text import strip_emoji

FIELD_CHARS = 20


def fit(value: str, limit: int = FIELD_CHARS) -> str:
    """`value` on one line, without emoji, cut to `limit` characters with "…" when longer."""
    value = " ".join(strip_emoji(value).split())
    return value if len(value) <= limit else value[:max(limit - 1, 0)] + "…"
