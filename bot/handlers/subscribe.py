"""订阅 <关键词…>: subscribe to job alerts; all words of one subscription must match.

The reply says what each subscription will match, how many open jobs already do, and
which words no job uses. Two places that can never meet (订阅 Java 北京 上海) are offered
as one subscription per place; "或" makes one per alternative at once.
"""
from __future__ import annotations

import json

from ..clock import SHANGHAI
from ..context import BotContext
from ..message import Message, Reply
from ..push.lookup import JobLookup
from ..push.subscribing import TooMany, describe, mark_or, read, unused_words
from ..push.vocab import SubscriptionTerms
from ..records import StudentKey
from ..store.conversation import Choice
from .args import PrefixCommand, words
from .base import person

PREFIXES = ("订阅", "关注岗位", "订阅岗位")
USAGE = ("请在“订阅”后面写上关键词，例如：订阅 Java 北京\n"
         "几个词要同时满足才推送；可以写专业、城市、行业、公司，也可以写区域（长三角、珠三角、京津冀、成渝、大湾区）；"
         "想要几个里任一个，用“或”：订阅 Java或Python")
ACTION = "subscribe"


def label(sub: SubscriptionTerms) -> str:
    return " + ".join(sub.words)


def offer_by_place(msg: Message, ctx: BotContext, as_typed: SubscriptionTerms,
                   parts: tuple[SubscriptionTerms, ...]) -> Reply:
    """Two cities in one subscription never match: offer one per place, the student picks."""
    def value(subs: tuple[SubscriptionTerms, ...]) -> str:
        return json.dumps([list(s.words) for s in subs], ensure_ascii=False)
    options = [(f"{len(parts)} 个都订阅：" + "；".join(label(p) for p in parts), value(parts))]
    options += [(f"只订阅 {label(p)}", value((p,))) for p in parts]
    ctx.stores.conversation.set_choices(msg.student, [Choice(t, ACTION, v) for t, v in options])
    return Reply(f"“{label(as_typed)}”要求一个岗位同时在这几个地方，这样的岗位是没有的。"
                 "按地点分开订阅，任一个地方有新岗位都推送给您，好吗？",
                 items=tuple(t for t, _ in options),
                 footer=f"回复数字选择；也可以重新发送，例如“订阅 {' '.join(parts[0].words)}”。")


def subscribe(ctx: BotContext, student: StudentKey, subs: list[SubscriptionTerms]) -> Reply:
    """Make `subs` (those not already there) and say what each will match."""
    st, limits = ctx.stores, ctx.settings.push
    existing = st.subscriptions.list(student)
    have = {s.terms: s for s in existing}
    new = [s for s in subs if s.terms not in have]
    if not new:
        return Reply("您已经订阅过：" + "；".join(have[s.terms].label for s in subs) + "，不用重复订阅。")
    cap = limits.max_subscriptions_per_student
    if len(existing) + len(new) > cap:
        full = (f"您已经有 {len(existing)} 个订阅，达到上限（{cap} 个）。" if len(existing) >= cap
                else f"您已经有 {len(existing)} 个订阅，再加 {len(new)} 个会超过上限（{cap} 个）。")
        return Reply(full + "请先发送“我的订阅”查看，用“退订 编号”删掉不需要的，再订阅新的。")
    for s in new:
        st.subscriptions.add(student, s.words, s.terms)
    lookup = JobLookup(st, ctx.clock.now().astimezone(SHANGHAI).date())
    lines = [f"已订阅：{label(new[0])}" if len(new) == 1
             else f"已订阅 {len(new)} 个（任一个符合就推送）："]
    for n, s in enumerate(new, 1):   # new ids are the highest: last in 我的订阅
        lines.append(_about(ctx, s, lookup, None if len(new) == 1 else n, len(existing) + n))
    skipped = [s for s in subs if s.terms in have]
    if skipped:
        lines.append("已经订阅过、没有重复订阅：" + "；".join(label(s) for s in skipped))
    prefs = st.prefs.get(student)
    when = ("有新岗位时立即推送" if prefs.mode == "immediate"
            else f"每天 {prefs.hour}:00 把新岗位汇总推送给您")
    lines.append(f"{when}（发送“推送设置”可以修改），发送“我的订阅”查看全部订阅。")
    if prefs.paused:
        lines.append("提示：您目前暂停了推送，发送“推送设置 恢复”重新开启。")
    return Reply("\n".join(lines))


def _about(ctx: BotContext, sub: SubscriptionTerms, lookup: JobLookup, n: int | None,
           position: int) -> str:
    """What one subscription will match, how many open jobs already do, odd words."""
    vocab = ctx.vocab
    head = f"{n}. {label(sub)}：" if n else ("推送同时满足这些的新岗位：" if len(sub.words) > 1
                                              else "推送这样的新岗位：")
    text = head + describe(vocab, sub) + "。"
    if lookup.empty:
        return text + "目前还没有发布岗位，有新岗位时推送给您。"
    count = len(lookup.matching_ids(sub.terms))
    search = f"“查岗位 {' '.join(sub.words)}”"
    known, odd = unused_words(vocab, sub, lookup.used)
    absent = f"：现有岗位里都没有“{'”“'.join(known + odd)}”" if known or odd else ""
    text += (f"\n目前有 {count} 个在招岗位符合，发送{search}查看。" if count
             else f"\n目前还没有符合的在招岗位{absent}，有新岗位时推送给您。")
    if odd:
        text += (f"\n提醒：“{'”“'.join(odd)}”我也不认识，请检查是否写错了；想换个说法，"
                 f"发送“退订 {position}”删掉这个订阅后重新订阅。")
    return text


def from_choice(ctx: BotContext, student: StudentKey, value: str) -> Reply:
    """The student picked one of the offered splits (see `offer_by_place`)."""
    ctx.stores.conversation.set_choices(student, [])
    return subscribe(ctx, student, [ctx.vocab.subscription(w) for w in json.loads(value)])


class SubscribeHandler(PrefixCommand):
    name = "subscribe"
    prefixes = PREFIXES

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        typed = words(mark_or(found))
        if not typed:
            return Reply(USAGE)
        try:
            request = read(ctx.vocab, typed)
        except TooMany as exc:
            return Reply(str(exc))
        max_words = ctx.settings.push.max_words_per_subscription
        if any(len(s.words) > max_words for s in request.subscriptions):
            return Reply(f"一个订阅最多 {max_words} 个关键词（词越多，能匹配的岗位越少）。请删掉一些再发。")
        if not request.subscriptions or not all(s.terms for s in request.subscriptions):
            return Reply("没能从您发的内容里认出关键词。" + USAGE)
        if request.by_place:
            return offer_by_place(msg, ctx, request.as_typed, request.subscriptions)
        return subscribe(ctx, person(msg, ctx), list(request.subscriptions))


handler = SubscribeHandler()
