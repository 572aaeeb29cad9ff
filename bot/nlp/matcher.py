"""Matching a student's question to FAQ entries, with one confidence in [0, 1] each.

Two stages keep it fast at thousands of entries: the lexical index (`index.py`) picks a
short list; then each short-listed entry is scored with fuzzy string similarity
(rapidfuzz) and keyword evidence, and the features are combined into one confidence. The weights and thresholds were fitted on
the dev set in `bench/data/dev_cases.yaml` (`python -m bench.tune`); the test sets are
held out.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from ..kb.model import KnowledgeBase
from .analyzer import Analysis, Analyzer
from .index import LexicalIndex

LONG_QUESTION = 10  # content words from which a question counts as fully long

# Confidence = sigmoid(BIAS + Σ weight * feature). Fitted by `python -m bench.tune`: the
# ranking on the dev questions and the KB's own paraphrases, the calibration (with the
# question's length) on the dev questions alone; the test sets stay held out.
WEIGHTS = {
    "cos": 1.97,
    "cont": 1.14,
    "union": 1.8,
    "covered": 3.52,
    "fuzz": 3.97,
    "partial": 1.98,
    "keyword": 0.7,
    "anchor": -1.21,
    "answer": 4.37,
    "bm25": 4.26,
    "length": 5.32,
}
BIAS = -10.22
_WEIGHT_VECTOR = np.asarray(list(WEIGHTS.values()))


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.72
    suggest: float = 0.42
    margin: float = 0.8
    max_suggestions: int = 3


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # confidence in [0, 1]
    features: tuple[tuple[str, float], ...] = ()
    logit: float = 0.0  # the score before the sigmoid: where near-certain scores still differ


@dataclass(frozen=True)
class MatchResult:
    analysis: Analysis
    candidates: tuple[Candidate, ...]
    decision: str  # "answer", "suggest" or "decline"

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def answer_id(self) -> str | None:
        return self.candidates[0].id if self.decision == "answer" else None


class FaqMatcher:
    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None,
                 analyzer: Analyzer | None = None) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        keywords = [k for e in kb.entries for k in e.keywords]
        self.analyzer = analyzer or Analyzer(kb.synonyms, keywords)
        self.index = LexicalIndex(kb.entries, self.analyzer)

    # -- matching ----------------------------------------------------------------------
    def suggestions(self, result: MatchResult) -> list[Candidate]:
        """The candidates a "您是不是想问" list offers: confident enough, at most a few."""
        t = self.thresholds
        return [c for c in result.candidates if c.score >= t.suggest][:t.max_suggestions]

    def match(self, text: str, limit: int = 5) -> MatchResult:
        analysis = self.analyzer.analyze(text)
        candidates = self._rank(analysis)[:limit]
        return MatchResult(analysis, tuple(candidates), self._decide(candidates))

    def _decide(self, candidates: list[Candidate]) -> str:
        if not candidates:
            return "decline"
        top = candidates[0].score
        runner_up = candidates[1] if len(candidates) > 1 else None
        if top >= self.thresholds.answer:
            # Two entries about equally likely: let the student pick rather than guess.
            close = (runner_up is not None
                     and candidates[0].logit - runner_up.logit < self.thresholds.margin)
            return "suggest" if close and runner_up.score >= self.thresholds.suggest else "answer"
        if top >= self.thresholds.suggest:
            return "suggest"
        return "decline"

    def _rank(self, a: Analysis) -> list[Candidate]:
        short = self.index.shortlist(a)
        if short is None:
            return []
        rows, idx = short.rows, self.index
        fz, partial = self._fuzzy(a.compact, rows)
        # Long questions share a smaller part of their words with any FAQ, so the same
        # similarity is stronger evidence from them than from a short one.
        length = min(len(a.tokens), LONG_QUESTION) / LONG_QUESTION
        keyword = [sum(k in a.canonical for k in idx.keywords[i]) / len(idx.keywords[i])
                   if idx.keywords[i] else 0.0 for i in rows]
        anchor = [1.0 if idx.anchors[i] and idx.anchors[i] in a.canonical else 0.0 for i in rows]
        columns = {**short.columns, "fuzz": fz, "partial": partial, "keyword": keyword,
                   "anchor": anchor, "length": np.full(len(rows), length)}
        x = np.column_stack([columns[name] for name in WEIGHTS])
        z = BIAS + x @ _WEIGHT_VECTOR
        confidence = 1 / (1 + np.exp(-z))
        order = np.argsort(-z, kind="stable")
        names = tuple(WEIGHTS)
        return [Candidate(idx.entries[rows[k]].id, round(float(confidence[k]), 4),
                          tuple(zip(names, x[k].tolist())), float(z[k])) for k in order]

    def _fuzzy(self, query: str, short: list[int]) -> tuple[np.ndarray, np.ndarray]:
        """Best fuzzy ratio, and best alignment of a text inside a longer question, per entry.

        All texts of the short list go to rapidfuzz's ratio in one call, not one per text.
        """
        fz, partial = np.zeros(len(short)), np.zeros(len(short))
        groups = [self.index.compacts[i] for i in short]
        counts = np.fromiter(map(len, groups), dtype=np.intp, count=len(groups))
        present = counts > 0
        texts = [t for g in groups for t in g]
        if not texts or not query:
            return fz, partial
        offsets = np.concatenate(([0], np.cumsum(counts[present])[:-1]))
        ratio = process.cdist([query], texts, scorer=fuzz.ratio)[0] / 100
        fz[present] = np.maximum.reduceat(ratio, offsets)
        n = len(query)
        for k, group in enumerate(groups):
            inside = [t for t in group if 3 <= len(t) < n]
            # Alignment is the costly score and only each entry's best counts: extractOne
            # raises its cutoff as it goes, so most texts are given up on early.
            best = process.extractOne(query, inside, scorer=fuzz.partial_ratio) if inside else None
            if best is not None:
                partial[k] = best[1] / 100
        return fz, partial
