"""Running a message through the handler table, safely.

Whatever goes wrong inside a handler, the student gets a kind Chinese sentence, never
silence or a stack trace; the error goes to the log with the message that caused it.
"""
from __future__ import annotations

import logging
from dataclasses import replace
from typing import Sequence

from .context import BotContext
from .handlers import HANDLERS, HOOKS
from .handlers.base import Handler
from .message import Message, Reply
from .paging import paginate

log = logging.getLogger(__name__)

ERROR_REPLY = Reply("抱歉，系统刚刚开了个小差，请稍后再发一次。如果着急，可以直接联系就业指导中心的老师。")


class Dispatcher:
    def __init__(self, ctx: BotContext, handlers: Sequence[Handler] = HANDLERS,
                 hooks: Sequence = HOOKS) -> None:
        self.ctx = ctx
        self.handlers = tuple(handlers)
        self.hooks = tuple(hooks)

    def _menu_text(self, msg: Message) -> Message:
        """A menu CLICK counts as the student typing the text its key maps to."""
        if msg.kind == "event" and msg.event == "click":
            menu = self.ctx.config.get(f"channels.{msg.channel}.menu", {}) or {}
            text = menu.get(msg.event_key or "")
            if text:
                return replace(msg, kind="text", text=str(text), event=None)
        return msg

    def handle(self, msg: Message) -> Reply:
        msg = self._menu_text(msg)
        reply = self._route(msg)
        for hook in self.hooks:
            try:
                reply = hook.after(msg, self.ctx, reply)
            except Exception:
                log.exception("hook %s failed on a message from %s", hook.name, msg.user_id)
        return reply

    def _route(self, msg: Message) -> Reply:
        for handler in self.handlers:
            try:
                found = handler.match(msg, self.ctx)
                if found is None or found is False:
                    continue
                return handler.handle(msg, self.ctx, found)
            except Exception:
                log.exception("handler %s failed on %s message from %s",
                              handler.name, msg.kind, msg.user_id)
                return ERROR_REPLY
        return ERROR_REPLY

    def handle_text(self, msg: Message, max_bytes: int | None = None) -> str:
        """The reply as plain text, cut to `max_bytes` with the rest kept for “更多”."""
        reply = self.handle(msg)
        if reply.silent:
            return ""
        if max_bytes is None:
            return reply.as_text()
        page = paginate(reply, max_bytes)
        if page.rest:  # a later short answer leaves it alone: "更多" still means the long one
            try:
                self.ctx.conversation.set_more(msg.channel, msg.user_id, page.rest)
            except Exception:
                log.exception("could not keep the rest of a long answer")
        return page.text
