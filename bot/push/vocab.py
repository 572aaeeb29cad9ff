"""The job vocabulary: synonyms and regions staff keep in `config/job_vocab.yaml`.

Jobs and subscriptions are reduced to sets of canonical terms by the same code, so
“北京市 / 帝都 / beijing” all become 北京 on both sides and matching is set inclusion.
A job in a city also carries the regions that city belongs to, which is how a
subscription to 长三角 matches a job in 杭州 without expanding the subscription.
"""
from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from ..config import ROOT
from ..nlp.normalize import fold
from ..nlp.terms import TermTable
from ..nlp.tokenizer import STOPWORDS, content_tokens, new_tokenizer

JOB_TERM_FIELDS = ("title", "company", "city", "industry", "majors", "degree", "type", "tags")
# How terms are derived; part of the fingerprint, so stored terms are derived again when
# it changes (2: the dictionary words inside a job's words, 数据分析 in 数据分析师).
DERIVATION = 2


class VocabError(Exception):
    """The vocabulary file is broken; the message names the file and what to fix."""


@dataclass(frozen=True)
class SubscriptionTerms:
    words: tuple[str, ...]          # what the student typed, cleaned, for display
    terms: frozenset[str]           # canonical terms that must all be in a job


class JobVocab:
    def __init__(self, synonyms: Mapping[str, Iterable[str]],
                 regions: Mapping[str, Iterable[str]], cities: Iterable[str] = (),
                 fingerprint: str = "") -> None:
        cities = list(cities)
        self.fingerprint = fingerprint      # of the file: stored terms were derived with it
        self.table = TermTable(synonyms, list(regions) + [c for cs in regions.values() for c in cs]
                               + cities)
        self.regions: dict[str, tuple[str, ...]] = {}
        self.city_regions: dict[str, set[str]] = {}
        for region, members in regions.items():
            r = self.canonical(region)
            self.regions[r] = tuple(self.canonical(c) for c in members)
            for city in self.regions[r]:
                self.city_regions.setdefault(city, set()).add(r)
        self.cities = frozenset(self.city_regions) | {self.canonical(c) for c in cities}
        self._variants = {self.canonical(k): [str(v) for v in vs] for k, vs in synonyms.items()}
        self.tokenizer = new_tokenizer(self.table.words)

    @classmethod
    def from_file(cls, path: Path) -> "JobVocab":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise VocabError(f"{path}: 无法读取岗位词表：{exc}") from exc
        syn, reg = data.get("synonyms") or {}, data.get("regions") or {}
        cities = data.get("cities") or []
        if not isinstance(syn, dict) or not isinstance(reg, dict):
            raise VocabError(f"{path}: synonyms 和 regions 都应该是“词: [写法, …]”的形式")
        if not isinstance(cities, list):
            raise VocabError(f"{path}: cities 应该是城市的列表，例如 cities: [武汉, 西安]")
        fingerprint = hashlib.sha1(json.dumps([DERIVATION, data], sort_keys=True,
                                              ensure_ascii=False, default=str).encode()).hexdigest()[:16]
        return cls({str(k): [str(v) for v in (vs or [])] for k, vs in syn.items()},
                   {str(k): [str(v) for v in (vs or [])] for k, vs in reg.items()},
                   [str(c) for c in cities], fingerprint)

    def canonical(self, text: str) -> str:
        return self.table.canonicalize(fold(text))

    def terms(self, text: str) -> set[str]:
        return set(self.ordered_terms(text))

    def ordered_terms(self, text: str) -> list[str]:
        """Canonical terms in a piece of text: the whole phrase if it is a known term, else its words."""
        c = self.canonical(text)
        if not c:
            return []
        if c in self.table.canonical.values() or c in self.regions:
            return [c]
        out: list[str] = []
        for token in content_tokens(self.tokenizer, c):
            token = self.table.canonical.get(token.strip(), token.strip())
            if token and token not in out:
                out.append(token)
        return out

    def job_terms(self, job: object) -> frozenset[str]:
        """Terms of a job (a `Job` or a mapping): its matchable fields, plus regions of its city."""
        get = job.get if isinstance(job, Mapping) else (lambda f: getattr(job, f, None))
        out: set[str] = set()
        for field in JOB_TERM_FIELDS:
            value = get(field)
            values = value if isinstance(value, (list, tuple)) else [value]
            for v in values:
                if v:
                    out |= self.terms(str(v))
                    c = self.canonical(str(v))
                    out |= self._inner_words(c)
                    whole = c.replace(" ", "")
                    if whole:
                        out.add(whole)
        for city in list(out):
            out |= self.city_regions.get(city, set())
        return frozenset(out)

    def _inner_words(self, canonical: str) -> set[str]:
        """Words inside a job's words: 数据分析师 is cut as 数据 + 分析师, but a student
        who subscribes to 数据分析 or 分析 wants it too. A subscription's own words are
        cut the ordinary way, so this widens what a job is found by, not what is asked."""
        return {self.table.canonical.get(w, w)
                for w in self.tokenizer.lcut(canonical, cut_all=True)
                if len(w) >= 2 and w not in STOPWORDS}

    def starts_known(self, text: str) -> bool:
        """Whether `text` begins with a vocabulary word (找工作上海, 帮我订阅一下 Java)."""
        first = self.ordered_terms(text)[:1]
        return bool(first) and self.known(first[0])

    def known(self, term: str) -> bool:
        """A word of the vocabulary (a canonical term, a region or a city), not a guess."""
        return term in self.regions or term in self.cities or term in self.table.canonical.values()

    def subscription(self, words: Iterable[str]) -> SubscriptionTerms:
        """What a student subscribed to: each word shown as typed; a run-together word is
        split only into vocabulary words (java北京 -> java + 北京), so 大湾区 or a company
        name stays one word, matched by all of its pieces."""
        shown: list[str] = []
        terms: set[str] = set()
        for w in words:
            found = self.ordered_terms(w)
            if len(found) > 1 and sum(self.known(t) for t in found) >= 2:
                shown.extend(_as_typed(t, w) for t in found)
            elif found:
                shown.append(w.strip())
            terms.update(found)
        return SubscriptionTerms(tuple(dict.fromkeys(shown)), frozenset(terms))

    def place_cities(self, term: str) -> frozenset[str] | None:
        """The cities a place term stands for (a region's, or the city); None: not a place."""
        if term in self.regions:
            return frozenset(self.regions[term])
        return frozenset({term}) if term in self.cities else None

    def describe_region(self, term: str) -> str | None:
        cities = self.regions.get(term)
        return f"{term}（{'、'.join(cities)}）" if cities else None

    def variants(self, term: str) -> list[str]:
        """Other ways of writing `term` that count as it (帝都, beijing for 北京), as in the file."""
        return self._variants.get(term, [])


def _as_typed(term: str, typed: str) -> str:
    """The term as the student wrote it (Java, not java) when it appears in what they typed."""
    i = typed.lower().find(term)
    return typed[i:i + len(term)] if i >= 0 else term


_cache: dict[tuple[str, float], JobVocab] = {}
_lock = threading.Lock()


def load_vocab(path: str | Path) -> JobVocab:
    """One vocabulary per file version per process: building the tokenizer costs ~1 s."""
    p = Path(path)
    if not p.is_absolute():
        p = ROOT / p
    try:
        mtime = p.stat().st_mtime
    except OSError as exc:
        raise VocabError(f"{p}: 找不到岗位词表") from exc
    with _lock:
        key = (str(p), mtime)
        if key not in _cache:
            _cache.clear()
            _cache[key] = JobVocab.from_file(p)
        return _cache[key]
