"""A digit picks from the numbered list this student was just sent."""
from __future__ import annotations

import re

from ..context import BotContext
from ..message import Message, Reply
from ..store.conversation import Choice
from .base import command
from .fairs import fair_detail
from .faq import answer_reply

DIGIT = re.compile(r"^(?:第\s*)?(\d{1,2})(?:\s*个|\s*条)?$")


class FollowupHandler:
    name = "followup"

    def match(self, msg: Message, ctx: BotContext) -> int | None:
        m = DIGIT.match(command(msg))
        return int(m.group(1)) if m else None

    def handle(self, msg: Message, ctx: BotContext, found: int) -> Reply:
        choices = ctx.stores.conversation.choices(msg.student)
        if not choices:
            return Reply("您回复的编号没有对应的列表（列表可能已经过期了）。请直接用一句话提问，"
                         "或发送“帮助”看看我能做什么。")
        if not 1 <= found <= len(choices):
            return Reply(f"请回复 1 到 {len(choices)} 之间的数字。")
        return self.run(choices[found - 1], msg, ctx)

    def run(self, choice: Choice, msg: Message, ctx: BotContext) -> Reply:
        if choice.action == "faq":
            entry = ctx.knowledge.current.kb.by_id(choice.value)
            if entry is None:
                return Reply("这条问答刚刚被老师更新了，请重新提问一次。")
            ctx.stores.faq_stats.hit(entry.id)
            return answer_reply(entry)
        if choice.action == "fair":
            fair = ctx.stores.fairs.get(choice.value)
            if fair is None:
                return Reply("这场活动已经取消或被老师删除了，请重新发送“招聘会”查看。")
            return fair_detail(fair)
        return Reply("这个选项已经失效了，请重新提问。")


handler = FollowupHandler()
