"""From raw student text to the features the matchers compare.

One `Analyzer` per knowledge base: it owns that KB's tokenizer and term table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .english import EnglishReader
from .question_kinds import question_kinds
from .normalize import normalize
from .pinyin import is_han
from .terms import TermTable
from .thesaurus import with_shipped_terms
from .tokenizer import STOPWORDS, all_words, is_dictionary_word, new_tokenizer


@dataclass(frozen=True)
class Analysis:
    normalized: str            # folded, courtesies removed: what staff see in reports
    repaired: str              # English career words read in Chinese, homophones repaired,
                               # the student's own words otherwise
    canonical: str             # and variants replaced by canonical terms
    words: tuple[str, ...]     # every word, question words and particles included
    tokens: tuple[str, ...]    # content words
    compact: str               # content words joined: what fuzzy matching compares
    features: tuple[str, ...]  # words, character bigrams, characters and question kinds


def bigrams(text: str) -> list[str]:
    """Bigrams of Han characters: they survive segmentation errors and typos."""
    return [text[i:i + 2] for i in range(len(text) - 1) if is_han(text[i]) and is_han(text[i + 1])]


class Analyzer:
    def __init__(self, synonyms: Mapping[str, Iterable[str]], keywords: Iterable[str]) -> None:
        keywords = list(keywords)
        synonyms = with_shipped_terms(synonyms, keywords)
        bootstrap = TermTable(synonyms, keywords)
        self.tokenizer = tokenizer = new_tokenizer(bootstrap.words)
        # Closures over the tokenizer, not over self: no reference cycle, so a replaced
        # analyzer is freed at once by reference counting, without a full collection.
        self.terms = TermTable(synonyms, keywords,
                               is_common_word=lambda w: is_dictionary_word(tokenizer, w),
                               segment=lambda t: tokenizer.lcut(t, HMM=False))

        self.english = EnglishReader(bootstrap.canonical)
        self._cache: dict[str, Analysis] = {}

    def analyze(self, text: str, remember: bool = False) -> Analysis:
        """The analysis of `text`. Knowledge-base texts are analysed once per analyzer
        (`remember`), so rebuilding an index after an edit costs only the new texts;
        students' questions are never kept."""
        hit = self._cache.get(text)
        if hit is None:
            hit = self._analyze(text)
            if remember:
                self._cache[text] = hit
        return hit

    def _analyze(self, text: str) -> Analysis:
        normalized = normalize(text)
        repaired = self.terms.repair_homophones(self.english.read(normalized))
        # One cut of the student's own words serves both the canonical terms' boundaries
        # and the own words kept beside them.
        own_cut = self.tokenizer.lcut(repaired, HMM=False)
        canonical = self.terms.canonicalize(repaired, own_cut)
        words = tuple(all_words(self.tokenizer, canonical))
        tokens = tuple(w for w in words if w not in STOPWORDS)
        compact = "".join(tokens)
        # The student's own words stay features beside their canonical terms, so a
        # synonym never erases a difference that matters (毁约 of an employer, 违约 of a
        # student): the two entries still differ on the words their phrasings use.
        own = [w for w in own_cut if w.strip() and w not in STOPWORDS and w not in tokens] \
            if repaired != canonical else []
        features = tuple(["w:" + t for t in (*tokens, *own)] + bigrams(compact)
                         + ["c:" + ch for ch in set(compact) if is_han(ch)]
                         + ["q:" + i for i in question_kinds(canonical)])
        return Analysis(normalized, repaired, canonical, words, tokens, compact, features)
