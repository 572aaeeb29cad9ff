"""Matching new jobs against every subscription through an inverted index.

Subscriptions with the same term set are grouped (thousands of students subscribe to
“Java 北京”), and each group is listed under each of its terms. For a batch of jobs we
index the jobs by term too; a group is only looked at when one of its terms occurs in
the batch, and then only the jobs holding its rarest term are checked. The work grows
with the terms the batch shares with subscriptions and with the matches, never with
subscriptions × jobs.
"""
from __future__ import annotations

import threading
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from ..records import StudentKey
from ..store.subscriptions import StoredSubscription, SubscriptionStore


@dataclass
class Group:
    terms: frozenset[str]
    members: list[tuple[StudentKey, str]] = field(default_factory=list)   # (student, label)


class SubscriptionIndex:
    def __init__(self) -> None:
        self.groups: dict[frozenset[str], Group] = {}
        self.postings: dict[str, list[Group]] = defaultdict(list)
        self.size = 0

    @classmethod
    def build(cls, subs: Iterable[StoredSubscription]) -> "SubscriptionIndex":
        index = cls()
        for s in subs:
            index.add(s.student, s.subscription.label, s.subscription.terms)
        return index

    def add(self, student: StudentKey, label: str, terms: frozenset[str]) -> None:
        if not terms:
            return
        group = self.groups.get(terms)
        if group is None:
            group = self.groups[terms] = Group(terms)
            for t in terms:
                self.postings[t].append(group)
        group.members.append((student, label))
        self.size += 1

    def match(self, jobs: Mapping[str, frozenset[str]]) -> dict[StudentKey, dict[str, str]]:
        """student -> {job id: "Java + 北京"} for every (student, job) that matches.

        A student with two matching subscriptions for one job keeps the first reason.
        """
        by_term: dict[str, list[str]] = defaultdict(list)
        for job_id, terms in jobs.items():
            for t in terms:
                by_term[t].append(job_id)
        touched: dict[int, Group] = {}
        for t in by_term:
            for group in self.postings.get(t, ()):
                touched[id(group)] = group
        out: dict[StudentKey, dict[str, str]] = defaultdict(dict)
        for group in touched.values():
            lists = [by_term.get(t) for t in group.terms]
            if not all(lists):
                continue
            shortest = min(lists, key=len)
            hits = shortest if len(lists) == 1 else [j for j in shortest if group.terms <= jobs[j]]
            if not hits:
                continue
            for student, label in group.members:
                mine = out[student]
                for j in hits:
                    mine.setdefault(j, label)
        return dict(out)


def naive_match(subs: Iterable[StoredSubscription], jobs: Mapping[str, frozenset[str]]
                ) -> dict[StudentKey, dict[str, str]]:
    """The double loop the index replaces; kept for the benchmark and as a test oracle."""
    out: dict[StudentKey, dict[str, str]] = defaultdict(dict)
    for s in subs:
        terms = s.subscription.terms
        for job_id, job_terms in jobs.items():
            if terms and terms <= job_terms:
                out[s.student].setdefault(job_id, s.subscription.label)
    return dict(out)


class IndexCache:
    """The subscription index of this process, rebuilt only when a subscription changed."""

    def __init__(self, subscriptions: SubscriptionStore) -> None:
        self.subscriptions = subscriptions
        self._index: tuple[int, SubscriptionIndex] | None = None
        self._lock = threading.Lock()

    def get(self) -> SubscriptionIndex:
        with self._lock:
            version = self.subscriptions.version()
            if self._index is None or self._index[0] != version:
                self._index = (version, SubscriptionIndex.build(self.subscriptions.everything()))
            return self._index[1]
