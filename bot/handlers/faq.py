"""The FAQ: answer when confident, offer "您是不是想问" when in doubt, else decline."""
from __future__ import annotations

from ..context import BotContext
from ..kb.model import FaqEntry
from ..message import Message, Reply
from ..nlp.matcher import MatchResult
from ..store.conversation import Choice
from .fallback import decline_reply

SUGGEST_INTRO = "您是不是想问："
SUGGEST_FOOTER = "回复数字查看答案；都不是的话，换个说法再问我一次。"


def answer_reply(entry: FaqEntry) -> Reply:
    footer = ""
    if entry.valid_until is not None:
        source = f"依据：{entry.source}；" if entry.source else ""
        footer = f"（{source}政策每年可能调整，请以学校和当地最新通知为准）"
    return Reply(entry.answer, links=entry.links, footer=footer)


class FaqHandler:
    name = "faq"

    def match(self, msg: Message, ctx: BotContext) -> MatchResult | None:
        if msg.kind != "text" or not msg.text.strip():
            return None
        return ctx.knowledge.current.matcher.match(msg.text)

    def handle(self, msg: Message, ctx: BotContext, found: MatchResult) -> Reply:
        if found.decision == "decline":
            return decline_reply(msg, ctx, found)
        kb = ctx.knowledge.current.kb
        low = float(ctx.config.get("unanswered.low_confidence_below", 0.9))
        if found.score < low:
            best = found.best
            ctx.unanswered.record(found.analysis.normalized, msg.text,
                                  best.id if best else None, found.score)
        if found.decision == "answer":
            entry = kb.by_id(found.answer_id)
            ctx.faq_stats.hit(entry.id)
            return answer_reply(entry)
        limit = ctx.knowledge.current.matcher.thresholds
        picks = [kb.by_id(c.id) for c in found.candidates
                 if c.score >= limit.suggest][:limit.max_suggestions]
        picks = [e for e in picks if e is not None]
        ctx.conversation.set_choices(msg.channel, msg.user_id,
                                     [Choice(e.question, "faq", e.id) for e in picks])
        return Reply(SUGGEST_INTRO, items=tuple(e.question for e in picks), footer=SUGGEST_FOOTER)


handler = FaqHandler()
