"""The job vocabulary: synonyms and regions staff keep in `config/job_vocab.yaml`.

Jobs and subscriptions are reduced to sets of canonical terms by the same code, so
“北京市 / 帝都 / beijing” all become 北京 on both sides and matching is set inclusion.
A job in a city also carries the regions that city belongs to, which is how a
subscription to 长三角 matches a job in 杭州 without expanding the subscription.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Mapping

import yaml

from ..config import ROOT
from ..nlp.normalize import fold
from ..nlp.terms import TermTable
from ..nlp.tokenizer import content_tokens, new_tokenizer

JOB_TERM_FIELDS = ("title", "company", "city", "industry", "majors", "degree", "type", "tags")


class VocabError(Exception):
    """The vocabulary file is broken; the message names the file and what to fix."""


@dataclass(frozen=True)
class SubscriptionTerms:
    words: tuple[str, ...]          # what the student typed, cleaned, for display
    terms: frozenset[str]           # canonical terms that must all be in a job


class JobVocab:
    def __init__(self, synonyms: Mapping[str, Iterable[str]],
                 regions: Mapping[str, Iterable[str]]) -> None:
        self.table = TermTable(synonyms, list(regions) + [c for cs in regions.values() for c in cs])
        self.regions: dict[str, tuple[str, ...]] = {}
        self.city_regions: dict[str, set[str]] = {}
        for region, cities in regions.items():
            r = self.canonical(region)
            members = tuple(self.canonical(c) for c in cities)
            self.regions[r] = members
            for city in members:
                self.city_regions.setdefault(city, set()).add(r)
        self.tokenizer = new_tokenizer(self.table.words)

    @classmethod
    def from_file(cls, path: Path) -> "JobVocab":
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        except (OSError, yaml.YAMLError) as exc:
            raise VocabError(f"{path}: 无法读取岗位词表：{exc}") from exc
        syn, reg = data.get("synonyms") or {}, data.get("regions") or {}
        if not isinstance(syn, dict) or not isinstance(reg, dict):
            raise VocabError(f"{path}: synonyms 和 regions 都应该是“词: [写法, …]”的形式")
        return cls({str(k): [str(v) for v in (vs or [])] for k, vs in syn.items()},
                   {str(k): [str(v) for v in (vs or [])] for k, vs in reg.items()})

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
                    whole = self.canonical(str(v)).replace(" ", "")
                    if whole:
                        out.add(whole)
        for city in list(out):
            out |= self.city_regions.get(city, set())
        return frozenset(out)

    def subscription(self, words: Iterable[str]) -> SubscriptionTerms:
        """What a student subscribed to: each word shown as typed, run-together words split."""
        shown: list[str] = []
        terms: set[str] = set()
        for w in words:
            found = self.ordered_terms(w)
            if len(found) == 1:
                shown.append(w.strip())
            else:
                shown.extend(_as_typed(t, w) for t in found)
            terms.update(found)
        return SubscriptionTerms(tuple(dict.fromkeys(shown)), frozenset(terms))

    def describe_region(self, term: str) -> str | None:
        cities = self.regions.get(term)
        return f"{term}（{'、'.join(cities)}）" if cities else None


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
