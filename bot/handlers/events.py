"""Platform events: following the account gets a welcome; the rest needs no answer."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from .help import HELP_TEXT

WELCOME = "欢迎关注！" + HELP_TEXT


class EventHandler:
    name = "events"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        return (msg.event or "unknown") if msg.kind == "event" else None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        if found in ("subscribe", "subscribe_scan"):
            return Reply(WELCOME)
        return Reply(silent=True)


handler = EventHandler()
