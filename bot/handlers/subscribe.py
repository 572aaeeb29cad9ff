"""订阅 <关键词…>: subscribe to job alerts; all words of one subscription must match."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from .args import PrefixCommand, words
from .base import person

PREFIXES = ("订阅", "关注岗位", "订阅岗位")
USAGE = ("请在“订阅”后面写上关键词，例如：订阅 Java 北京\n"
         "几个词要同时满足才推送；可以写专业、城市、行业、公司，也可以写区域（长三角、珠三角、京津冀、成渝）。")


class SubscribeHandler(PrefixCommand):
    name = "subscribe"
    prefixes = PREFIXES

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        st, vocab, limits = ctx.stores, ctx.vocab, ctx.settings.push
        typed = words(found)
        max_words = limits.max_words_per_subscription
        if not typed:
            return Reply(USAGE)
        if len(typed) > max_words:
            return Reply(f"一个订阅最多 {max_words} 个关键词（词越多，能匹配的岗位越少）。请删掉一些再发。")
        sub = vocab.subscription(typed)
        if not sub.terms:
            return Reply("没能从您发的内容里认出关键词。" + USAGE)
        me = person(msg, ctx)
        existing = st.subscriptions.list(me)
        for old in existing:
            if old.terms == sub.terms:
                return Reply(f"您已经订阅过：{old.label}，不用重复订阅。")
        cap = limits.max_subscriptions_per_student
        if len(existing) >= cap:
            return Reply(f"您已经有 {len(existing)} 个订阅，达到上限（{cap} 个）。"
                         f"请先发送“我的订阅”查看，用“退订 编号”删掉不需要的，再订阅新的。")
        st.subscriptions.add(me, sub.words, sub.terms)
        label = " + ".join(sub.words)
        regions = [vocab.describe_region(t) for t in sorted(sub.terms)]
        regions = [r for r in regions if r]
        prefs = st.prefs.get(me)
        when = ("有新岗位时立即推送" if prefs.mode == "immediate"
                else f"每天 {prefs.hour}:00 把新岗位汇总推送给您")
        lines = [f"已订阅：{label}"]
        if regions:
            lines.append("其中 " + "，".join(regions))
        if len(sub.words) > 1:
            lines.append("这几个词要同时满足才会推送。")
        lines.append(f"{when}（发送“推送设置”可以修改），发送“我的订阅”查看全部订阅。")
        if prefs.paused:
            lines.append("提示：您目前暂停了推送，发送“推送设置 恢复”重新开启。")
        return Reply("\n".join(lines))


handler = SubscribeHandler()
