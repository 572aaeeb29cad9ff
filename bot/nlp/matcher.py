"""Matching a student's question to FAQ entries, with one confidence in [0, 1] each.

Words first: the lexical index (`index.py`) finds the entries that share words with the
question, and when words alone are sure (a close paraphrase of a phrasing) that is the
answer, in well under a millisecond. Otherwise the meaning model is consulted
(`semantic.py`): the entries closest in meaning join the candidates, and every candidate
is scored again with words and meaning together. The confidence models are in
`model.py`; the thresholds come from the installed knowledge base (`thresholds.py`).
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Sequence

import numpy as np

from ..kb.model import KnowledgeBase
from .analyzer import Analysis, Analyzer
from .features import columns, covers
from .focus import FOCUS_CHARS, focus
from .index import LexicalIndex, LexicalScores
from .model import (CHECK_ONLY, DIRECT_CHECK, LEXICAL, SEMANTIC, Candidate, ConfidenceModel, DirectCheck,
                    MatchResult, Thresholds, decide)
from .semantic import Meaning, SemanticIndex, SemanticScores

SEMANTIC_CANDIDATES = 4   # entries closest in meaning added to the lexical short list
RECENT = 2048             # results kept for questions asked again word for word


class FaqMatcher:
    def __init__(self, kb: KnowledgeBase, thresholds: Thresholds | None = None,
                 analyzer: Analyzer | None = None, meaning: Meaning | None = None,
                 models: tuple[ConfidenceModel, ConfidenceModel] = (LEXICAL, SEMANTIC),
                 check: DirectCheck | None = DIRECT_CHECK) -> None:
        self.kb = kb
        self.thresholds = thresholds or Thresholds()
        self.lexical_model, self.semantic_model = models
        self.check = check
        keywords = [k for e in kb.entries for k in e.keywords]
        self.analyzer = analyzer or Analyzer(kb.synonyms, keywords)
        self.index = LexicalIndex(kb.entries, self.analyzer)
        self.semantic: SemanticIndex | None = None
        if meaning is not None:
            self.semantic = SemanticIndex(kb.entries, meaning, self._prepare, kb.not_ours)
        self._recent: OrderedDict[tuple[str, int, bool], MatchResult] = OrderedDict()
        self._lock = threading.Lock()

    def _prepare(self, text: str) -> str:
        """What the meaning model reads: normalized, homophones repaired, own words kept."""
        return self.analyzer.analyze(text, remember=True).repaired

    def focused(self, a: Analysis) -> Analysis:
        """The question itself, or of a long message the clauses that alone match some
        entry best (`focus.py`): what words and meaning both compare."""
        if len(a.repaired) <= FOCUS_CHARS:
            return a
        return self.analyzer.analyze(focus(a.repaired, FOCUS_CHARS, self._weigh))

    def _weigh(self, clause: str) -> float:
        """How well the clause alone matches its closest entry, by words."""
        scores = self.index.scores(self.analyzer.analyze(clause))
        return float(scores.pre.max()) if scores is not None else 0.0

    def with_thresholds(self, thresholds: Thresholds) -> "FaqMatcher":
        """The same indexes under other thresholds (no rebuild)."""
        clone = object.__new__(FaqMatcher)
        clone.__dict__.update(self.__dict__)
        clone.thresholds = thresholds
        clone._recent, clone._lock = OrderedDict(), threading.Lock()
        return clone

    def with_check(self, check: DirectCheck | None) -> "FaqMatcher":
        """The same indexes and thresholds with another direct-answer check (None: none;
        fitting the check needs the decisions without it)."""
        clone = self.with_thresholds(self.thresholds)
        clone.check = check
        return clone

    def with_meaning(self, meaning: Meaning | None) -> "FaqMatcher":
        """The same lexical index with the meaning model added (the quick matcher's words
        index is not built a second time)."""
        clone = self.with_thresholds(self.thresholds)
        clone.semantic = (SemanticIndex(self.kb.entries, meaning, clone._prepare, self.kb.not_ours)
                          if meaning else None)
        return clone

    def cold(self) -> "FaqMatcher":
        """The same indexes with nothing remembered of past questions (for timing)."""
        clone = self.with_thresholds(self.thresholds)
        if self.semantic is not None:
            clone.semantic = self.semantic.forgetful()
        return clone

    def asking_offtopic(self) -> "FaqMatcher":
        """The same indexes for asking the known off-topic questions themselves: each is
        compared with the others only. A student who asks one of them word for word is
        compared with all of them, and is told it is not ours."""
        clone = self.with_thresholds(self.thresholds)
        if self.semantic is not None:
            clone.semantic = self.semantic.asking_offtopic()
        return clone

    # -- matching ----------------------------------------------------------------------
    def suggestions(self, result: MatchResult) -> list[Candidate]:
        """The candidates a "您是不是想问" list offers: confident enough, at most a few."""
        t = self.thresholds
        return [c for c in result.candidates if c.score >= t.suggest][:t.max_suggestions]

    def match(self, text: str, limit: int = 5, words_only: bool = False) -> MatchResult:
        """The decision for `text`. An office hears the same questions again and again, so
        recent results are kept (in memory only) for identical texts. `words_only`: the
        meaning model is not consulted even when words are not sure."""
        key = (text, limit, words_only)
        with self._lock:
            hit = self._recent.get(key)
            if hit is not None:
                self._recent.move_to_end(key)
                return hit
        a = self.focused(self.analyzer.analyze(text))
        candidates, semantic = self.rank(a, "lexical" if words_only else None)
        candidates = candidates[:limit]
        result = MatchResult(a, tuple(candidates), decide(candidates, self.thresholds, a, self.check),
                             semantic)
        with self._lock:
            self._recent[key] = result
            if len(self._recent) > RECENT:
                self._recent.popitem(last=False)
        return result

    def rank(self, a: Analysis, force: str | None = None) -> tuple[list[Candidate], bool]:
        """Candidates best first, and whether the meaning model was consulted.

        `force` ("lexical" or "semantic") skips the early exit; tuning uses it.
        """
        lexical = self.index.scores(a)
        rows = lexical.shortlist() if lexical is not None else []
        if force != "semantic":
            words_only = self._score(a, rows, lexical, None, self.lexical_model)
            if self.semantic is None or force == "lexical" or not a.repaired or self._sure(words_only, a):
                return words_only, False
        sem = self.semantic.scores_of(a.repaired)
        rows = rows + [i for i in sem.top(SEMANTIC_CANDIDATES) if i not in rows]
        return self._score(a, rows, lexical, sem, self.semantic_model), True

    def _sure(self, candidates: list[Candidate], a: Analysis) -> bool:
        """Words alone settle it: a near-certain top entry, clearly ahead of the next."""
        if not candidates or candidates[0].score < self.thresholds.sure:
            return False
        return decide(candidates, self.thresholds, a, self.check) == "answer"

    def _score(self, a: Analysis, rows: Sequence[int], lexical: LexicalScores | None,
               semantic: SemanticScores | None, model: ConfidenceModel) -> list[Candidate]:
        rows = list(rows)
        if not rows:
            return []
        cols = columns(self.index, a, rows, lexical, semantic)
        x = np.column_stack([cols[name] for name in model.names])
        z = model.logits(x)
        confidence = 1 / (1 + np.exp(-z))
        order = np.argsort(-z, kind="stable")
        cover = covers(self.index, a, rows)
        names = model.names + tuple(n for n in CHECK_ONLY if n in cols)
        kept = np.column_stack([x, *(cols[n] for n in names[len(model.names):])])
        return [Candidate(self.index.entries[rows[k]].id, round(float(confidence[k]), 4),
                          tuple(zip(names, kept[k].tolist())), float(z[k]), cover[k])
                for k in order]
