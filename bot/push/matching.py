"""Matching new jobs against every subscription through an inverted index.

Subscriptions with the same term set are grouped (thousands of students subscribe to
“Java 北京”), and each group is listed under each of its terms. For a batch of jobs we
index the jobs by term too; a group is only looked at when one of its terms occurs in
the batch, and then only the jobs holding its rarest term are checked. The work grows
with the terms the batch shares with subscriptions and with the matches, never with
subscriptions × jobs.
"""
from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Iterable, Mapping


@dataclass
class Group:
    terms: frozenset[str]
    members: list[tuple[str, str]] = field(default_factory=list)   # (student ref, label)


class SubscriptionIndex:
    def __init__(self) -> None:
        self.groups: dict[frozenset[str], Group] = {}
        self.postings: dict[str, list[Group]] = defaultdict(list)
        self.size = 0

    @classmethod
    def build(cls, subs: Iterable[tuple[str, int, tuple[str, ...], frozenset[str]]]
              ) -> "SubscriptionIndex":
        index = cls()
        for ref, _sid, words, terms in subs:
            index.add(ref, " + ".join(words), terms)
        return index

    def add(self, ref: str, label: str, terms: frozenset[str]) -> None:
        if not terms:
            return
        group = self.groups.get(terms)
        if group is None:
            group = self.groups[terms] = Group(terms)
            for t in terms:
                self.postings[t].append(group)
        group.members.append((ref, label))
        self.size += 1

    def match(self, jobs: Mapping[str, frozenset[str]]) -> dict[str, dict[str, str]]:
        """student ref -> {job id: "Java + 北京"} for every (student, job) that matches.

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
        out: dict[str, dict[str, str]] = defaultdict(dict)
        for group in touched.values():
            lists = [by_term.get(t) for t in group.terms]
            if not all(lists):
                continue
            shortest = min(lists, key=len)
            hits = shortest if len(lists) == 1 else [j for j in shortest if group.terms <= jobs[j]]
            if not hits:
                continue
            for ref, label in group.members:
                mine = out[ref]
                for j in hits:
                    mine.setdefault(j, label)
        return dict(out)


def naive_match(subs: Iterable[tuple[str, int, tuple[str, ...], frozenset[str]]],
                jobs: Mapping[str, frozenset[str]]) -> dict[str, dict[str, str]]:
    """The double loop the index replaces; kept for the benchmark and as a test oracle."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for ref, _sid, words, terms in subs:
        for job_id, job_terms in jobs.items():
            if terms and terms <= job_terms:
                out[ref].setdefault(job_id, " + ".join(words))
    return dict(out)
