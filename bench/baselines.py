"""The two simple FAQ matchers ours is compared against, in the same run.

Both get the same treatment as ours where it is fair: their decline threshold is the one
that scores best on the dev set, so they are not handicapped by a bad guess.
"""
from __future__ import annotations

import jieba
from rank_bm25 import BM25Okapi
from rapidfuzz import fuzz, process

from bot.kb.model import KnowledgeBase


class RapidfuzzBaseline:
    """Plain rapidfuzz WRatio of the raw question against each entry's question."""

    name = "rapidfuzz WRatio"

    def __init__(self, kb: KnowledgeBase, threshold: float = 60.0) -> None:
        self.ids = [e.id for e in kb.entries]
        self.questions = [e.question for e in kb.entries]
        self.threshold = threshold

    def scores(self, q: str) -> tuple[str | None, float]:
        best = process.extractOne(q, self.questions, scorer=fuzz.WRatio)
        return (self.ids[best[2]], best[1]) if best else (None, 0.0)


class Bm25Baseline:
    """BM25 over jieba tokens of each entry's question and similar questions."""

    name = "jieba + BM25"

    def __init__(self, kb: KnowledgeBase, threshold: float = 5.0) -> None:
        self.ids = [e.id for e in kb.entries]
        docs = [jieba.lcut(" ".join((e.question, *e.similar))) for e in kb.entries]
        self.bm25 = BM25Okapi([[t for t in d if t.strip()] for d in docs])
        self.threshold = threshold

    def scores(self, q: str) -> tuple[str | None, float]:
        tokens = [t for t in jieba.lcut(q) if t.strip()]
        if not tokens:
            return None, 0.0
        s = self.bm25.get_scores(tokens)
        i = int(s.argmax())
        return self.ids[i], float(s[i])


def baseline_accuracy(matcher, cases: list[dict]) -> dict:
    ok = 0
    off_ok = off = 0
    for c in cases:
        best, score = matcher.scores(str(c["q"]))
        got = best if score >= matcher.threshold else None
        ok += got == c.get("expect")
        if c.get("expect") is None:
            off += 1
            off_ok += got is None
    on = len(cases) - off
    return {"accuracy": ok / len(cases), "declined": off_ok / off if off else 0.0,
            "faq_accuracy": (ok - off_ok) / on if on else 0.0}


def fit_threshold(matcher, cases: list[dict]) -> float:
    """The decline threshold that maximizes accuracy on `cases` (the dev set)."""
    scored = [(matcher.scores(str(c["q"])), c.get("expect")) for c in cases]
    candidates = sorted({s for (_, s), _ in scored})
    best_t, best_ok = 0.0, -1
    for t in candidates:
        ok = sum((b if s >= t else None) == e for (b, s), e in scored)
        if ok > best_ok:
            best_t, best_ok = t, ok
    return best_t
