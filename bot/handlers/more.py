"""更多: the rest of an answer that was too long for one message, or the next page of a list."""
from __future__ import annotations

from typing import Callable

from ..context import BotContext
from ..message import Message, Reply
from . import job_search
from .base import command

WORDS = {"更多", "继续", "下一页", "后面呢", "全文", "more"}
NOTHING = "没有更多内容了。还有其他问题可以直接问我。"
# A list's name (`More.kind`) -> how to make its next page from what was kept.
PAGERS: dict[str, Callable[[BotContext, str], Reply]] = {
    job_search.MORE_KIND: job_search.next_page,
}


class MoreHandler:
    name = "more"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return command(msg).replace(" ", "") in WORDS or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        more = ctx.stores.conversation.take_more(msg.student)
        if more is None:
            return Reply(NOTHING)
        kind, value = more
        if kind == "text":
            return Reply(value)
        pager = PAGERS.get(kind)
        return pager(ctx, value) if pager else Reply(NOTHING)


handler = MoreHandler()
