"""Running a message through the handler table, safely, and fitting the reply to a channel.

Whatever goes wrong inside a handler, the student gets a kind Chinese sentence, never
silence or a stack trace; the error goes to the log with the handler that failed. While
Redis does not answer, what needs it says 稍后再试 and the FAQ answers as usual. Text is
cleaned (lone surrogates, control characters) and capped in length before any handler
sees it, so no message can crash or tie up the understanding code.
Paging happens here, once, for every channel: a reply too long for the channel is cut
at a sentence and the rest kept for “更多”, as is the next page of a list a handler
paged; channels only render what they are given.
"""
from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, replace
from typing import Sequence

from . import metrics
from .context import BotContext
from .handlers import HANDLERS, HOOKS
from .handlers.base import Handler, Hook
from .message import Message, More, Reply
from .paging import Page, paginate
from .store import StoreUnavailable
from .text import clean

log = logging.getLogger(__name__)

ERROR_REPLY = Reply("抱歉，系统刚刚开了个小差，请稍后再发一次。如果着急，可以直接联系就业指导中心的老师。")
BUSY_REPLY = Reply("系统正在维护，这项功能暂时用不了，请过几分钟稍后再试。政策问题现在照样可以直接问我。")
_UNSAFE = re.compile("[\ud800-\udfff\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def clean_text(text: str) -> str:
    """Without lone surrogates (they cannot even be encoded) or control characters."""
    return _UNSAFE.sub("", text)


def too_long_reply(length: int, limit: int) -> Reply:
    return Reply(f"您发来的内容有 {length} 个字，太长啦，我一次只能读懂 {limit} 字以内的问题。"
                 "请用一两句话说说您想问什么，我马上帮您查。")


_last_warning = 0.0


def _warn_unavailable(what: str) -> None:
    """One line every 10 s at most while Redis is down, not a stack trace per message."""
    global _last_warning
    now = time.monotonic()
    if now - _last_warning >= 10:
        _last_warning = now
        log.warning("Redis is not answering: %s (students are told 稍后再试 where it is needed)", what)


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


def _outcome(handler: str, found: object, reply: Reply) -> str:
    """How /metrics counts a handled message: the FAQ's own decision when it answered
    (its match carries a `result`), a decline wherever it came from, else by handler."""
    if reply.declined:
        return "declined"
    if handler == "faq":
        decision = getattr(getattr(found, "result", None), "decision", "answer")
        return "suggested" if decision == "suggest" else "answered"
    return {"events": "event", "media": "media", "fallback": "declined"}.get(handler, "command")


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

    def _glance(self, msg: Message) -> None:
        """What the handlers will ask of this chat (a dialog waiting, notices held), in one
        round trip now unless the platform's claim read it (`Stores.glance`)."""
        if msg.kind != "text":
            return
        try:
            self.ctx.stores.glance(msg.student)
        except StoreUnavailable:
            _warn_unavailable("the chat's state is read where it is needed")
        except Exception:  # each reader then asks on its own
            log.warning("could not read a %s chat's state", msg.channel, exc_info=True)

    def handle(self, msg: Message) -> Reply:
        return self._handle(msg)[0]

    def _handle(self, msg: Message) -> tuple[Reply, str]:
        """The reply and its outcome for /metrics (`metrics.OUTCOMES`)."""
        # Halves of UTF-16 pairs or undecoded bytes (a terminal paste cut mid-character,
        # a platform's JSON) cannot be encoded: for Redis, OpenCC or a log line they are
        # made whole or replaced here, once, before anything reads the text.
        msg = self._menu_text(replace(msg, text=clean(msg.text)) if msg.text else msg)
        self._seen(msg)
        self._glance(msg)
        limit = self.ctx.settings.conversation.max_message_chars
        if msg.kind == "text":
            msg = replace(msg, text=clean_text(msg.text))
        if len(msg.text) > limit:
            reply, outcome = too_long_reply(len(msg.text), limit), "declined"
        else:
            reply, outcome = self._route(msg)
        for hook in self.hooks:
            try:
                reply = hook.after(msg, self.ctx, reply)
            except StoreUnavailable:
                _warn_unavailable(f"hook {hook.name} skipped")
            except Exception:
                log.exception("hook %s failed on a %s message", hook.name, msg.channel)
        return reply, outcome

    def _route(self, msg: Message) -> tuple[Reply, str]:
        for handler in self.handlers:
            try:
                found = handler.match(msg, self.ctx)
                if found is None or found is False:
                    continue
                reply = handler.handle(msg, self.ctx, found)
                return reply, _outcome(handler.name, found, reply)
            except StoreUnavailable:
                _warn_unavailable(f"handler {handler.name}")
                return BUSY_REPLY, "busy"
            except Exception:
                log.exception("handler %s failed on a %s %s message", handler.name,
                              msg.channel, msg.kind)
                return ERROR_REPLY, "error"
        return ERROR_REPLY, "error"

    def answer(self, msg: Message, max_bytes: int | None = None) -> Answer:
        """The reply, cut to `max_bytes` with the rest kept for “更多”.

        Bookkeeping writes (when the chat last wrote, FAQ counts, “更多”) ride with the
        message's next Redis round trip (`Stores.deferred`), or go together at the end."""
        with self.ctx.stores.deferred():
            return self._answer(msg, max_bytes)

    def _answer(self, msg: Message, max_bytes: int | None) -> Answer:
        elapsed = metrics.timer()
        reply, outcome = self._handle(msg)
        page = paginate(reply, None if reply.silent else max_bytes)
        # A later short answer leaves "更多" alone: it still means the long one.
        more = More("text", page.rest) if page.rest else reply.more
        if more is not None:
            try:
                self.ctx.stores.conversation.set_more(msg.student, more.kind, more.value)
            except StoreUnavailable:
                _warn_unavailable("the rest of a long answer was not kept")
            except Exception:
                log.exception("could not keep what “更多” goes on with")
        metrics.message(msg.channel, outcome, elapsed())
        return Answer(reply, page)
