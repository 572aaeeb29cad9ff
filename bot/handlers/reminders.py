"""提醒 <编号> / 取消提醒 <编号>: reminders before a fair from the list just shown."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from .args import command_rest, number
from .base import person

NO_LIST = "请先发送“招聘会”查看近期活动，再回复“提醒 编号”。"


def _offsets_text(minutes: list[int]) -> str:
    parts = [f"{m // 1440} 天" if m % 1440 == 0 else f"{m // 60} 小时" if m % 60 == 0 else f"{m} 分钟"
             for m in sorted(minutes, reverse=True)]
    return "和".join(parts)


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
            return Reply(f"请在“{verb}”后面写上招聘会的编号，例如“{verb} 2”。" + ("" if on else "")
                         + NO_LIST.replace("提醒 编号", f"{verb} 编号"))
        st = ctx.stores
        choices = [c for c in st.conversation.choices(msg.student) if c.action == "fair"]
        if not choices:
            return Reply(NO_LIST)
        if not 1 <= n <= len(choices):
            return Reply(f"请回复 1 到 {len(choices)} 之间的编号。")
        fair = st.fairs.get(choices[n - 1].value)
        if fair is None:
            return Reply("这场活动已经取消或被老师删除了，请重新发送“招聘会”查看。")
        if not on:
            removed = st.reminders.remove(person(msg, ctx), fair.id)
            return Reply(f"已取消提醒：{fair.title}" if removed else f"您没有设置“{fair.title}”的提醒。")
        st.reminders.add(person(msg, ctx), fair.id)
        offsets = ctx.settings.push.reminder_offsets_minutes
        return Reply(f"好的，将在开始前 {_offsets_text(offsets)}提醒您：\n{fair.line()}\n"
                     f"（22:00 到次日 8:00 不打扰，届时的提醒会在早上发送）")


handler = ReminderHandler()
