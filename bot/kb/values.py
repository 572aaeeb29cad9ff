"""Reading loosely typed YAML values the way staff write them: one text or a list, dates,
and when two questions are the same one written twice."""
from __future__ import annotations

import unicodedata
from datetime import date, datetime
from typing import Any


def question_key(text: str) -> str:
    """Two questions with this key are one question (width, case, spaces, punctuation aside)."""
    text = unicodedata.normalize("NFKC", text).lower()
    return "".join(ch for ch in text if ch.isalnum())


def as_text_list(value: Any) -> list[str] | None:
    if value is None:
        return []
    if isinstance(value, (str, int, float)):
        value = [value]
    if not isinstance(value, list) or any(isinstance(v, (list, dict)) for v in value):
        return None
    return [str(v).strip() for v in value if v is not None and str(v).strip()]


def as_date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        return None
