"""退订 <编号|关键词|全部>: remove one subscription, those containing a word, or all."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..records import StudentKey
from .args import PrefixCommand, number, words
from .base import person

PREFIXES = ("退订", "取消订阅", "删除订阅")
# The whole message: TD is how every Chinese SMS says 退订.
ALIASES = {"td", "unsubscribe"}
ALL = {"全部", "所有", "all", "全部订阅"}
ACTION = "unsubscribe"


class UnsubscribeHandler(PrefixCommand):
    name = "unsubscribe"
    prefixes = PREFIXES

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        if msg.kind == "text" and fold(msg.text) in ALIASES:
            return ""
        return super().match(msg, ctx)

    def takes(self, rest: str, ctx: BotContext) -> bool:
        """我要退订第2个, 帮我退订全部, 我想退订 Java."""
        return number(rest) is not None or rest.lower() in ALL or super().takes(rest, ctx)

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        store, me = ctx.stores.subscriptions, person(msg, ctx)
        subs = store.list(me)
        if not subs:
            return Reply("您目前没有订阅，无需退订。")
        listing = "\n".join(f"{n}. {s.label}" for n, s in enumerate(subs, 1))
        if not found:
            return Reply(f"请告诉我退订哪一个，例如“退订 1”或“退订 全部”。您的订阅：\n{listing}")
        if found.strip().lower() in ALL:
            store.remove(me, [s.id for s in subs])
            return Reply(f"已退订全部 {len(subs)} 个订阅，不会再给您推送岗位。"
                         "想重新订阅，发送“订阅 关键词”即可。")
        n = number(found)
        if n is not None:
            if not 1 <= n <= len(subs):
                return Reply(f"没有第 {n} 个订阅。您的订阅：\n{listing}")
            gone = [subs[n - 1]]
        else:
            terms = ctx.vocab.subscription(words(found)).terms
            gone = [s for s in subs if terms and terms <= s.terms]
            if not gone:
                return Reply(f"没有找到包含“{found}”的订阅。您的订阅：\n{listing}\n请发送“退订 编号”。")
        store.remove(me, [s.id for s in gone])
        left = len(subs) - len(gone)
        return Reply("已退订：" + "；".join(s.label for s in gone)
                     + (f"\n还剩 {left} 个订阅，发送“我的订阅”查看。" if left else "\n您已没有订阅。"))


def from_choice(ctx: BotContext, student: StudentKey, value: str) -> Reply:
    """The student picked “退订：Java” from the offer a sentence got (取消java的订阅)."""
    ctx.stores.conversation.set_choices(student, [])
    store = ctx.stores.subscriptions
    gone = [s for s in store.list(student) if str(s.id) == value]
    if not gone:
        return Reply("这个订阅已经不在了，发送“我的订阅”查看现有的订阅。")
    store.remove(student, [gone[0].id])
    return Reply(f"已退订：{gone[0].label}\n发送“我的订阅”查看其余的订阅。")


handler = UnsubscribeHandler()
