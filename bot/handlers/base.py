"""The handler contract: match, then handle.

`match` looks at the message and returns what it found (truthy) or None; `handle`
gets that back, so work done while matching (an FAQ lookup) is not repeated.
"""
from __future__ import annotations

from typing import Any, Protocol

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..records import StudentKey


class Handler(Protocol):
    name: str

    def match(self, msg: Message, ctx: BotContext) -> Any | None: ...

    def handle(self, msg: Message, ctx: BotContext, found: Any) -> Reply: ...


class Hook(Protocol):
    """Runs after whichever handler answered, and may add to its reply."""

    name: str

    def after(self, msg: Message, ctx: BotContext, reply: Reply) -> Reply: ...


def person(msg: Message, ctx: BotContext) -> StudentKey:
    """The student behind this chat: the key their subscriptions, push settings, reminders
    and profile are kept under, shared by every chat bound to one roster record
    (`store.identity`). Conversation state (lists, dialogs) stays with the chat."""
    return ctx.stores.identity.owner(msg.student)


def command(msg: Message) -> str:
    """The text as a command: width/case folded, punctuation and spaces collapsed."""
    return fold(msg.text) if msg.kind == "text" else ""


def contact_line(ctx: BotContext) -> str:
    c = ctx.settings.contact
    line = "，".join(p for p in (c.office, c.place, c.hours) if p)
    extra = "；".join(f"{label}{value}" for value, label in ((c.phone, "电话 "), (c.email, "邮箱 "))
                     if value)
    return f"{line}；{extra}" if extra else line
