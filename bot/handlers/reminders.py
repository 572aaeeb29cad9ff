"""提醒 <编号> / 取消提醒 <编号>: reminders before a fair from the last 招聘会 list.

The numbers refer to the fair list itself (kept apart from the digits' choices), so
“提醒 2” still works after an FAQ “您是不是想问” list came in between. A reminder
whose time has already passed is never promised: the reply names only those ahead.
"""
from __future__ import annotations

from datetime import datetime, timedelta

from ..context import BotContext
from ..message import Message, Reply
from ..records import Fair
from .args import command_rest, number
from .base import person

NO_LIST = "请先发送“招聘会”查看近期活动，再回复“提醒 编号”。"


def offsets_text(minutes: list[int]) -> str:
    """[1440, 60] -> "1 天和 1 小时" """
    parts = [f"{m // 1440} 天" if m % 1440 == 0 else f"{m // 60} 小时" if m % 60 == 0 else f"{m} 分钟"
             for m in sorted(minutes, reverse=True)]
    return "和 ".join(parts)


def ahead(fair: Fair, now: datetime, offsets: list[int]) -> list[int]:
    """The reminder offsets (minutes before the start) whose time is still to come."""
    return [m for m in offsets if fair.start - timedelta(minutes=m) > now]


def _minutes_left(fair: Fair, now: datetime) -> str:
    minutes = max(int((fair.start - now).total_seconds() // 60), 1)
    return f"{minutes // 60} 小时 {minutes % 60} 分钟" if minutes >= 60 else f"{minutes} 分钟"


class ReminderHandler:
    name = "reminders"

    def match(self, msg: Message, ctx: BotContext) -> tuple[bool, str] | None:
        rest = command_rest(msg, ("取消提醒",))
        if rest is not None:
            return (False, rest)
        rest = command_rest(msg, ("提醒我", "提醒"))
        if rest is not None and (number(rest) is not None or not rest):
            return (True, rest)
        return None

    def handle(self, msg: Message, ctx: BotContext, found: tuple[bool, str]) -> Reply:
        on, rest = found
        n = number(rest)
        verb = "提醒" if on else "取消提醒"
        if n is None:
            return Reply(f"请在“{verb}”后面写上招聘会的编号，例如“{verb} 2”。"
                         + NO_LIST.replace("提醒 编号", f"{verb} 编号"))
        st, now = ctx.stores, ctx.clock.now()
        listed = st.conversation.fair_list(msg.student, now.timestamp())
        if not listed:
            return Reply(NO_LIST)
        if not 1 <= n <= len(listed):
            return Reply(f"请回复 1 到 {len(listed)} 之间的编号。")
        fair = st.fairs.get(listed[n - 1])
        if fair is None:
            return Reply("这场活动已经取消或被老师删除了，请重新发送“招聘会”查看。")
        if not on:
            removed = st.reminders.remove(person(msg, ctx), fair.id)
            return Reply(f"已取消提醒：{fair.title}" if removed else f"您没有设置“{fair.title}”的提醒。")
        if fair.start <= now:
            return Reply(f"这场活动已经开始了，不再设置提醒：\n{fair.line()}")
        coming = ahead(fair, now, ctx.settings.push.reminder_offsets_minutes)
        if not coming:
            return Reply(f"这场活动 {_minutes_left(fair, now)}后就开始了，来不及提前提醒，"
                         f"请直接前往：\n{fair.line()}")
        st.reminders.add(person(msg, ctx), fair.id, now.timestamp())
        return Reply(f"好的，将在开始前 {offsets_text(coming)}提醒您：\n{fair.line()}\n"
                     f"（22:00 到次日 8:00 不打扰，届时的提醒会在早上发送）")


handler = ReminderHandler()
