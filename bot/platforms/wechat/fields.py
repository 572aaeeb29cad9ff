"""Template and subscribe message data as WeChat accepts it.

A field's kind is its key without the digits (thing1 -> thing, time4 -> time), and each
kind has its own rule: a `thing` at most 20 characters, a `number` digits only, a `phrase`
at most five Chinese characters, a `time` like 2026年11月23日 09:00. WeChat refuses a
value that breaks its rule (47003) or cuts it; keys of the old style (keyword1) show 20
characters like a `thing`. `first` and `remark` are not shown any more and are left out.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Mapping

from ...clock import SHANGHAI
from ...push.fields import FIELD_CHARS, fit
from ...records import Notice

HIDDEN = frozenset({"first", "remark"})        # not shown since May 2023
LIMITS = {"thing": FIELD_CHARS, "number": 32, "letter": 32, "symbol": 5,
          "character_string": 32, "phone_number": 17, "car_number": 8, "name": 10,
          "phrase": 5, "amount": 11}
_KIND = re.compile(r"^([a-z_]+?)_?\d*$")


def kind_of(key: str) -> str:
    m = _KIND.match(key)
    return m.group(1) if m else key


def _when(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


def field_value(key: str, value: str) -> str:
    """`value` in the form a field named `key` accepts."""
    kind = kind_of(key)
    if kind in ("time", "date"):
        when = _when(value)
        if when is None:
            return fit(value)
        local = when.astimezone(SHANGHAI) if when.tzinfo else when
        day = f"{local.year}年{local.month}月{local.day}日"
        has_clock = kind == "time" or "T" in value or " " in value
        return f"{day} {local:%H:%M}" if has_clock else day
    if kind == "number":
        return "".join(re.findall(r"\d+(?:\.\d+)?", value)[:1]) or "0"
    if kind == "phrase":
        return "".join(re.findall(r"[\u4e00-\u9fff]", value))[:LIMITS["phrase"]]
    if kind in ("letter", "character_string"):
        value = re.sub(r"[^\x21-\x7e]", "", value)
    return fit(value, LIMITS.get(kind, FIELD_CHARS))


def template_data(fields: Mapping[str, str], notice: Notice) -> dict[str, dict[str, str]]:
    """{key: {"value": …}} for WeChat from a mapping of field key -> notice part."""
    data = {}
    for key, part in fields.items():
        if key in HIDDEN:
            continue
        # An empty field is refused (47003): a notice without that part shows its title.
        data[key] = {"value": field_value(key, notice.part(part) or notice.title)}
    return data
