"""推送设置: daily digest at a chosen hour, immediate, pause or resume."""
from __future__ import annotations

import re

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..records import StudentKey
from .args import CHINESE_DIGITS, PARTICLE, command_rest
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


# 每天晚上8点推送, 帮我把推送改到八点, 推送改成立即: a setting asked in a sentence.
PUSH_WORDS = re.compile("推送|推给我|推我|发给我|发我|汇总")
AT_HOUR = re.compile(r"(早上|上午|中午|下午|晚上)?\s*"
                     r"(?:(\d{1,2})\s*(?:点|时|:00)|([一二两三四五六七八九十]{1,3})点)")
AT_ONCE = re.compile("立即|实时|马上|即时|立刻|第一时间")
NOT_A_SETTING = re.compile("怎么|如何|为什么|什么|几点|多久|吗$")
ABOUT_THE_SETTING = re.compile("几点|什么时候|时间|改|设置|调")
# 设置推送关键词的方法是啥: what is pushed is the subscriptions' business, not when.
ABOUT_SUBSCRIPTIONS = re.compile("关键词|订阅")


def _hour(written: str) -> int | None:
    """8, 08, 八, 十二, 二十: the hour as a number."""
    if written.isdigit():
        return int(written)
    if "十" not in written:
        return CHINESE_DIGITS.get(written)
    tens, _, ones = written.partition("十")
    return CHINESE_DIGITS.get(tens, 1) * 10 + CHINESE_DIGITS.get(ones, 0)


def setting_in(text: str) -> str | None:
    """The setting a sentence asks for, in this command's own words ("晚上8", "立即"), or
    "" for a question about the settings (the reply shows them and how to change them)."""
    if not PUSH_WORDS.search(text) or ABOUT_SUBSCRIPTIONS.search(text):
        return None
    if NOT_A_SETTING.search(text):      # 推送一般几点发, 推送怎么改: the settings and how
        return "" if ABOUT_THE_SETTING.search(text) else None
    at = AT_HOUR.search(text)
    if at:
        hour = _hour(at.group(2) or at.group(3))
        return None if hour is None else f"{at.group(1) or ''}{hour}"
    return "立即" if AT_ONCE.search(text) else None


def _unsubscribed(ctx: BotContext, student: StudentKey) -> str:
    """有新岗位第一时间发给我 from a student with no subscription: the setting alone
    pushes nothing, so say what will."""
    if ctx.stores.subscriptions.list(student):
        return ""
    return "\n您还没有订阅岗位，发送“订阅”加关键词就会收到推送，例如：订阅 Java 北京"


class PushSettingsHandler:
    name = "push_settings"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        rest = command_rest(msg, PREFIXES)
        if rest is not None:
            return None if ABOUT_SUBSCRIPTIONS.search(rest) else rest
        for word, action in SHORTCUTS.items():
            if command_rest(msg, (word,)) == "":
                return action
        return setting_in(fold(msg.text)) if msg.kind == "text" else None

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
            return Reply(f"已恢复推送：{describe_prefs(prefs_store.get(student))}。" + _unsubscribed(ctx, student))
        if text in ("立即", "实时", "马上", "即时", "立刻"):
            prefs_store.update(student, mode="immediate", paused=False)
            return Reply("好的，以后有匹配的新岗位就立即推送给您（22:00 到次日 8:00 不打扰）。"
                         + _unsubscribed(ctx, student))
        m = HOUR.match(text)
        if m:
            hour = int(m.group(1))
            if ("下午" in text or "晚上" in text) and hour < 12:
                hour += 12
            if not MIN_HOUR <= hour <= MAX_HOUR:
                return Reply(f"推送时间只能选 {MIN_HOUR} 点到 {MAX_HOUR} 点之间（晚上 22 点到早上 8 点不打扰）。")
            prefs_store.update(student, mode="daily", hour=hour, paused=False)
            return Reply(f"好的，以后每天 {hour}:00 把新岗位汇总推送给您。" + _unsubscribed(ctx, student))
        return Reply(f"没看懂“{found}”。{USAGE}")


handler = PushSettingsHandler()
