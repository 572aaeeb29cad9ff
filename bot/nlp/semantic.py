"""The meaning side of matching: each entry's phrasings and answer as sentence vectors.

Words miss a paraphrase that shares none of them ("公司把我offer收回了" against
"用人单位单方面毁约怎么办"); a sentence embedding does not. Two models read every text
(`encoders.py`), and each gives two scores per entry: the question's closest phrasing
(question to question), and the question against the entry's question with its answer
(question to passage), which helps most when a school wrote one phrasing per entry; e5
also scores the question against each answer sentence. Scores from these models sit in
a narrow band, so the matcher also uses them relative to the best entry for the same
question.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from ..kb.model import FaqEntry
from .embed import QueryCache, SharedVectors, VectorStore
from .encoders import Embedder, load_embedder
from .offtopic import career_offtopic, offtopic_questions


@dataclass(frozen=True)
class Meaning:
    """The embedder of this process with its caches: one per process, shared by reloads."""

    embedder: Embedder
    store: VectorStore
    queries: QueryCache

    @classmethod
    def load(cls, cache_folder: Path | None, enabled: bool = True) -> tuple["Meaning | None", str]:
        """(the meaning model, a Chinese status line); None when words alone are used.

        One per cache folder per process, so every reload shares the vectors in memory."""
        embedder, status = load_embedder(enabled)
        if embedder is None:
            return None, status
        with _loaded_lock:
            meaning = _loaded.get(cache_folder)
            if meaning is None:
                store = VectorStore(embedder, cache_folder)
                meaning = _loaded[cache_folder] = cls(embedder, store, QueryCache(embedder, store))
        return meaning, status

    def sharing(self, shared: SharedVectors | None) -> "Meaning":
        """The same model and caches, with question vectors also kept in `shared`."""
        return replace(self, queries=self.queries.sharing(shared)) if shared is not None else self


_loaded: dict[Path | None, Meaning] = {}
_loaded_lock = threading.Lock()


SENTENCE_END = re.compile(r"[。！？；!?;\n]")
MAX_SENTENCES = 8        # per answer: the rest rarely adds a situation not already named
MIN_SENTENCE = 6


def answer_sentences(entry: FaqEntry) -> list[str]:
    """The question with each of the first sentences of its answer: a student often
    describes one situation that a single sentence of the answer is about."""
    parts = [p.strip() for p in SENTENCE_END.split(entry.answer)]
    return [f"{entry.question} {p}" for p in parts if len(p) >= MIN_SENTENCE][:MAX_SENTENCES]


@dataclass(frozen=True)
class SemanticScores:
    phrase: np.ndarray       # per entry: cosine of the closest phrasing
    passage: np.ndarray      # per entry: cosine of question + answer
    sentence: np.ndarray     # per entry: cosine of the closest question + answer sentence
    offtopic: float          # cosine of the closest known off-topic question
    use_phrase: np.ndarray   # the second model's (USE) phrasing, passage and off-topic scores
    use_passage: np.ndarray
    use_offtopic: float
    near: float = 0.0        # both models' cosine of the closest career-worded off-topic question
    use_near: float = 0.0

    def top(self, k: int) -> list[int]:
        """The `k` entries closest by e5, then the `k` closest by both models (z-scored,
        USE at half weight), without repeats: each model finds paraphrases the other misses."""
        if not len(self.phrase):
            return []
        picked = _best_k(self.phrase + self.passage + self.sentence, k)
        both = (_standard(self.phrase) + _standard(self.passage)
                + 0.5 * (_standard(self.use_phrase) + _standard(self.use_passage)))
        return picked + [i for i in _best_k(both, k) if i not in picked]


def _standard(scores: np.ndarray) -> np.ndarray:
    return (scores - scores.mean()) / (float(scores.std()) or 1.0)


def _best_k(scores: np.ndarray, k: int) -> list[int]:
    k = min(k, len(scores))
    if k <= 0:
        return []
    idx = np.argpartition(-scores, k - 1)[:k]
    return [int(i) for i in idx[np.argsort(-scores[idx])]]


def _halves(vectors: np.ndarray, split: int) -> tuple[np.ndarray, np.ndarray]:
    return np.ascontiguousarray(vectors[:, :split]), np.ascontiguousarray(vectors[:, split:])


class SemanticIndex:
    def __init__(self, entries: Sequence[FaqEntry], meaning: Meaning,
                 prepare: Callable[[str], str], not_ours: Sequence[str] = ()) -> None:
        """`not_ours`: the school's own off-topic questions, remembered beside the
        shipped ones (`kb/not_ours.py`)."""
        self.queries = meaning.queries
        store = meaning.store
        rows: list[str] = []
        owner: list[int] = []
        for i, e in enumerate(entries):
            for text in (e.question, *e.similar):
                rows.append(prepare(text))
                owner.append(i)
        sentences: list[str] = []
        sentence_owner: list[int] = []
        for i, e in enumerate(entries):
            for text in answer_sentences(e):
                sentences.append(text)
                sentence_owner.append(i)
        self.size = len(entries)
        self._owner = np.asarray(owner, dtype=np.intp)
        self._sentence_owner = np.asarray(sentence_owner, dtype=np.intp)
        self._split = split = meaning.embedder.split
        # Each model's columns as their own contiguous arrays: every question multiplies them.
        phrases = store.vectors("query", rows)
        self._phrases, self._use_phrases = _halves(phrases, split)
        passages = store.vectors("passage", [f"{e.question}\n{e.answer}" for e in entries])
        self._passages, self._use_passages = _halves(passages, split)
        self._sentences = np.ascontiguousarray(store.vectors("passage", sentences)[:, :split])
        offtopic = store.vectors("query", [prepare(q) for q in (*offtopic_questions(), *not_ours)])
        self._offtopic, self._use_offtopic = _halves(offtopic, split)
        career = career_offtopic()
        self._near_schools = tuple(career)
        self._near_school = np.asarray([k for k, qs in enumerate(career.values()) for _ in qs],
                                       dtype=np.intp)
        near = store.vectors("query", [prepare(q) for qs in career.values() for q in qs])
        self._near, self._use_near = _halves(near, split)
        self._leave_self_out = False

    def _with(self, **changes) -> "SemanticIndex":
        """The same vectors (shared, not copied) with `changes` to this clone only."""
        clone = object.__new__(SemanticIndex)
        clone.__dict__.update(self.__dict__, **changes)
        return clone

    def forgetful(self) -> "SemanticIndex":
        """The same vectors with an empty query cache: every question is embedded anew."""
        return self._with(queries=QueryCache(self.queries.embedder))

    def asking_offtopic(self) -> "SemanticIndex":
        """The same vectors for asking the known off-topic questions themselves (the
        self-test, tuning): a question must not count as its own neighbour there."""
        return self._with(_leave_self_out=True)

    def vector(self, prepared: str) -> np.ndarray:
        return self.queries.vector(prepared)

    def scores_of(self, prepared: str) -> SemanticScores:
        """The scores of a question; a new one's USE scores are computed on USE's thread
        while e5 is still reading it (at 5,000 entries they take a few milliseconds)."""
        vector, second = self.queries.vector_meanwhile(prepared, self._second_scores)
        return self._assemble(vector[:self._split], second or self._second_scores(vector[self._split:]))

    def scores(self, vector: np.ndarray) -> SemanticScores:
        return self._assemble(vector[:self._split], self._second_scores(vector[self._split:]))

    def _second_scores(self, use: np.ndarray) -> tuple[np.ndarray, np.ndarray, float, float]:
        use_passage = self._use_passages @ use
        return (self._best(self._owner, self._use_phrases @ use, use_passage), use_passage,
                self._closest(self._use_offtopic @ use), self._closest(self._use_near @ use))

    def _assemble(self, e5: np.ndarray, second: tuple[np.ndarray, np.ndarray, float, float]
                  ) -> SemanticScores:
        passage = self._passages @ e5
        use_phrase, use_passage, use_offtopic, use_near = second
        return SemanticScores(self._best(self._owner, self._phrases @ e5, passage),
                              passage,
                              self._best(self._sentence_owner, self._sentences @ e5, passage),
                              self._closest(self._offtopic @ e5),
                              use_phrase, use_passage, use_offtopic,
                              self._closest(self._near @ e5), use_near)

    def near_by_school(self, prepared: str) -> dict[str, tuple[float, float]]:
        """Per dev school, both models' cosine of its closest career-worded off-topic
        question: fitting the direct-answer check leaves a school's own out (`bench`)."""
        vector = self.vector(prepared)
        e5 = self._near @ vector[:self._split]
        use = self._use_near @ vector[self._split:]
        return {name: (float(e5[self._near_school == k].max()), float(use[self._near_school == k].max()))
                for k, name in enumerate(self._near_schools)}

    def _closest(self, off: np.ndarray) -> float:
        if self._leave_self_out:
            off = off[off < 0.9999]
        return float(off.max()) if len(off) else 0.0

    def _best(self, owner: np.ndarray, scores: np.ndarray, fallback: np.ndarray) -> np.ndarray:
        """Per entry, the best of its texts' scores (`fallback` where it has none).

        Texts are stored entry by entry, so one reduceat over the segments does it (a
        scatter with np.maximum.at costs tens of milliseconds at thousands of entries)."""
        if not len(owner):
            return fallback.copy()
        starts = np.flatnonzero(np.r_[True, owner[1:] != owner[:-1]])
        best = fallback.copy()
        best[owner[starts]] = np.maximum.reduceat(scores, starts)
        return best
