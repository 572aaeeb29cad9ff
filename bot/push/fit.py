"""How a job fits a student's profile: the same rule for daily pushes and for 推荐.

A profile's intentions are three dimensions — cities or regions, industries, job
keywords — each a list of alternatives ("上海、长三角"). A job fits when, for every
dimension the student filled in, one alternative is in the job (all its words, after
the job vocabulary's synonyms; a region matches a job in any of its cities, because a
job's terms carry its city's regions); and when the job names majors, the student's
major is among them; and when it asks for a degree, the student's is at least that.
Major and degree only ever narrow: without intentions nothing fits.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Iterable

from ..people import Profile, degree_rank
from ..records import Job
from .vocab import JobVocab

DIMENSIONS = ("want_cities", "want_industries", "want_keywords")
INTENT_PREFIX = "您的求职意向："
ANY_MAJOR = ("不限", "专业不限", "各专业")
_MAJOR_SUFFIXES = ("相关专业", "等专业", "专业", "相关", "类")


@dataclass(frozen=True)
class Dimension:
    """Alternatives of one intention: a job needs every term of one of them."""

    alternatives: tuple[frozenset[str], ...]
    labels: tuple[str, ...]

    def label_for(self, terms: frozenset[str]) -> str | None:
        for alt, label in zip(self.alternatives, self.labels):
            if alt <= terms:
                return label
        return None


@dataclass(frozen=True)
class ProfileTerms:
    dims: tuple[Dimension, ...]      # the non-empty intentions, in DIMENSIONS order
    names: tuple[str, ...]           # which intention each of `dims` is
    major: str                       # the major as compared with a job's (see `major_key`)
    degree: int

    @property
    def intent(self) -> str:
        """The intentions alone, as text: profiles with the same text match the same jobs
        (one group in the index), whatever their major and degree."""
        return json.dumps([[n, [sorted(a) for a in d.alternatives], list(d.labels)]
                           for n, d in zip(self.names, self.dims)], ensure_ascii=False)

    def dimension(self, name: str) -> Dimension | None:
        return dict(zip(self.names, self.dims)).get(name)

    def to_entry(self) -> str:
        """What the profile store keeps for the index: degree, major, then the intentions."""
        return f"{self.degree}\t{self.major}\t{self.intent}"

    @classmethod
    def from_entry(cls, raw: str) -> "ProfileTerms":
        degree, major, intent = raw.split("\t", 2)
        names, dims = parse_intent(intent)
        return cls(dims, names, major, int(degree))


def parse_intent(intent: str) -> tuple[tuple[str, ...], tuple[Dimension, ...]]:
    """(names, dimensions) from `ProfileTerms.intent`."""
    data = json.loads(intent)
    return (tuple(n for n, _, _ in data),
            tuple(Dimension(tuple(frozenset(a) for a in alts), tuple(labels))
                  for _, alts, labels in data))


@dataclass(frozen=True)
class JobFacets:
    """What of a job the profile rule looks at, computed once per matching pass."""

    terms: frozenset[str]
    majors: tuple[str, ...]          # empty: open to every major
    degree: int                      # 0: no requirement

    @property
    def open_to_all(self) -> bool:
        return not self.majors and not self.degree


def major_key(vocab: JobVocab, text: str) -> str:
    """A major in one spelling: synonyms applied, spaces and 类/专业 endings dropped."""
    key = vocab.canonical(text).replace(" ", "")
    for suffix in _MAJOR_SUFFIXES:
        if key.endswith(suffix) and len(key) > len(suffix):
            key = key[: -len(suffix)]
    return key


def profile_terms(profile: Profile, vocab: JobVocab) -> ProfileTerms | None:
    """The profile as the matcher sees it; None when it states no intention."""
    dims, names = [], []
    for name in DIMENSIONS:
        alts, labels = [], []
        for word in getattr(profile, name):
            terms = vocab.subscription([word]).terms
            if terms and terms not in alts:
                alts.append(terms)
                labels.append(word.strip())
        if alts:
            dims.append(Dimension(tuple(alts), tuple(labels)))
            names.append(name)
    if not dims:
        return None
    return ProfileTerms(tuple(dims), tuple(names), major_key(vocab, profile.major) if profile.major else "",
                        degree_rank(profile.degree))


def job_facets(job: Job, terms: frozenset[str], vocab: JobVocab) -> JobFacets:
    majors: tuple[str, ...] = ()
    if job.majors and not any(m.strip() in ANY_MAJOR for m in job.majors):
        majors = tuple(k for k in (major_key(vocab, m) for m in job.majors) if k)
    return JobFacets(terms, majors, degree_rank(job.degree))


def major_fits(major: str, job_majors: Iterable[str]) -> bool:
    job_majors = tuple(job_majors)
    if not job_majors or not major:
        return True
    return any(m == major or m in major or major in m for m in job_majors)


def passes(pt: ProfileTerms, job: JobFacets) -> bool:
    """Major and degree: the filters, never a reason by themselves."""
    if job.degree and pt.degree and pt.degree < job.degree:
        return False
    return major_fits(pt.major, job.majors)


def labels_for(pt: ProfileTerms, terms: frozenset[str]) -> list[str | None]:
    """Per dimension, what of the student's intention the job meets (None: not met)."""
    return [d.label_for(terms) for d in pt.dims]


def reason(labels: Iterable[str | None]) -> str:
    return INTENT_PREFIX + " · ".join(label for label in labels if label)


def fits(pt: ProfileTerms, job: JobFacets) -> str | None:
    """Why the job fits ("您的求职意向：上海 · 互联网"), or None when it does not."""
    labels = labels_for(pt, job.terms)
    if None in labels or not passes(pt, job):
        return None
    return reason(labels)


def is_intent_reason(text: str) -> bool:
    return text.startswith(INTENT_PREFIX)
