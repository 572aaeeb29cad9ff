"""When nothing fits: say so honestly, suggest topics, and say how to reach a person.

A declined question is recorded so staff can see what students ask that the KB lacks.
After two declines in a row the bot offers to hand the student to a person (人工);
an answer in between starts the count again (`handlers.turns`).
"""
from __future__ import annotations

import re

from ..clock import SHANGHAI
from ..context import BotContext
from ..message import Message, Reply
from ..nlp.matcher import MatchResult
from ..store import RedisError
from .base import contact_line

_CJK = re.compile(r"[\u4e00-\u9fff]")
_WORD = re.compile(r"[A-Za-z]+")


def worth_recording(text: str) -> bool:
    """A question staff could act on: keyboard mashing (asdfghjkl) and lone symbols are not.

    Students write Chinese, maybe with an English word; a text with no Chinese character
    counts only when it has at least two words (an English question).
    """
    return len(_CJK.findall(text)) >= 2 or len(_WORD.findall(text)) >= 2


def today(ctx: BotContext) -> str:
    return ctx.clock.now().astimezone(SHANGHAI).date().isoformat()


def record_unanswered(msg: Message, ctx: BotContext, result: MatchResult) -> None:
    """Keep a question the bot could not answer well for the console's workbench."""
    if result.analysis.normalized and worth_recording(msg.text):
        best = result.best
        ctx.stores.unanswered.record(result.analysis.normalized, msg.text,
                                     best.id if best else None, result.score, today(ctx))


def decline_reply(msg: Message, ctx: BotContext, result: MatchResult | None) -> Reply:
    if result is not None:
        record_unanswered(msg, ctx, result)
    text = "抱歉，这个问题我暂时回答不了，已经记下来转给老师完善。"
    topics = "、".join(ctx.knowledge.current.kb.categories()[:8])
    if topics:
        text += f"\n我能回答这些方面的问题：{topics}。换个说法试试，或发送“帮助”。"
    if msg.kind == "text" and _declines(msg, ctx) >= ctx.settings.handoff.declines_before_offer:
        text += "\n好像一直没帮上忙：回复“人工”，我把您的问题转给老师来回答。"
    else:
        contact = contact_line(ctx)
        if contact:
            text += f"\n需要人工帮助请联系：{contact}"
    return Reply(text, declined=True)


def _declines(msg: Message, ctx: BotContext) -> int:
    try:
        return ctx.stores.turns.declined(msg.student)
    except RedisError:          # the answer matters more than the count
        return 0


class FallbackHandler:
    name = "fallback"

    def match(self, msg: Message, ctx: BotContext) -> bool:
        return True

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        return decline_reply(msg, ctx, None)


handler = FallbackHandler()
