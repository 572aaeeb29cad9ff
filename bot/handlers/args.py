"""Parsing “command + words” the way students type them: any width, any spacing.

Matching is on the folded text (`fold`), but the words are taken from the original with
only width and script normalized, so the confirmation shows “Java”, as the student wrote it.
"""
from __future__ import annotations

import re
import unicodedata

from ..message import Message
from ..nlp.normalize import fold, to_simplified

_SEPARATORS = re.compile(r"[\s,，、;；/+＋&]+")
_PUNCT = re.compile(r"[^\w+＋&]+")
QUESTION_WORDS = ("怎么", "如何", "什么", "吗", "能不能", "可以", "为什么", "哪里", "是不是", "号")


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
                    return clean[i + 1:].strip()
            return ""
    return None


def words(rest: str) -> list[str]:
    return [w for w in _SEPARATORS.split(rest) if w]


def looks_like_question(rest: str) -> bool:
    """“订阅号怎么关注” is a question for the FAQ, not a subscription to 号怎么关注."""
    return any(rest.startswith(q) or q in rest for q in QUESTION_WORDS if q != "号") or rest.startswith("号")


class PrefixCommand:
    """A `<prefix> <words>` command: matches when the text starts with one of `prefixes`
    and the rest is not a question (those go to the FAQ); `handle` gets the rest."""

    name: str
    prefixes: tuple[str, ...]

    def match(self, msg: Message, ctx: object) -> str | None:
        rest = command_rest(msg, self.prefixes)
        if rest is None or looks_like_question(rest):
            return None
        return rest


NUMBER = re.compile(r"^(?:第)?(\d{1,3})(?:个|条|场)?$")


def number(rest: str) -> int | None:
    m = NUMBER.match(fold(rest).replace(" ", ""))
    return int(m.group(1)) if m else None
