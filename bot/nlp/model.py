"""Confidence and decision: what the matcher concludes from the features of its candidates.

Confidence = sigmoid(bias + Σ weight × feature), one model for words alone and one for
words and meaning; both are fitted by `python -m bench.tune` on the dev questions and
the sample knowledge base (also thinned to 0–3 phrasings per entry, as other schools
write theirs), never on a test set. The thresholds that turn a confidence into answer,
suggest or decline come from the installed knowledge base (`nlp/thresholds.py`); a
direct answer also passes a check of its own (`DirectCheck`, fitted by
`python -m bench.direct_check`), or is offered in a list.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .analyzer import Analysis
from .check_weights import CHECK_BIAS, CHECK_FLOOR, CHECK_WEIGHTS
from .weights import (DEFAULT_ANSWER, DEFAULT_MARGIN, DEFAULT_SUGGEST, LEXICAL_BIAS, LEXICAL_WEIGHTS,
                      SEMANTIC_BIAS, SEMANTIC_WEIGHTS, SURE)


@dataclass(frozen=True)
class ConfidenceModel:
    weights: dict[str, float]
    bias: float

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.weights)

    def logits(self, x: np.ndarray) -> np.ndarray:
        return self.bias + x @ np.asarray(list(self.weights.values()))


LEXICAL = ConfidenceModel(LEXICAL_WEIGHTS, LEXICAL_BIAS)
SEMANTIC = ConfidenceModel(SEMANTIC_WEIGHTS, SEMANTIC_BIAS)
# Features the direct-answer check reads beside the confidence model's: how close the
# question is to the shipped career-worded off-topic questions (`offtopic.py`).
CHECK_ONLY = ("near_off", "use_near_off")
CHECK_NAMES = SEMANTIC.names + CHECK_ONLY


@dataclass(frozen=True)
class Thresholds:
    answer: float = DEFAULT_ANSWER
    suggest: float = DEFAULT_SUGGEST
    margin: float = DEFAULT_MARGIN  # in log-odds: top two closer than this -> ask which
    max_suggestions: int = 3
    sure: float = SURE            # words alone this confident: the model is not consulted
    source: str = "default"       # "default", "auto" (from this knowledge base) or "config"


@dataclass(frozen=True)
class Candidate:
    id: str
    score: float  # confidence in [0, 1]
    features: tuple[tuple[str, float], ...] = ()
    logit: float = 0.0  # the score before the sigmoid: where near-certain scores still differ
    covers: bool = False  # every content word of the question is among the entry's words


@dataclass(frozen=True)
class MatchResult:
    analysis: Analysis
    candidates: tuple[Candidate, ...]
    decision: str  # "answer", "suggest" or "decline"
    semantic: bool = False   # the meaning model was consulted

    @property
    def best(self) -> Candidate | None:
        return self.candidates[0] if self.candidates else None

    @property
    def score(self) -> float:
        return self.candidates[0].score if self.candidates else 0.0

    @property
    def answer_id(self) -> str | None:
        return self.candidates[0].id if self.decision == "answer" else None


@dataclass(frozen=True)
class DirectCheck:
    """A second look before the top entry is stated as the answer.

    The confidence ranks entries well, but a question on a topic next to the knowledge
    base (注会审计那科主要考哪些章节, where the entry only says how the school supports
    students taking the CPA exam) or a campus question in the office's own words can
    score as high as a paraphrase. This check, fitted by `python -m bench.direct_check`
    on what the dev schools' questions would get as direct answers (right ones against
    off-topic and wrong ones), turns such an answer into a list the student picks from.
    It never declines, so it costs a right answer its directness, never the answer.
    """

    weights: dict[str, float]
    bias: float
    floor: float

    def allows(self, top: Candidate) -> bool:
        """True when `top` may be answered directly. Candidates scored by words alone
        (the meaning model was not consulted, so words were sure) are not checked."""
        features = dict(top.features)
        if not self.weights or any(name not in features for name in self.weights):
            return True
        value = self.bias + sum(w * features[name] for name, w in self.weights.items())
        return value >= self.floor


DIRECT_CHECK = DirectCheck(CHECK_WEIGHTS, CHECK_BIAS, CHECK_FLOOR)


BROAD_WORDS = 2   # a question of this many content words or fewer may be a whole topic


def decide(candidates: list[Candidate], t: Thresholds, analysis: Analysis,
           check: DirectCheck | None = None) -> str:
    """Answer, suggest or decline.

    Suggest rather than answer when two entries are about equally likely, when a short
    question (档案) fits several entries equally well by its words (the student asked
    about a topic, not one of its questions), and when `check` doubts the top entry.
    """
    if not candidates:
        return "decline"
    top = candidates[0]
    if top.score < t.suggest:
        return "decline"
    if top.score < t.answer:
        return "suggest"
    runner = candidates[1] if len(candidates) > 1 else None
    if runner is not None and runner.score >= t.suggest:
        if top.logit - runner.logit < t.margin:
            return "suggest"
        broad = 0 < len(analysis.tokens) <= BROAD_WORDS
        if broad and top.covers and runner.covers:
            return "suggest"
    if check is not None and not check.allows(top):
        return "suggest"
    return "answer"
