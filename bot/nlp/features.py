"""The features of each candidate entry for one question, as the confidence models read them.

Lexical scores come from the index for every entry; fuzzy alignment, keyword and anchor
evidence are computed here for the few candidates only (they cost the most), and so is
whether question and entry name the same side breaking an agreement (`breach.py`); meaning
scores, when the model was consulted, are used as they are and relative to the best
entry, because this model's cosines sit in a narrow band.
"""
from __future__ import annotations

import numpy as np
from rapidfuzz import fuzz, process

from .analyzer import Analysis
from .breach import agreement, breaker
from .index import LexicalIndex, LexicalScores
from .semantic import SemanticScores

LONG_QUESTION = 10  # content words from which a question counts as fully long
DENSE = 10          # phrasings from which an entry counts as fully described
LEXICAL_COLUMNS = ("cos", "cont", "union", "covered", "answer", "bm25")


def fuzzy(index: LexicalIndex, query: str, rows: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Best fuzzy ratio, and best alignment of a text inside a longer question, per entry.

    All texts of the candidates go to rapidfuzz's ratio in one call, not one per text.
    """
    fz, partial = np.zeros(len(rows)), np.zeros(len(rows))
    groups = [index.compacts[i] for i in rows]
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


def columns(index: LexicalIndex, a: Analysis, rows: list[int], lexical: LexicalScores | None,
            semantic: SemanticScores | None) -> dict[str, np.ndarray]:
    n = len(rows)
    out: dict[str, np.ndarray] = {}
    for name in LEXICAL_COLUMNS:
        out[name] = lexical.columns[name][rows] if lexical is not None else np.zeros(n)
    out["fuzz"], out["partial"] = fuzzy(index, a.compact, rows)
    out["keyword"] = np.asarray([sum(k in a.canonical for k in index.keywords[i]) / len(index.keywords[i])
                                 if index.keywords[i] else 0.0 for i in rows])
    out["anchor"] = np.asarray([1.0 if index.anchors[i] and index.anchors[i] in a.canonical else 0.0
                                for i in rows])
    # Long questions share a smaller part of their words with any FAQ, so the same
    # similarity is stronger evidence from them than from a short one.
    out["length"] = np.full(n, min(len(a.tokens), LONG_QUESTION) / LONG_QUESTION)
    # One phrasing matched well says less than one of twenty: the entry's density.
    out["density"] = np.asarray([min(index.n_texts[i], DENSE) / DENSE for i in rows])
    # 学生证丢了怎么补办 reads like 三方协议丢了怎么办, but names a thing the entry never
    # mentions: the share of the question's specific words an entry does not know.
    weights = {t: index.word_weight(t) for t in set(a.tokens)}
    total = sum(weights.values()) or 1.0
    out["missing"] = np.asarray([sum(w for t, w in weights.items()
                                     if t not in index.words[i] and t not in index.answer_words[i])
                                 / total for i in rows])
    out["foreign"] = np.full(n, sum(w for t, w in weights.items() if not index.known(t)) / total)
    said = breaker(a.repaired)
    out["breaker"] = np.asarray([agreement(said, index.breakers[i]) for i in rows])
    if lexical is not None:
        out["pre_rank"] = _inverse_rank(lexical.pre, rows)
    else:
        out["pre_rank"] = np.zeros(n)
    if semantic is not None:
        phrase, passage = semantic.phrase, semantic.passage
        out["emb"], out["passage"] = phrase[rows], passage[rows]
        out["emb_rel"] = phrase[rows] - phrase.max()
        out["passage_rel"] = passage[rows] - passage.max()
        out["emb_z"] = _z(phrase, rows)
        out["passage_z"] = _z(passage, rows)
        out["emb_rank"] = _inverse_rank(phrase, rows)
        out["passage_rank"] = _inverse_rank(passage, rows)
        sentence = semantic.sentence
        out["sentence"] = sentence[rows]
        out["sentence_rel"] = sentence[rows] - sentence.max()
        out["sentence_z"] = _z(sentence, rows)
        best = float(max(phrase.max(), passage.max(), sentence.max()))
        out["emb_best"] = np.full(n, best)
        # Closer to a known off-topic question (食堂几点关门) than to any entry: not ours.
        out["offtopic_sim"] = np.full(n, semantic.offtopic)
        out["offtopic_gap"] = np.full(n, best - semantic.offtopic)
        # The second model (USE), the same scores; its off-topic memory too, since the two
        # models find different campus questions close to a career one.
        use_phrase, use_passage = semantic.use_phrase, semantic.use_passage
        out["use"], out["use_rel"] = use_phrase[rows], use_phrase[rows] - use_phrase.max()
        out["use_passage"] = use_passage[rows]
        out["use_passage_rel"] = use_passage[rows] - use_passage.max()
        use_best = float(max(use_phrase.max(), use_passage.max()))
        out["use_off"] = np.full(n, semantic.use_offtopic)
        out["use_off_gap"] = np.full(n, use_best - semantic.use_offtopic)
        # Close to a question in another school's career words that its FAQ did not answer:
        # read by the direct-answer check only (`model.CHECK_ONLY`).
        out["near_off"] = np.full(n, semantic.near)
        out["use_near_off"] = np.full(n, semantic.use_near)
    return out


def _z(scores: np.ndarray, rows: list[int]) -> np.ndarray:
    """How far each candidate stands out from all entries, in standard deviations."""
    sd = float(scores.std()) or 1.0
    return (scores[rows] - float(scores.mean())) / sd


def _inverse_rank(scores: np.ndarray, rows: list[int]) -> np.ndarray:
    """1 for the entry that scores best of all, 1/2 for the second, …"""
    picked = scores[rows]
    return np.asarray([1.0 / (1 + int((scores > v).sum())) for v in picked])


def covers(index: LexicalIndex, a: Analysis, rows: list[int]) -> list[bool]:
    """Whether each entry's words include every content word of the question."""
    words = set(a.tokens)
    return [bool(words) and words <= index.words[i] for i in rows]
