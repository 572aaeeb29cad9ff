"""Running a message through the handler table, safely, and fitting the reply to a channel.

Whatever goes wrong inside a handler, the student gets a kind Chinese sentence, never
silence or a stack trace; the error goes to the log with the handler that failed.
Paging happens here, once, for every channel: a reply too long for the channel is cut
at a sentence and the rest kept for “更多”; channels only render what they are given.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import Sequence

from .context import BotContext
from .handlers import HANDLERS, HOOKS
from .handlers.base import Handler, Hook
from .message import Message, Reply
from .paging import Page, paginate

log = logging.getLogger(__name__)

ERROR_REPLY = Reply("抱歉，系统刚刚开了个小差，请稍后再发一次。如果着急，可以直接联系就业指导中心的老师。")


@dataclass(frozen=True)
class Answer:
    """A reply and the page of it that fits the channel."""

    reply: Reply
    page: Page

    @property
    def silent(self) -> bool:
        return self.reply.silent

    @property
    def text(self) -> str:
        return "" if self.reply.silent else self.page.text


class Dispatcher:
    def __init__(self, ctx: BotContext, handlers: Sequence[Handler] = HANDLERS,
                 hooks: Sequence[Hook] = HOOKS) -> None:
        self.ctx = ctx
        self.handlers = tuple(handlers)
        self.hooks = tuple(hooks)

    def _menu_text(self, msg: Message) -> Message:
        """A menu CLICK counts as the student typing the text its key maps to."""
        if msg.kind == "event" and msg.event == "click" and msg.channel == "wechat":
            text = self.ctx.settings.channels.wechat.menu.get(msg.event_key or "")
            if text:
                return replace(msg, kind="text", text=str(text), event=None)
        return msg

    def _seen(self, msg: Message) -> None:
        """Remember who wrote and when: the audience of broadcasts, and WeChat's 48-hour window."""
        try:
            self.ctx.stores.students.seen(msg.student, self.ctx.clock.now().timestamp())
        except Exception:  # never let bookkeeping keep a student from an answer
            log.warning("could not record a %s student as seen", msg.channel, exc_info=True)

    def handle(self, msg: Message) -> Reply:
        msg = self._menu_text(msg)
        self._seen(msg)
        reply = self._route(msg)
        for hook in self.hooks:
            try:
                reply = hook.after(msg, self.ctx, reply)
            except Exception:
                log.exception("hook %s failed on a %s message", hook.name, msg.channel)
        return reply

    def _route(self, msg: Message) -> Reply:
        for handler in self.handlers:
            try:
                found = handler.match(msg, self.ctx)
                if found is None or found is False:
                    continue
                return handler.handle(msg, self.ctx, found)
            except Exception:
                log.exception("handler %s failed on a %s %s message", handler.name,
                              msg.channel, msg.kind)
                return ERROR_REPLY
        return ERROR_REPLY

    def answer(self, msg: Message, max_bytes: int | None = None) -> Answer:
        """The reply, cut to `max_bytes` with the rest kept for “更多”."""
        reply = self.handle(msg)
        page = paginate(reply, None if reply.silent else max_bytes)
        if page.rest:  # a later short answer leaves it alone: "更多" still means the long one
            try:
                self.ctx.stores.conversation.set_more(msg.student, page.rest)
            except Exception:
                log.exception("could not keep the rest of a long answer")
        return Answer(reply, page)
