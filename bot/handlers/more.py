"""更多: the rest of an answer that was too long for one message."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from .base import command

WORDS = {"更多", "继续", "下一页", "后面呢", "全文", "more"}


class MoreHandler:
    name = "more"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return command(msg).replace(" ", "") in WORDS or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        rest = ctx.stores.conversation.take_more(msg.student)
        if not rest:
            return Reply("没有更多内容了。还有其他问题可以直接问我。")
        return Reply(rest)


handler = MoreHandler()
