"""The plain values that cross the line between channels and the core.

Channels turn a platform payload into a `Message` and render a `Reply`; nothing
platform-specific gets past them.
"""
from __future__ import annotations

from dataclasses import dataclass

from .records import StudentKey


@dataclass(frozen=True)
class Message:
    channel: str                 # "wechat", "feishu", "cli"
    user_id: str
    text: str = ""
    kind: str = "text"           # "text", "event", or the platform's media kind ("image", …)
    event: str | None = None     # for kind == "event": "subscribe", "unsubscribe", "click", …
    event_key: str | None = None
    msg_id: str | None = None

    @property
    def student(self) -> StudentKey:
        return StudentKey(self.channel, self.user_id)


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class More:
    """What “更多” goes on with: the rest of a long text, or the next page of a list
    (`kind` names the list, `value` is what its handler needs to make the next page)."""

    kind: str            # "text", or a list's name such as "jobs"
    value: str


@dataclass(frozen=True)
class Reply:
    """What the bot says. `items` are numbered choices; `silent` means say nothing;
    `more` is what “更多” continues with when this reply is one page of a longer list.

    `declined`: the bot could not answer (two in a row and it offers a person);
    `private`: the exchange carries a 学号 or name, or erased the student, so nothing of
    it is kept; `handoff`: the student was handed to a person (WeChat may also move the
    chat to the official account's customer-service tool).
    """

    text: str = ""
    items: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    footer: str = ""
    silent: bool = False
    declined: bool = False
    private: bool = False
    handoff: bool = False
    more: More | None = None

    def as_text(self) -> str:
        """The reply as one plain text, for channels without cards."""
        parts = [self.text] if self.text else []
        if self.items:
            parts.append("\n".join(f"{n}. {item}" for n, item in enumerate(self.items, 1)))
        if self.links:
            parts.append("\n".join(f"{link.title}：{link.url}" for link in self.links))
        if self.footer:
            parts.append(self.footer)
        return "\n".join(parts)
