"""不对 / 不是这个 / 答非所问: the student says what the bot just said missed.

Right after a direct FAQ answer, the answer was wrong: a confident answer can still be
the wrong entry (a campus question in the office's own words, a side of a topic the entry
does not cover). The student gets the other entries the question came close to, numbered,
and the way to a person; the question goes to the staff's workbench marked with the entry
that was wrong, so a teacher sees the confident mistakes too (not only what the bot
declined) and the re-check does not close it while the bot still gives that answer. Only
the chat's last exchange is looked at, from the turns kept for the staff card
(`store.turns`). After anything else it is a plain "no": to a confirmation offering a
"no" option (要暂停推送吗 … 不用了，继续推送) it picks that option; to a "您是不是想问" list
the listed entries are marked rejected on the question's record; otherwise the bot says
how to go on and does nothing. 不对 is never filed as a question of its own.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from ..context import BotContext
from ..kb.model import FaqEntry
from ..message import Message, Reply
from ..nlp.normalize import normalize
from ..store import RedisError
from ..store.conversation import Choice
from ..store.stats import REJECTED
from . import followup
from .base import contact_line
from .fallback import today, worth_recording
from .faq import FaqFound

_LEAD = r"(?:老师|同学|呃|额|嗯|唉|哎|啊|可是|但是|不过)*"
_WHO = r"(?:你|你这|你这个|这|这个|这条|回答|答案|你的回答|你给的|你发的)?(?:说|答|回答|回复|给)?(?:的)?"
_SAYS = (r"不对|错了|不是|都不是|都不对|不是(?:这个|这条|那个|这样)(?:意思|问题)?|答非所问|文不对题|牛头不对马嘴|"
         r"没用|没有用|没啥用|没什么用|没帮助|没有帮助|不是我(?:要|想)?问的|不是我想要的|"
         r"我问的不是这个|我问的不是这个问题|我不是问这个|我没问这个|不是问这个")
_TAIL = r"(?:吧|啊|呀|哦|喔|诶|啦|了|呢|哈)*"
WRONG = re.compile(f"^{_LEAD}{_WHO}(?:{_SAYS}){_TAIL}$")
_NOISE = re.compile(r"[\s,.!?;:~…，。！？；：、～\"'“”‘’()（）]+")
PREFIX = 40          # characters of an answer enough to tell which entry it began


@dataclass(frozen=True)
class Rejected:
    question: str               # what the student asked before
    entry: FaqEntry | None      # the entry the bot answered with; None: it had not answered
    again: FaqFound | None      # that question matched against today's knowledge base


NOTHING = Rejected("", None, None)


def says_wrong(text: str) -> bool:
    """The whole message says the answer was wrong (三方协议写错了怎么办 is a question)."""
    return bool(WRONG.match(_NOISE.sub("", text)))


def answered_with(answer: str, entries: list[FaqEntry]) -> FaqEntry | None:
    """The entry whose answer the kept turn began with, if any."""
    for entry in entries:
        start = entry.answer.strip()[:PREFIX]
        if start and answer.startswith(start):
            return entry
    return None


def plain_no(msg: Message, ctx: BotContext) -> Reply:
    """不对 to what was not a direct answer. To a confirmation, its "no" option; to an FAQ
    list (都不是), none of its entries was it: they are marked rejected on the question's
    record and the list is closed; else how to go on."""
    try:
        choices = ctx.stores.conversation.choices(msg.student)
    except RedisError:
        choices = []
    declining = next((c for c in choices if c.action == "pause" and c.value == "no"), None)
    if declining is not None:
        return followup.handler.run(declining, msg, ctx)
    listed = [c for c in choices if c.action == "faq" and c.asked]
    if listed:
        try:
            ctx.stores.unanswered.reject(listed[0].asked, [c.value for c in listed])
            ctx.stores.conversation.set_choices(msg.student, [])
        except RedisError:
            pass
        return Reply("好的，列表里都不是的话，这个问题已经记下来转给老师完善。"
                     "换个说法再问我一次试试，或回复“人工”，我把问题转给老师。")
    return Reply("好的。没帮上忙的话，换个说法再问我一次试试，或回复“人工”，我把问题转给老师。")


class CorrectionHandler:
    name = "correction"

    def match(self, msg: Message, ctx: BotContext) -> Rejected | None:
        """A whole message saying "wrong", with what it rejects (`NOTHING`: no direct answer
        came before it). One read of the kept turns, only for such a message."""
        if msg.kind != "text" or not says_wrong(normalize(msg.text)):
            return None
        try:
            turns = ctx.stores.turns.recent(msg.student)
        except RedisError:
            turns = []          # which answer it was is unknown: a plain "no"
        if not turns:
            return NOTHING
        last = turns[-1]
        snapshot = ctx.knowledge.current
        again = FaqFound(snapshot, snapshot.matcher.match(last.said))
        ranked = [e for e in (snapshot.kb.by_id(c.id) for c in again.result.candidates) if e]
        entry = answered_with(last.answer, ranked) or answered_with(last.answer,
                                                                   list(snapshot.kb.entries))
        return Rejected(last.said, entry, again) if entry is not None else NOTHING

    def handle(self, msg: Message, ctx: BotContext, found: Rejected) -> Reply:
        """The other close entries, or how to go on; the rejection counted and filed."""
        if found.entry is None or found.again is None:
            return plain_no(msg, ctx)
        result = found.again.result
        ctx.stores.faq_stats.outcome(today(ctx), REJECTED)
        if worth_recording(found.question) and result.analysis.normalized:
            try:
                ctx.stores.unanswered.record(result.analysis.normalized, found.question,
                                             found.entry.id, result.score, today(ctx),
                                             rejected=found.entry.id)
            except RedisError:
                pass                # the student's next step matters more than the record
        others = [e for e in found.again.suggested() if e.id != found.entry.id]
        if others:
            try:
                ctx.stores.conversation.set_choices(
                    msg.student, [Choice(e.question, "faq", e.id, result.analysis.normalized)
                                  for e in others])
            except RedisError:
                pass        # the list still helps while Redis is down; a digit then gets 稍后再试
            return Reply("抱歉，刚才没答到点上，这个问题已经记下来转给老师完善。您问的是不是：",
                         items=tuple(e.question for e in others),
                         footer="回复数字查看答案；都不是的话，换个说法再问我，或回复“人工”找老师。")
        text = ("抱歉，刚才没答到点上，这个问题已经记下来转给老师完善。"
                "换个说法再问我一次试试，或回复“人工”，我把问题转给老师。")
        contact = contact_line(ctx)
        if contact:
            text += f"\n也可以直接联系：{contact}"
        return Reply(text)


handler = CorrectionHandler()
