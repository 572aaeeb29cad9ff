"""A number picks from the numbered list this student was just sent: 2, 第2个, 第二条, 选一."""
from __future__ import annotations

import re

from ..context import BotContext
from ..message import Message, Reply
from ..store.conversation import Choice
from . import subscribe, unsubscribe
from .args import CHINESE_DIGITS
from .base import command, person
from .fairs import fair_detail
from .faq import answer_for

DIGIT = re.compile(r"^(?:我?(?:选|要|看)\s*)?(?:第\s*)?(\d{1,2}|[一二两三四五六七八九十])"
                   r"\s*(?:个|条|项|号|场)?\s*(?:吧|呢)?$")


class FollowupHandler:
    name = "followup"

    def match(self, msg: Message, ctx: BotContext) -> int | None:
        m = DIGIT.match(command(msg).replace(" ", ""))
        if not m:
            return None
        n = m.group(1)
        return int(n) if n.isdigit() else CHINESE_DIGITS[n]

    def handle(self, msg: Message, ctx: BotContext, found: int) -> Reply:
        choices = ctx.stores.conversation.choices(msg.student)
        if not choices:
            return Reply("您回复的编号没有对应的列表（列表可能已经过期了）。请直接用一句话提问，"
                         "或发送“帮助”看看我能做什么。")
        if not 1 <= found <= len(choices):
            return Reply(f"请回复 1 到 {len(choices)} 之间的数字。")
        return self.run(choices[found - 1], msg, ctx, found)

    def run(self, choice: Choice, msg: Message, ctx: BotContext, n: int = 1) -> Reply:
        if choice.action == "faq":
            entry = ctx.knowledge.current.kb.by_id(choice.value)
            if entry is None:
                return Reply("这条问答刚刚被老师更新了，请重新提问一次。")
            ctx.stores.faq_stats.hit(entry.id)
            if choice.asked:
                ctx.stores.unanswered.picked(choice.asked, entry.id)
            return answer_for(entry, ctx)
        if choice.action == "fair":
            fair = ctx.stores.fairs.get(choice.value)
            if fair is None:
                return Reply("这场活动已经取消或被老师删除了，请重新发送“招聘会”查看。")
            reminded = fair.id in ctx.stores.reminders.fairs_of(person(msg, ctx))
            return fair_detail(fair, n, ctx, reminded)
        if choice.action == subscribe.ACTION:
            return subscribe.from_choice(ctx, person(msg, ctx), choice.value)
        if choice.action == unsubscribe.ACTION:
            return unsubscribe.from_choice(ctx, person(msg, ctx), choice.value)
        if choice.action == "pause":
            ctx.stores.conversation.set_choices(msg.student, [])
            if choice.value != "yes":
                return Reply("好的，推送照常。")
            ctx.stores.prefs.update(person(msg, ctx), paused=True)
            return Reply("已暂停岗位推送。招聘会提醒照常发送；想恢复时发送“推送设置 恢复”。")
        return Reply("这个选项已经失效了，请重新提问。")


handler = FollowupHandler()
