"""From raw student text to the features the matchers compare.

One `Analyzer` per knowledge base: it owns that KB's tokenizer and term table.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterable, Mapping

from .intents import intents
from .normalize import normalize
from .pinyin import is_han
from .terms import TermTable
from .tokenizer import STOPWORDS, all_words, is_dictionary_word, new_tokenizer


@dataclass(frozen=True)
class Analysis:
    normalized: str            # folded, courtesies removed: what staff see in reports
    canonical: str             # homophones repaired, variants replaced by canonical terms
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
        bootstrap = TermTable(synonyms, keywords)
        self.tokenizer = new_tokenizer(bootstrap.words)
        self.terms = TermTable(synonyms, keywords,
                               is_common_word=lambda w: is_dictionary_word(self.tokenizer, w),
                               segment=lambda t: self.tokenizer.lcut(t, HMM=False))

    def analyze(self, text: str) -> Analysis:
        normalized = normalize(text)
        canonical = self.terms.canonicalize(self.terms.repair_homophones(normalized))
        words = tuple(all_words(self.tokenizer, canonical))
        tokens = tuple(w for w in words if w not in STOPWORDS)
        compact = "".join(tokens)
        features = tuple(["w:" + t for t in tokens] + bigrams(compact)
                         + ["c:" + ch for ch in set(compact) if is_han(ch)]
                         + ["q:" + i for i in intents(canonical)])
        return Analysis(normalized, canonical, words, tokens, compact, features)
