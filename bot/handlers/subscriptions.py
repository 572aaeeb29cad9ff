"""我的订阅: the student's subscriptions, numbered, with their push settings."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..store.prefs import Prefs
from .base import person

WORDS = {"我的订阅", "订阅列表", "查看订阅", "我订阅了什么", "订阅管理"}


def describe_prefs(prefs: Prefs) -> str:
    if prefs.unfollowed:
        return "推送已停止（您取消了关注；重新关注后自动恢复）"
    if prefs.paused:
        return "岗位推送已暂停（发送“推送设置 恢复”重新开启）"
    if prefs.mode == "immediate":
        return "有新岗位时立即推送"
    return f"每天 {prefs.hour}:00 推送一次汇总"


class MySubscriptionsHandler:
    name = "my_subscriptions"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return (msg.kind == "text" and fold(msg.text).replace(" ", "") in WORDS) or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        me = person(msg, ctx)
        subs = ctx.stores.subscriptions.list(me)
        prefs = ctx.stores.prefs.get(me)
        if not subs:
            return Reply("您还没有订阅岗位。发送“订阅 关键词”开始，例如：订阅 Java 北京")
        return Reply(f"您的订阅（共 {len(subs)} 个）：", items=tuple(s.label for s in subs),
                     footer=f"推送方式：{describe_prefs(prefs)}\n"
                            "发送“退订 编号”删除一个，“退订 全部”删除所有。")


handler = MySubscriptionsHandler()
