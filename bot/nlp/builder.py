"""Building matchers the way this process is configured: thresholds, meaning model, caches.

Two steps, so a knowledge base starts answering at once: `quick` builds the matcher on
words alone in well under a second per thousand entries; `full` adds the meaning model
(embedding only texts it has not seen before) and places the thresholds by the
knowledge base's self-test (cached by its fingerprint). The knowledge provider serves
the quick one until the full one is ready, off the request path.
"""
from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable

from ..kb.model import KnowledgeBase
from .analyzer import Analyzer
from .embed import SharedVectors
from .encoders import expected_name
from .matcher import FaqMatcher
from .model import Thresholds
from .semantic import Meaning
from .thresholds import SelfTest, cached_path, derive

log = logging.getLogger(__name__)

WORDS_ONLY = "words-only"

# Held while a child process builds a knowledge base (`prebuild.py`): a builder that has
# not loaded the meaning model yet (the bot's intents) waits for it, so the server and
# the child do not both hold the model at the peak of a first start.
_child_building = threading.Lock()


@dataclass
class MatcherBuilder:
    fixed: Thresholds | None = None        # None: derived from each knowledge base
    base: Thresholds = field(default_factory=Thresholds)
    embeddings: bool | str = "auto"        # "auto": use the bundled model when installed
    data_dir: Path | None = None           # caches: vectors, thresholds
    # Fills the caches for a knowledge base elsewhere first (`prebuild.py`; `serve` only)
    in_child: Callable[["MatcherBuilder", KnowledgeBase], bool] | None = None
    # Students' question vectors kept for every process of the bot (`bot/store/vectors.py`)
    shared: SharedVectors | None = None
    _meaning: tuple[Meaning | None, str] | None = field(default=None, repr=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)
    _analyzer: tuple[tuple, Analyzer] | None = field(default=None, repr=False)

    def meaning(self) -> Meaning | None:
        if self._meaning is None:
            with _child_building:
                pass
        with self._lock:
            if self._meaning is None:
                folder = self.data_dir / "embeddings" if self.data_dir else None
                self._meaning = Meaning.load(folder, self.embeddings is not False)
                log.info("%s", self._meaning[1])
            return self._meaning[0]

    @property
    def meaning_status(self) -> str:
        """A Chinese line for start-up and /healthz: whether meaning is used, and why not."""
        return self._meaning[1] if self._meaning else "语义模型尚未加载"

    @property
    def uses_meaning(self) -> bool:
        return bool(self._meaning and self._meaning[0] is not None)

    def analyzer(self, kb: KnowledgeBase) -> Analyzer:
        """The last knowledge base's analyzer when its vocabulary (synonyms and keywords,
        in order) is unchanged: it remembers every text it analysed, so an edit that
        keeps the vocabulary re-analyses only the edited texts. Another vocabulary can
        segment any text differently, so it gets a fresh analyzer."""
        keywords = tuple(k for e in kb.entries for k in e.keywords)
        vocabulary = (tuple((k, tuple(v)) for k, v in kb.synonyms.items()), keywords)
        with self._lock:
            if self._analyzer is not None and self._analyzer[0] == vocabulary:
                return self._analyzer[1]
        analyzer = Analyzer(kb.synonyms, keywords)
        with self._lock:
            self._analyzer = (vocabulary, analyzer)
        return analyzer

    def quick(self, kb: KnowledgeBase) -> FaqMatcher:
        return FaqMatcher(kb, self.fixed or self.base, analyzer=self.analyzer(kb))

    def full(self, kb: KnowledgeBase, quick: FaqMatcher | None = None
             ) -> tuple[FaqMatcher, SelfTest | None]:
        if self.in_child is not None and not self.self_test_cached(kb):
            with _child_building:          # before the model is loaded here: a smaller peak
                self.in_child(self, kb)
        meaning = self.meaning()
        if meaning is not None:
            meaning = meaning.sharing(self.shared)
        if quick is None:
            quick = self.quick(kb)
        matcher = quick.with_meaning(meaning)
        if self.fixed is not None:
            return matcher, None

        def build(thinned: KnowledgeBase) -> FaqMatcher:
            return FaqMatcher(thinned, matcher.thresholds, analyzer=matcher.analyzer, meaning=meaning)
        name = meaning.embedder.name if meaning is not None else WORDS_ONLY
        thresholds, report = derive(kb, matcher, build, self.base, name, self._thresholds_dir)
        return matcher.with_thresholds(replace(thresholds, max_suggestions=self.base.max_suggestions)), report

    @property
    def _thresholds_dir(self) -> Path | None:
        return self.data_dir / "thresholds" if self.data_dir else None

    def self_test_cached(self, kb: KnowledgeBase) -> bool:
        """Whether this knowledge base was built here before (its self-test is cached, so
        its texts were embedded too); with fixed thresholds there is no self-test to tell."""
        if self.fixed is not None:
            return True
        if self._thresholds_dir is None:
            return False
        name = expected_name(self.embeddings is not False) or WORDS_ONLY
        return cached_path(kb, name, self._thresholds_dir).exists()
