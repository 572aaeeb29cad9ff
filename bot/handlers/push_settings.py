"""推送设置: daily digest at a chosen hour, immediate, pause or resume."""
from __future__ import annotations

import re

from ..context import BotContext
from ..message import Message, Reply
from .args import PARTICLE, command_rest
from .base import person
from .subscriptions import describe_prefs

PREFIXES = ("推送设置", "设置推送", "推送时间")
SHORTCUTS = {"暂停推送": "暂停", "恢复推送": "恢复", "开启推送": "恢复", "立即推送": "立即"}
HOUR = re.compile(r"^(?:每天)?(?:早上|上午|中午|下午|晚上)?(\d{1,2})(?:点|时|:00|00)?(?:推送)?$")
MIN_HOUR, MAX_HOUR = 8, 21
USAGE = ("发送以下任意一种：\n"
         "· 推送设置 20 —— 每天 20 点推送一次汇总（可选 8 到 21 点）\n"
         "· 推送设置 立即 —— 有新岗位就推送\n"
         "· 推送设置 暂停 / 推送设置 恢复")


class PushSettingsHandler:
    name = "push_settings"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        rest = command_rest(msg, PREFIXES)
        if rest is not None:
            return rest
        for word, action in SHORTCUTS.items():
            if command_rest(msg, (word,)) == "":
                return action
        return None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        prefs_store, student = ctx.stores.prefs, person(msg, ctx)
        text = PARTICLE.sub("", found.replace(" ", ""))       # 暂停吧
        if not text:
            current = describe_prefs(prefs_store.get(student))
            return Reply(f"当前推送方式：{current}\n{USAGE}")
        if text in ("暂停", "停止", "关闭", "不要推送"):
            prefs_store.update(student, paused=True)
            return Reply("已暂停岗位推送。招聘会提醒照常发送；想恢复时发送“推送设置 恢复”。")
        if text in ("恢复", "开启", "继续", "打开"):
            prefs_store.update(student, paused=False)
            return Reply(f"已恢复推送：{describe_prefs(prefs_store.get(student))}。")
        if text in ("立即", "实时", "马上", "即时", "立刻"):
            prefs_store.update(student, mode="immediate", paused=False)
            return Reply("好的，以后有匹配的新岗位就立即推送给您（22:00 到次日 8:00 不打扰）。")
        m = HOUR.match(text)
        if m:
            hour = int(m.group(1))
            if ("下午" in text or "晚上" in text) and hour < 12:
                hour += 12
            if not MIN_HOUR <= hour <= MAX_HOUR:
                return Reply(f"推送时间只能选 {MIN_HOUR} 点到 {MAX_HOUR} 点之间（晚上 22 点到早上 8 点不打扰）。")
            prefs_store.update(student, mode="daily", hour=hour, paused=False)
            return Reply(f"好的，以后每天 {hour}:00 把新岗位汇总推送给您。")
        return Reply(f"没看懂“{found}”。{USAGE}")


handler = PushSettingsHandler()
