"""WeChat's rules for template and subscribe message fields, as the fake API applies them.

Written from WeChat's documentation (订阅消息参数值内容限制, and the May 2023 template
message changes), independently of the bot's own code, so the fake is an oracle and not
a copy: thing at most 20 characters; number digits (a decimal point allowed); phrase at
most 5 Chinese characters; time "15:01" or "2019年10月1日 15:01"; date "2019年10月1日"
(a time may follow); no emoji and no line breaks anywhere; old-style keys at most 20.
"""
from __future__ import annotations

import re
import unicodedata

TIME = r"(?:\d{4}年\d{1,2}月\d{1,2}日 )?\d{1,2}:\d{2}"
DATE = r"\d{4}年\d{1,2}月\d{1,2}日(?: \d{1,2}:\d{2})?"
RULES = {
    "thing": lambda v: len(v) <= 20,
    "number": lambda v: re.fullmatch(r"\d{1,32}(?:\.\d+)?", v) is not None,
    "letter": lambda v: re.fullmatch(r"[A-Za-z]{1,32}", v) is not None,
    "symbol": lambda v: len(v) <= 5,
    "character_string": lambda v: re.fullmatch(r"[\x21-\x7e]{1,32}", v) is not None,
    "time": lambda v: re.fullmatch(f"{TIME}(?:~{TIME})?", v) is not None,
    "date": lambda v: re.fullmatch(f"{DATE}(?:~{DATE})?", v) is not None,
    "phrase": lambda v: re.fullmatch(r"[\u4e00-\u9fff]{1,5}", v) is not None,
    "name": lambda v: len(v) <= 10,
    "phone_number": lambda v: re.fullmatch(r"[\d+\-() ]{1,17}", v) is not None,
}


def _plain(value: str) -> bool:
    return "\n" not in value and not any(unicodedata.category(c) == "So" for c in value)


def broken_fields(data: dict) -> list[str]:
    """Keys of `data` ({key: {"value": …}}) whose value WeChat would refuse or cut."""
    broken = []
    for key, item in data.items():
        value = item.get("value") if isinstance(item, dict) else None
        if not isinstance(value, str) or not value or not _plain(value):
            broken.append(key)
            continue
        kind = re.sub(r"\d+$", "", key)
        rule = RULES.get(kind, lambda v: len(v) <= 20)
        if not rule(value):
            broken.append(key)
    return broken


HIDDEN_SINCE_2023 = ("first", "remark")
