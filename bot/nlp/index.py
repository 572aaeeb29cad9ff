"""The lexical index over a knowledge base: what picks the short list, fast.

Inverted indexes over words, character bigrams and characters of every phrasing of an
entry, and over the words of its answer: TF-IDF cosine and containment, summed with
numpy over only the postings the question touches, plus BM25 over each entry's words.
The matcher scores only the short list this returns, so matching stays about a
millisecond at thousands of entries.
"""
from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Sequence

import numpy as np

from ..kb.model import FaqEntry
from .analyzer import Analysis, Analyzer
from .breach import entry_breaker

# words, characters, question kinds; anything else is a character bigram
FEATURE_WEIGHTS = {"w": 1.0, "c": 0.3, "q": 0.8}
BIGRAM_WEIGHT = 0.6
SHORTLIST = 8


@dataclass(frozen=True)
class LexicalScores:
    """Every entry's lexical scores for one question (arrays indexed like `entries`)."""

    columns: dict[str, np.ndarray]
    pre: np.ndarray               # their sum: what the short list is cut by

    def shortlist(self, k: int = SHORTLIST) -> list[int]:
        """The best `k` entries that share anything with the question, best first."""
        k = min(k, len(self.pre))
        if k <= 0:
            return []
        top = np.argpartition(-self.pre, k - 1)[:k] if len(self.pre) > k else np.arange(len(self.pre))
        top = top[np.argsort(-self.pre[top], kind="stable")]
        return [int(i) for i in top if self.pre[i] > 0]


class _Text:
    __slots__ = ("compact", "features", "words")

    def __init__(self, analysis: Analysis) -> None:
        self.compact = analysis.compact
        self.features = set(analysis.features)
        self.words = analysis.words


class LexicalIndex:
    def __init__(self, entries: Sequence[FaqEntry], analyzer: Analyzer) -> None:
        self.analyzer = analyzer
        self.entries = list(entries)
        n = len(self.entries)
        self._texts: list[list[_Text]] = []
        self.compacts: list[tuple[str, ...]] = []
        self.keywords: list[tuple[str, ...]] = []
        unions: list[set[str]] = []
        for e in self.entries:
            analyze = self.analyzer.analyze
            texts = [_Text(analyze(t, remember=True)) for t in (e.question, *e.similar)]
            kws = tuple(sorted({analyze(k, remember=True).compact for k in e.keywords} - {""}))
            union = set().union(*(t.features for t in texts))
            union.update("w:" + k for k in kws)
            self._texts.append(texts)
            self.compacts.append(tuple(t.compact for t in texts if t.compact))
            self.keywords.append(kws)
            unions.append(union)
        self.words = [{f[2:] for f in u if f.startswith("w:")} for u in unions]
        self.n_texts = [len(texts) for texts in self._texts]
        self.breakers = [entry_breaker((e.question, *e.similar)) for e in self.entries]

        df: dict[str, int] = defaultdict(int)
        for union in unions:
            for f in union:
                df[f] += 1
        self._idf = {f: math.log(1 + n / d) for f, d in df.items()}
        self._unknown_idf = math.log(1 + 2 * max(n, 1))

        self._build_answers()
        self._build_bm25()
        union_postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, u in enumerate(unions):
            for f, v in self._unit(self._weights(u)).items():
                union_postings[f].append((i, v))
        # Each entry's most specific keyword: a question without it is rarely about it.
        self.anchors = [max(kws, key=lambda k: self._idf.get("w:" + k, 0.0)) if kws else ""
                         for kws in self.keywords]
        postings: dict[str, list[tuple[int, float, float]]] = defaultdict(list)
        starts, row = [], 0
        for texts in self._texts:
            starts.append(row)
            for t in texts:
                w = self._weights(t.features)
                unit = self._unit(w)
                for f, v in unit.items():
                    postings[f].append((row, v, v * v))
                row += 1
        self._n_rows = row
        self._starts = np.asarray(starts, dtype=np.intp)
        self._feat: dict[str, int] = {}
        self._post: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
        self._upost: list[tuple[np.ndarray, np.ndarray]] = []
        empty = np.zeros(0)
        for f, uplist in union_postings.items():  # every text feature is in its entry's union
            self._feat[f] = len(self._post)
            u = np.asarray(uplist, dtype=np.float64)
            self._upost.append((u[:, 0].astype(np.intp), u[:, 1].copy()))
            plist = postings.get(f)
            if plist:
                arr = np.asarray(plist, dtype=np.float64)
                self._post.append((arr[:, 0].astype(np.intp), arr[:, 1].copy(), arr[:, 2].copy()))
            else:
                self._post.append((empty.astype(np.intp), empty, empty))

    def _build_answers(self) -> None:
        """Words of each answer: students describe a situation (受伤了医药费谁出) in words
        the answer uses, even when no question phrasing does."""
        bags = []
        for e in self.entries:
            a = self.analyzer.analyze(e.answer, remember=True)
            bags.append({f for f in a.features if not f.startswith(("c:", "q:"))})
        self.answer_words = [{f[2:] for f in bag if f.startswith("w:")} for bag in bags]
        n = len(bags)
        df: dict[str, int] = defaultdict(int)
        for bag in bags:
            for f in bag:
                df[f] += 1
        self._ans_idf = {f: math.log(1 + n / d) for f, d in df.items()}
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, bag in enumerate(bags):
            weights = {f: self._ans_idf[f] * (1.0 if f.startswith("w:") else BIGRAM_WEIGHT)
                       for f in bag}
            for f, v in self._unit(weights).items():
                postings[f].append((i, v))
        self._ans_post = {f: (np.asarray([i for i, _ in pl], dtype=np.intp),
                              np.asarray([v for _, v in pl])) for f, pl in postings.items()}

    def _build_bm25(self, k1: float = 1.2, b: float = 0.75) -> None:
        """Okapi BM25 over each entry's words (question, similar, keywords as one document):
        with many paraphrases an entry, how often a word recurs in them is evidence too.
        Every word counts here, question words included (怎么办 vs 在哪里)."""
        docs: list[dict[str, int]] = []
        for i, texts in enumerate(self._texts):
            counts: dict[str, int] = defaultdict(int)
            for t in texts:
                for w in t.words:
                    counts["w:" + w] += 1
            for k in self.keywords[i]:
                counts["w:" + k] += 1
            docs.append(counts)
        n = len(docs)
        avgdl = (sum(sum(d.values()) for d in docs) / n) if n else 1.0
        df: dict[str, int] = defaultdict(int)
        for d in docs:
            for f in d:
                df[f] += 1
        self._bm25_idf = {f: math.log(1 + (n - m + 0.5) / (m + 0.5)) for f, m in df.items()}
        self._bm25_k1 = k1
        postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        for i, d in enumerate(docs):
            dl = sum(d.values())
            for f, tf in d.items():
                norm = tf * (k1 + 1) / (tf + k1 * (1 - b + b * dl / avgdl))
                postings[f].append((i, self._bm25_idf[f] * norm))
        self._bm25_post = {f: (np.asarray([i for i, _ in pl], dtype=np.intp),
                               np.asarray([v for _, v in pl])) for f, pl in postings.items()}
        self._bm25_unknown = math.log(1 + (n + 0.5) / 0.5)

    def _bm25_scores(self, a: Analysis) -> np.ndarray:
        """BM25 divided by the most the question's words could score, so it lies in [0, 1]
        and words the KB never uses count against every entry."""
        out = np.zeros(len(self.entries))
        ceiling = 0.0
        for f in {"w:" + w for w in a.words}:
            ceiling += self._bm25_idf.get(f, self._bm25_unknown) * (self._bm25_k1 + 1)
            hit = self._bm25_post.get(f)
            if hit is not None:
                out[hit[0]] += hit[1]
        return out / ceiling if ceiling else out

    def _answer_scores(self, a: Analysis) -> np.ndarray:
        q = {f: self._ans_idf.get(f, 0.0) * (1.0 if f.startswith("w:") else BIGRAM_WEIGHT)
             for f in a.features if not f.startswith(("c:", "q:"))}
        norm = math.sqrt(sum(v * v for v in q.values())) or 1.0
        out = np.zeros(len(self.entries))
        for f, v in q.items():
            hit = self._ans_post.get(f)
            if hit is not None:
                out[hit[0]] += hit[1] * (v / norm)
        return out

    def _weights(self, features: set[str] | Sequence[str]) -> dict[str, float]:
        out = {}
        for f in features:
            idf = self._idf.get(f, self._unknown_idf)
            kind = FEATURE_WEIGHTS.get(f[0]) if f[1:2] == ":" else None
            out[f] = idf * (kind if kind is not None else BIGRAM_WEIGHT)
        return out

    def word_weight(self, word: str) -> float:
        """How specific a word is in this knowledge base (unknown words most of all)."""
        return self._idf.get("w:" + word, self._unknown_idf)

    def known(self, word: str) -> bool:
        return "w:" + word in self._idf

    @staticmethod
    def _unit(w: dict[str, float]) -> dict[str, float]:
        norm = math.sqrt(sum(v * v for v in w.values())) or 1.0
        return {f: v / norm for f, v in w.items()}

    def _query_features(self, a: Analysis) -> set[str]:
        features = set(a.features)
        if a.tokens and len(a.tokens) <= 2 and not any(f.startswith("q:") for f in features):
            features.add("q:what")  # a bare term (档案, 选调生) asks what it is
        return features

    def scores(self, a: Analysis) -> LexicalScores | None:
        """Every entry's lexical scores; None when the question shares nothing with any."""
        if not a.features or not self.entries:
            return None
        q = self._unit(self._weights(self._query_features(a)))
        hits = [(j, v) for f, v in q.items() if (j := self._feat.get(f)) is not None]
        if not hits:
            return None
        # One bincount per score instead of one scatter per feature: the question's
        # postings are concatenated and summed per row (text) or per entry (union).
        post = [self._post[j] for j, _ in hits]
        upost = [self._upost[j] for j, _ in hits]
        qv = np.fromiter((v for _, v in hits), dtype=np.float64, count=len(hits))
        per_row = np.repeat(qv, [len(p[0]) for p in post])
        per_owner = np.repeat(qv, [len(u[0]) for u in upost])
        rows = np.concatenate([p[0] for p in post])
        cos = np.bincount(rows, np.concatenate([p[1] for p in post]) * per_row,
                          minlength=self._n_rows)
        cont = np.bincount(rows, np.concatenate([p[2] for p in post]), minlength=self._n_rows)
        owners = np.concatenate([u[0] for u in upost])
        n_entries = len(self.entries)
        ucos = np.bincount(owners, np.concatenate([u[1] for u in upost]) * per_owner,
                           minlength=n_entries)
        covered = np.bincount(owners, per_owner * per_owner, minlength=n_entries)
        ent_cos = np.maximum.reduceat(cos, self._starts)
        ent_cont = np.maximum.reduceat(cont, self._starts)
        ans = self._answer_scores(a)
        bm25 = self._bm25_scores(a)
        pre = ent_cos + ent_cont + ans + bm25
        columns = {"cos": ent_cos, "cont": ent_cont, "union": ucos, "covered": covered,
                   "answer": ans, "bm25": bm25}
        return LexicalScores(columns, pre)
