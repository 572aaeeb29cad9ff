"""Platform events: following the account gets a welcome; the rest needs no answer.

Unfollowing stops every push to the student (the platform would refuse them anyway);
following again resumes them, subscriptions and reminders intact.
"""
from __future__ import annotations

import logging

from ..context import BotContext
from ..message import Message, Reply
from ..store import StoreUnavailable
from .help import HELP_TEXT

log = logging.getLogger(__name__)

WELCOME = "欢迎关注！" + HELP_TEXT
FOLLOW = ("subscribe", "subscribe_scan")


class EventHandler:
    name = "events"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        return (msg.event or "unknown") if msg.kind == "event" else None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        if found in FOLLOW or found == "unsubscribe":
            try:
                ctx.stores.prefs.set_unfollowed(msg.student, found == "unsubscribe")
            except StoreUnavailable:   # the platform refuses pushes to a leaver anyway (43004)
                log.warning("follow state of a student not saved: Redis is not answering")
        if found in FOLLOW:
            return Reply(WELCOME)
        return Reply(silent=True)


handler = EventHandler()
