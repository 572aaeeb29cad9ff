"""Matching new jobs against every student's profile, indexed like subscriptions.

Profiles with the same intentions form one group (thousands of students want
“上海 · 互联网”); a group is listed under the terms of its first intention, so a batch
of jobs only looks at groups one of its terms could satisfy. For a touched group the
jobs meeting each intention are found with set operations on the batch's own
term -> jobs index, memoised per alternative (many groups share “上海”). The students
of a group differ only in major and degree, which narrow its jobs: a job asking for
neither passes everyone, the others are checked once per (major, degree).
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..building import building
from ..records import StudentKey
from ..store.profiles import ProfileStore
from .fit import Dimension, JobFacets, ProfileTerms, fits, major_fits, parse_intent, reason


@dataclass
class Group:
    dims: tuple[Dimension, ...]
    members: dict[tuple[str, int], list[StudentKey]] = field(default_factory=dict)


class ProfileIndex:
    def __init__(self) -> None:
        self.groups: dict[str, Group] = {}          # intentions (as text) -> its students
        self.postings: dict[str, list[Group]] = defaultdict(list)
        self._dims: dict[Dimension, Dimension] = {}
        self.size = 0

    @classmethod
    def build(cls, profiles: Iterable[tuple[StudentKey, ProfileTerms]]) -> "ProfileIndex":
        index = cls()
        for owner, pt in profiles:
            index.add(owner, pt)
        return index

    @classmethod
    def from_entries(cls, entries: Iterable[tuple[StudentKey, str]]) -> "ProfileIndex":
        """The index from the store's entries (`ProfileTerms.to_entry`), each distinct
        intention parsed once. The collector is paused meanwhile (`building`): a build
        makes a few hundred thousand small objects, and collecting during it doubled its
        time."""
        index = cls()
        with building():
            for owner, raw in entries:
                degree, major, intent = raw.split("\t", 2)
                group = index.groups.get(intent)
                if group is None:
                    group = index._group(intent, parse_intent(intent)[1])
                group.members.setdefault((major, int(degree)), []).append(owner)
                index.size += 1
        return index

    def _group(self, intent: str, dims: tuple[Dimension, ...]) -> Group:
        dims = tuple(self._dims.setdefault(d, d) for d in dims)   # shared: memoised by identity
        group = self.groups[intent] = Group(dims)
        for term in {t for alt in dims[0].alternatives for t in alt}:
            self.postings[term].append(group)
        return group

    def add(self, owner: StudentKey, pt: ProfileTerms) -> None:
        if not pt.dims:
            return
        group = self.groups.get(pt.intent) or self._group(pt.intent, pt.dims)
        group.members.setdefault((pt.major, pt.degree), []).append(owner)
        self.size += 1

    def match(self, jobs: Mapping[str, JobFacets]) -> dict[StudentKey, Mapping[str, str]]:
        """owner -> {job id: "您的求职意向：上海 · 互联网"} for every profile a job fits.

        Every owner is in the index once, so students with the same intentions, major and
        degree share one (read-only) mapping.
        """
        batch = _Batch(jobs)
        touched: dict[int, Group] = {}
        for t in batch.by_term:
            for group in self.postings.get(t, ()):
                touched[id(group)] = group
        out: dict[StudentKey, Mapping[str, str]] = {}
        for group in touched.values():
            hits: set[str] = set()
            for n, dim in enumerate(group.dims):
                hits = batch.meeting(dim) if n == 0 else hits & batch.meeting(dim)
                if not hits:
                    break
            if not hits:
                continue
            why = batch.reasons(group.dims, hits)
            free = {j: w for j, w in why.items() if j not in batch.narrow}
            narrow = hits & batch.narrow
            for who, owners in group.members.items():
                extra = narrow & batch.accepted(who) if narrow else narrow
                mine = {**free, **{j: why[j] for j in extra}} if extra else free
                if mine:
                    for owner in owners:
                        out[owner] = mine
        return out


class _Batch:
    """One batch of jobs indexed by term, and what many groups share worked out once:
    the jobs meeting each intention, each job's label for it, the jobs each (major,
    degree) may have. Intentions are interned by the index, so they memoise by identity."""

    def __init__(self, jobs: Mapping[str, JobFacets]) -> None:
        self.jobs = jobs
        self.by_term: dict[str, set[str]] = defaultdict(set)
        for job_id, facets in jobs.items():
            for t in facets.terms:
                self.by_term[t].add(job_id)
        self.narrow = {j for j, f in jobs.items() if not f.open_to_all}
        self._alts: dict[frozenset[str], set[str]] = {}
        self._dims: dict[int, set[str]] = {}
        self._labels: dict[tuple[int, str], str] = {}
        self._reasons: dict[tuple[str, ...], str] = {}
        self._accepted: dict[tuple[str, int], set[str]] = {}

    def _alt(self, alt: frozenset[str]) -> set[str]:
        found = self._alts.get(alt)
        if found is None:
            sets = sorted((self.by_term.get(t, set()) for t in alt), key=len)
            found = self._alts[alt] = set.intersection(*sets) if sets and sets[0] else set()
        return found

    def meeting(self, dim: Dimension) -> set[str]:
        found = self._dims.get(id(dim))
        if found is None:
            found = self._dims[id(dim)] = set().union(*(self._alt(a) for a in dim.alternatives))
        return found

    def reasons(self, dims: tuple[Dimension, ...], hits: set[str]) -> dict[str, str]:
        """Why each hit fits. An intention with one alternative reads the same for every
        job (the usual case), so only those with several are looked at per job."""
        fixed = [d.labels[0] if len(d.alternatives) == 1 else None for d in dims]
        if None not in fixed:
            return dict.fromkeys(hits, self._reason(tuple(fixed)))   # type: ignore[arg-type]
        out = {}
        for job_id in hits:
            labels = tuple(label if label is not None else self._label(dim, job_id)
                           for label, dim in zip(fixed, dims))
            out[job_id] = self._reason(labels)
        return out

    def _label(self, dim: Dimension, job_id: str) -> str:
        key = (id(dim), job_id)
        label = self._labels.get(key)
        if label is None:
            label = self._labels[key] = dim.label_for(self.jobs[job_id].terms) or ""
        return label

    def _reason(self, labels: tuple[str, ...]) -> str:
        text = self._reasons.get(labels)
        if text is None:
            text = self._reasons[labels] = reason(labels)
        return text

    def accepted(self, who: tuple[str, int]) -> set[str]:
        """The jobs naming a major or degree that a student with this major and degree fits."""
        found = self._accepted.get(who)
        if found is None:
            major, degree = who
            found = self._accepted[who] = {
                j for j in self.narrow
                if not (self.jobs[j].degree and degree and degree < self.jobs[j].degree)
                and major_fits(major, self.jobs[j].majors)}
        return found


def naive_profile_match(profiles: Iterable[tuple[StudentKey, ProfileTerms]],
                        jobs: Mapping[str, JobFacets]) -> dict[StudentKey, dict[str, str]]:
    """Every profile against every job; the test oracle and the benchmark's baseline."""
    out: dict[StudentKey, dict[str, str]] = defaultdict(dict)
    for owner, pt in profiles:
        for job_id, facets in jobs.items():
            why = fits(pt, facets)
            if why:
                out[owner].setdefault(job_id, why)
    return dict(out)


class ProfileIndexCache:
    """This process's profile index, rebuilt only when a profile changed."""

    def __init__(self, profiles: ProfileStore) -> None:
        self.profiles = profiles
        self._index: tuple[int, ProfileIndex] | None = None
        self._lock = threading.Lock()

    def get(self) -> ProfileIndex:
        with self._lock:
            version = self.profiles.version()
            if self._index is None or self._index[0] != version:
                self._index = (version, ProfileIndex.from_entries(self.profiles.everything()))
            return self._index[1]
