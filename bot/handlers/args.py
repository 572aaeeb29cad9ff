"""Parsing “command + words” the way students type them: any width, any spacing.

Matching is on the folded text (`fold`), but the words are taken from the original with
only width and script normalized, so the confirmation shows “Java”, as the student wrote it.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import replace
from typing import Any

from ..clock import SHANGHAI
from ..message import Message
from ..nlp.normalize import fold, to_simplified
from ..push.lookup import JobLookup

_SEPARATORS = re.compile(r"[\s,，、;；/+＋&]+")
_PUNCT = re.compile(r"[^\w+＋&]+")
QUESTION_WORDS = ("怎么", "如何", "什么", "吗", "能不能", "可以", "为什么", "哪里", "是不是", "号", "啥", "咋")
# 订阅的那个成都兼职不要了, 订阅了哪些: the command word is part of a sentence.
_GRAMMAR = ("的", "了", "过")
# What students put before a command (我要退订, 帮我订阅一下数据分析) and after it (退订吧).
LEAD_IN = re.compile(r"^(?:请|麻烦|劳驾)?你?(?:帮|给|替)?我?(?:要|想|想要|需要)?(?:帮我|给我)?")
FILLER = re.compile(r"^(?:一下|下)")
PARTICLE = re.compile(r"(?:吧|呗|啊|呀|哈|了|一下)+$")
# 取消订阅吧, 订阅 Java 吧: a particle on its own, not the end of a word (百度贴吧).
_TRAILING = re.compile(r"(?:^|\s)(?:吧|呗|啊|呀|哈|了)+$")


def command_rest(msg: Message, prefixes: tuple[str, ...]) -> str | None:
    """The text after one of `prefixes` (longest first), or None when it is not this command."""
    if msg.kind != "text":
        return None
    folded = fold(msg.text).replace(" ", "")
    for prefix in sorted(prefixes, key=len, reverse=True):
        if folded.startswith(prefix):
            clean = to_simplified(unicodedata.normalize("NFKC", msg.text)).strip()
            clean = _PUNCT.sub(" ", clean).strip()
            squeezed_len = 0
            for i, ch in enumerate(clean):        # skip the prefix in the original text
                if not ch.isspace():
                    squeezed_len += 1
                if squeezed_len == len(prefix):
                    return _TRAILING.sub("", clean[i + 1:]).strip()
            return ""
    return None


def led_rest(msg: Message, prefixes: tuple[str, ...]) -> str | None:
    """The words after a command a student led in politely (我想退订, 请帮我订阅一下 Java),
    or None when the text does not start that way; the bare command is `command_rest`'s."""
    if msg.kind != "text":
        return None
    folded = fold(msg.text).replace(" ", "")
    lead = LEAD_IN.match(folded)
    if lead is None or not lead.group(0):
        return None
    rest = command_rest(replace(msg, text=_drop(msg.text, len(lead.group(0)))), prefixes)
    if rest is None:
        return None
    return PARTICLE.sub("", FILLER.sub("", rest)).strip()


def _drop(text: str, count: int) -> str:
    """`text` without its first `count` non-space characters."""
    seen = 0
    for i, ch in enumerate(text):
        if seen == count:
            return text[i:]
        if not ch.isspace():
            seen += 1
    return ""


def words(rest: str) -> list[str]:
    return [w for w in _SEPARATORS.split(rest) if w]


def looks_like_question(rest: str) -> bool:
    """“订阅号怎么关注” is a question for the FAQ, not a subscription to 号怎么关注."""
    return any(rest.startswith(q) or q in rest for q in QUESTION_WORDS if q != "号") or rest.startswith("号")


class PrefixCommand:
    """A `<prefix> <words>` command: matches when the text starts with one of `prefixes`
    and the rest is not a question (those go to the FAQ); `handle` gets the rest.

    Led in politely (我要退订, 帮我订阅一下数据分析), the rest must be empty or be what
    the command takes (`takes`), so 我想订阅但是不会弄 is left to the FAQ.
    """

    name: str
    prefixes: tuple[str, ...]

    def match(self, msg: Message, ctx: Any) -> str | None:
        rest = command_rest(msg, self.prefixes)
        if rest is None:
            rest = led_rest(msg, self.prefixes)
            if rest and not self.takes(rest, ctx):
                return None
        if rest is None or looks_like_question(rest) or rest.startswith(_GRAMMAR):
            return None
        return rest

    def takes(self, rest: str, ctx: Any) -> bool:
        """Whether `rest` is this command's argument: here, it starts with a word of the
        job vocabulary (Java, 北京, 实习), or every word of it is in some stored job
        (数据分析, when 数据分析师 is one)."""
        if ctx.vocab.starts_known(rest):
            return True
        terms = ctx.vocab.subscription(words(rest)).terms
        today = ctx.clock.now().astimezone(SHANGHAI).date()
        return bool(terms) and terms <= JobLookup(ctx.stores, today).used


NUMBER = re.compile(r"^(?:第)?(\d{1,3}|[一二两三四五六七八九十])(?:个|条|场|项)?$")
CHINESE_DIGITS = {"一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7,
                  "八": 8, "九": 9, "十": 10}


def number(rest: str) -> int | None:
    """2, 第2个, 第二场: the number a student picks something by."""
    m = NUMBER.match(fold(rest).replace(" ", ""))
    if not m:
        return None
    n = m.group(1)
    return int(n) if n.isdigit() else CHINESE_DIGITS[n]
