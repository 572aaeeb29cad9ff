"""Current jobs by terms, for what a student asks now: 查岗位, and what a new
subscription would already match.

The newest jobs' stored terms are read once; a query is set inclusion, as in matching.
Only live jobs count (no deadline, or a deadline not yet past), so "共 7 个" never
includes one the student can no longer apply to.
"""
from __future__ import annotations

from datetime import date
from functools import cached_property

from ..records import Job
from ..store import Stores

SCANNED = 3000


def live(job: Job, today: date) -> bool:
    """Still open: no deadline, or a deadline not yet past."""
    return not job.deadline or date.fromisoformat(job.deadline) >= today


class JobLookup:
    def __init__(self, stores: Stores, today: date, scanned: int = SCANNED) -> None:
        self.stores, self.today, self.scanned = stores, today, scanned

    @cached_property
    def _terms(self) -> dict[str, frozenset[str]]:
        ids = self.stores.jobs.newest_ids(self.scanned)
        return self.stores.jobs.terms(ids)         # in the order of `ids`: newest first

    @cached_property
    def used(self) -> frozenset[str]:
        """Every term some stored job has: a word outside it matches nothing today."""
        return frozenset().union(*self._terms.values()) if self._terms else frozenset()

    def matching_ids(self, terms: frozenset[str]) -> list[str]:
        """Ids of live jobs holding every one of `terms`, newest first."""
        if not terms:
            return []
        hits = [i for i, t in self._terms.items() if terms <= t]
        jobs = self.stores.jobs.many(hits)
        return [i for i in hits if i in jobs and live(jobs[i], self.today)]

    @property
    def empty(self) -> bool:
        return not self._terms
