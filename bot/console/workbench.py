"""The unanswered-questions workbench: grouped, with the bot's best guesses, self-closing.

Questions are grouped under the entry the bot thinks is closest, so a teacher fixes a
whole group with one entry. After any knowledge-base change the open questions are asked
again; those the bot now answers well (directly, with the confidence below which it would
still record them, and not with an entry a student said was the wrong answer) close
themselves as "resolved".
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from typing import Iterable

from ..context import BotContext
from ..store.unanswered import OPEN, RESOLVED, Unanswered

log = logging.getLogger(__name__)
STATUS_NAMES = {"open": "待处理", "done": "已处理", "ignored": "已忽略", "resolved": "已能回答"}


@dataclass(frozen=True)
class Guess:
    id: str
    question: str
    score: float


@dataclass
class Question:
    item: Unanswered
    guesses: list[Guess]

    @property
    def decision_hint(self) -> str:
        return f"{self.guesses[0].score:.0%}" if self.guesses else "—"


@dataclass
class Group:
    faq_id: str | None
    faq_question: str
    questions: list[Question] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(q.item.count for q in self.questions)


def guesses(ctx: BotContext, text: str, limit: int = 3, also: Iterable[str] = ()) -> list[Guess]:
    """The bot's best few entries for `text`, and those of `also` (the entries students
    picked from a list for it) wherever they rank: the entry a student chose is the one
    a teacher most likely wants to add the question to."""
    loaded = ctx.knowledge.current
    result = loaded.matcher.match(text)
    scores = {c.id: c.score for c in result.candidates}
    ids = list(dict.fromkeys([c.id for c in result.candidates[:limit]] + list(also)))
    out = []
    for faq_id in ids:
        entry = loaded.kb.by_id(faq_id)
        if entry is not None:
            out.append(Guess(faq_id, entry.question, scores.get(faq_id, 0.0)))
    return out


def groups(ctx: BotContext, search: str = "", status: str | None = OPEN,
           limit: int = 300) -> list[Group]:
    """Questions by their best guess, the most asked group first."""
    by_id: dict[str | None, Group] = {}
    for item in ctx.stores.unanswered.search(search, status)[:limit]:
        g = guesses(ctx, item.example, also=item.picked)
        suggest = ctx.knowledge.current.matcher.thresholds.suggest
        best = g[0] if g and g[0].score >= suggest else None
        key = best.id if best else None
        if key not in by_id:
            by_id[key] = Group(key, best.question if best else "没有接近的问答")
        by_id[key].questions.append(Question(item, g))
    return sorted(by_id.values(), key=lambda grp: (grp.faq_id is None, -grp.total))


def answers_well(ctx: BotContext, text: str, rejected: tuple[str, ...] = ()) -> bool:
    result = ctx.knowledge.current.matcher.match(text)
    return (result.decision == "answer" and result.answer_id not in rejected
            and result.score >= ctx.settings.unanswered.low_confidence_below)


def recheck(ctx: BotContext) -> list[str]:
    """Close the open questions the current knowledge base answers well; returns them."""
    closed = []
    for item in ctx.stores.unanswered.search("", OPEN):
        try:
            if answers_well(ctx, item.example, item.rejected):
                ctx.stores.unanswered.set_status(item.normalized, RESOLVED)
                closed.append(item.example)
        except Exception:  # one odd question must not stop the rest being checked
            log.exception("re-checking an unanswered question failed")
    return closed
