"""Fitting a long reply into a channel's size limit without cutting a sentence.

The cut lands after a sentence end; "更多" sends the rest, and an entry with a link
also points to it, for the whole text in one place.
"""
from __future__ import annotations

from dataclasses import dataclass

from .message import Reply

SENTENCE_ENDS = "。！？；\n!?;"
MORE_HINT = "\n……（内容较长，回复“更多”继续阅读）"


@dataclass(frozen=True)
class Page:
    text: str
    rest: str | None = None   # what "更多" should send next, if anything
    cut: bool = False         # the reply did not fit whole: render it as plain text


def _fits(text: str, limit: int) -> bool:
    return len(text.encode("utf-8")) <= limit


def _cut(text: str, budget: int) -> tuple[str, str]:
    """Longest prefix within `budget` bytes, ending at a sentence end when possible."""
    data = text.encode("utf-8")[:budget]
    head = data.decode("utf-8", errors="ignore")   # never half a character
    best = max(head.rfind(ch) for ch in SENTENCE_ENDS)
    if best >= len(head) // 3:
        head = head[:best + 1]
    return head.rstrip(), text[len(head):].lstrip()


def paginate(reply: Reply, limit: int | None) -> Page:
    text = reply.as_text()
    if limit is None or _fits(text, limit):
        return Page(text)
    hint = MORE_HINT
    if reply.links:   # the link ends the message, where WeChat makes it easy to tap
        link = reply.links[0]
        hint = f"\n……（内容较长，回复“更多”继续阅读，或打开完整内容）\n{link.title} {link.url}"
    head, rest = _cut(text, limit - len(hint.encode("utf-8")))
    return Page(head + hint, rest or None, cut=True)
