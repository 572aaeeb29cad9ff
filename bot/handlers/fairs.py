"""招聘会: upcoming fairs and info sessions, numbered; the list is kept so 提醒 2 can refer to it."""
from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..records import Fair
from ..store.conversation import Choice
from .base import person
from .faq import handler as faq
from .reminders import ahead, offsets_text

WORDS = {"招聘会", "近期招聘会", "招聘会列表", "双选会", "宣讲会", "空中宣讲", "最近的招聘会",
         "有什么招聘会", "招聘会安排"}
SHOWN = 10


def fair_detail(fair: Fair, n: int, ctx: BotContext, student_has_reminder: bool) -> Reply:
    """One fair from the list (number `n` in it): when, from and until, where, who comes."""
    kind = f"【{fair.kind}】" if fair.kind else ""
    lines = [f"{kind}{fair.title}", f"时间：{fair.when()}", f"地点：{fair.location}"]
    if fair.companies:
        lines.append("参会单位：" + "、".join(fair.companies[:20]))
    if fair.description:
        lines.append(fair.description)
    lines.append(fair.url)
    if student_has_reminder:
        footer = f"您已设置这场活动的提醒；回复“取消提醒 {n}”取消。"
    else:
        coming = ahead(fair, ctx.clock.now(), ctx.settings.push.reminder_offsets_minutes)
        footer = f"回复“提醒 {n}”在开始前 {offsets_text(coming)}提醒您。" if coming else ""
    return Reply("\n".join(lines), footer=footer)


class FairsHandler:
    name = "fairs"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return (msg.kind == "text" and fold(msg.text).replace(" ", "") in WORDS) or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        st = ctx.stores
        now = ctx.clock.now()
        days = ctx.settings.push.upcoming_fairs_days
        fairs = st.fairs.between(now, now + timedelta(days=days), limit=SHOWN)
        st.conversation.set_fair_list(msg.student, [f.id for f in fairs], now.timestamp(),
                                      ctx.settings.conversation.fairs_ttl)
        if not fairs:
            return none_published(msg, ctx, f"未来 {days} 天暂时没有已发布的招聘会或宣讲会，"
                                            "老师发布后我会在这里更新。")
        mine = st.reminders.fairs_of(person(msg, ctx))
        st.conversation.set_choices(msg.student, [Choice(f.title, "fair", f.id) for f in fairs])
        items = tuple(f.line() + ("（已设提醒）" if f.id in mine else "") for f in fairs)
        return Reply("近期招聘会和宣讲会：", items=items,
                     footer="回复编号查看详情；回复“提醒 编号”在开始前提醒您，“取消提醒 编号”取消。")


def none_published(msg: Message, ctx: BotContext, notice: str) -> Reply:
    """No fair in the list: what the school's FAQ says about fairs (where they are
    announced, how to prepare) beats a dead end, for an office that does not publish its
    fairs in the bot. The FAQ answers as it would on its own, the notice before it."""
    found = faq.match(msg, ctx)
    if found is None or found.result.decision == "decline":
        ctx.stores.conversation.set_choices(msg.student, [])
        return Reply(notice)
    answer = faq.handle(msg, ctx, found)
    return replace(answer, text=f"{notice}\n\n{answer.text}")


handler = FairsHandler()
