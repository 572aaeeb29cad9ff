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

from ..records import StudentKey
from ..store.profiles import ProfileStore
from .fit import Dimension, JobFacets, ProfileTerms, fits, major_fits, reason


@dataclass
class Group:
    dims: tuple[Dimension, ...]
    members: dict[tuple[str, int], list[StudentKey]] = field(default_factory=dict)


class ProfileIndex:
    def __init__(self) -> None:
        self.groups: dict[tuple, Group] = {}
        self.postings: dict[str, list[Group]] = defaultdict(list)
        self.size = 0

    @classmethod
    def build(cls, profiles: Iterable[tuple[StudentKey, ProfileTerms]]) -> "ProfileIndex":
        index = cls()
        for owner, pt in profiles:
            index.add(owner, pt)
        return index

    def add(self, owner: StudentKey, pt: ProfileTerms) -> None:
        if not pt.dims:
            return
        group = self.groups.get(pt.key)
        if group is None:
            group = self.groups[pt.key] = Group(pt.dims)
            for term in {t for alt in pt.dims[0].alternatives for t in alt}:
                self.postings[term].append(group)
        group.members.setdefault((pt.major, pt.degree), []).append(owner)
        self.size += 1

    def match(self, jobs: Mapping[str, JobFacets]) -> dict[StudentKey, dict[str, str]]:
        """owner -> {job id: "您的求职意向：上海 · 互联网"} for every profile a job fits."""
        by_term: dict[str, set[str]] = defaultdict(set)
        for job_id, facets in jobs.items():
            for t in facets.terms:
                by_term[t].add(job_id)
        touched: dict[int, Group] = {}
        for t in by_term:
            for group in self.postings.get(t, ()):
                touched[id(group)] = group
        alt_jobs: dict[frozenset[str], frozenset[str]] = {}

        def meeting(alt: frozenset[str]) -> frozenset[str]:
            found = alt_jobs.get(alt)
            if found is None:
                sets = sorted((by_term.get(t, set()) for t in alt), key=len)
                found = frozenset(set.intersection(*sets)) if sets and sets[0] else frozenset()
                alt_jobs[alt] = found
            return found

        accepts: dict[tuple[tuple[str, int], str], bool] = {}
        out: dict[StudentKey, dict[str, str]] = defaultdict(dict)
        for group in touched.values():
            hits: set[str] | None = None
            for dim in group.dims:
                meets = set().union(*(meeting(a) for a in dim.alternatives))
                hits = meets if hits is None else hits & meets
                if not hits:
                    break
            if not hits:
                continue
            why = {j: reason(d.label_for(jobs[j].terms) for d in group.dims) for j in hits}
            free = [j for j in hits if jobs[j].open_to_all]
            narrow = [j for j in hits if not jobs[j].open_to_all]
            for who, owners in group.members.items():
                mine = free + [j for j in narrow if _accepts(accepts, who, j, jobs[j])]
                if not mine:
                    continue
                for owner in owners:
                    slot = out[owner]
                    for j in mine:
                        slot.setdefault(j, why[j])
        return dict(out)


def _accepts(memo: dict, who: tuple[str, int], job_id: str, job: JobFacets) -> bool:
    key = (who, job_id)
    ok = memo.get(key)
    if ok is None:
        major, degree = who
        ok = memo[key] = (not (job.degree and degree and degree < job.degree)
                          and major_fits(major, job.majors))
    return ok


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
                parsed: dict[str, ProfileTerms] = {}    # most students share a profile's text

                def terms(raw: str) -> ProfileTerms:
                    found = parsed.get(raw)
                    if found is None:
                        found = parsed[raw] = ProfileTerms.from_json(raw)
                    return found
                self._index = (version, ProfileIndex.build(
                    (owner, terms(raw)) for owner, raw in self.profiles.everything()))
            return self._index[1]
