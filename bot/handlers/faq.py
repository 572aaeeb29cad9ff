"""The FAQ: answer when confident, offer "您是不是想问" when in doubt, else decline.

`match` returns the knowledge-base snapshot it matched against together with the result,
so a hot reload between matching and answering can never leave the answer behind.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..clock import SHANGHAI
from ..context import BotContext
from ..kb.model import FaqEntry
from ..knowledge import Loaded
from ..message import Message, Reply
from ..nlp.matcher import MatchResult
from ..store import RedisError, StoreUnavailable
from ..store.conversation import Choice
from .args import looks_like_question
from .audience import by_audience
from .fallback import decline_reply, record_unanswered, today

SUGGEST_INTRO = "您是不是想问："
SUGGEST_FOOTER = "回复数字查看答案；都不是的话，换个说法再问我一次。"


def answer_reply(entry: FaqEntry, today: date | None = None, office: str = "就业指导中心") -> Reply:
    """The entry's answer; one past its `valid_until` still goes out, saying so."""
    footer = ""
    if entry.valid_until is not None:
        source = f"依据：{entry.source}；" if entry.source else ""
        if today is not None and entry.valid_until < today:
            footer = (f"（提醒：这条信息的有效期到 {entry.valid_until:%Y年%m月%d日}，可能已经过时，"
                      f"{source}请向{office}核实最新规定）")
        else:
            footer = f"（{source}政策每年可能调整，请以学校和当地最新通知为准）"
    return Reply(entry.answer, links=entry.links, footer=footer)


def answer_for(entry: FaqEntry, ctx: BotContext) -> Reply:
    today = ctx.clock.now().astimezone(SHANGHAI).date()
    return answer_reply(entry, today, ctx.settings.contact.office or "就业指导中心")


def suggest_reply(entries: list[FaqEntry]) -> Reply:
    return Reply(SUGGEST_INTRO, items=tuple(e.question for e in entries), footer=SUGGEST_FOOTER)


@dataclass(frozen=True)
class FaqFound:
    snapshot: Loaded
    result: MatchResult

    def suggested(self) -> list[FaqEntry]:
        kb, matcher = self.snapshot.kb, self.snapshot.matcher
        picks = (kb.by_id(c.id) for c in matcher.suggestions(self.result))
        return [e for e in picks if e is not None]

    def ranked(self) -> list[FaqEntry]:
        """Every candidate confident enough to be offered, best first."""
        kb, suggest = self.snapshot.kb, self.snapshot.matcher.thresholds.suggest
        picks = (kb.by_id(c.id) for c in self.result.candidates if c.score >= suggest)
        return [e for e in picks if e is not None]


def awaited(msg: Message, ctx: BotContext) -> bool:
    """Not a confident answer, not a question, and a dialog is waiting for text: then the
    text is probably the answer to what the bot just asked (a city, a keyword), and the
    dialog handler after this one takes it."""
    if looks_like_question(msg.text):
        return False
    try:
        return ctx.stores.conversation.awaits_text(msg.student)
    except RedisError:
        return False


class FaqHandler:
    name = "faq"

    def match(self, msg: Message, ctx: BotContext) -> FaqFound | None:
        if msg.kind != "text" or not msg.text.strip():
            return None
        snapshot = ctx.knowledge.current
        found = FaqFound(snapshot, snapshot.matcher.match(msg.text))
        if found.result.decision != "answer" and awaited(msg, ctx):
            return None
        return found

    def handle(self, msg: Message, ctx: BotContext, found: FaqFound) -> Reply:
        result, st = found.result, ctx.stores
        st.faq_stats.outcome(today(ctx), result.decision)
        if result.decision == "decline":
            return decline_reply(msg, ctx, result)
        fitted = by_audience(msg, ctx, result, found.ranked())
        if isinstance(fitted, Reply):
            return fitted
        if fitted is not None:
            st.faq_stats.hit(fitted.id)
            return answer_for(fitted, ctx)
        # A "您是不是想问" list is not an answer: staff see it, whatever its confidence.
        if (result.decision == "suggest"
                or result.score < ctx.settings.unanswered.low_confidence_below):
            record_unanswered(msg, ctx, result)
        if result.decision == "answer":
            entry = found.snapshot.kb.by_id(result.answer_id)
            st.faq_stats.hit(entry.id)
            return answer_for(entry, ctx)
        picks, asked = found.suggested(), result.analysis.normalized
        try:
            st.conversation.set_choices(msg.student, [Choice(e.question, "faq", e.id, asked)
                                                      for e in picks])
        except StoreUnavailable:
            pass        # the list still helps while Redis is down; a digit then gets 稍后再试
        return suggest_reply(picks)


handler = FaqHandler()
