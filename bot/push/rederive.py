"""Terms again when staff edit the job vocabulary (config/job_vocab.yaml).

Terms are derived once, when a job is imported or a student subscribes, so matching never
tokenizes again. When the vocabulary file changes (its fingerprint differs from the one
recorded with the terms), every job's and every subscription's terms are derived again
from what was stored: a new synonym or region counts for old jobs and old subscriptions
too. Jobs whose terms changed are matched again; a job already sent to a student is
never sent again (the sent set), so an edit can bring new matches but no repeats.
"""
from __future__ import annotations

import logging

from ..store import Stores
from .vocab import JobVocab

log = logging.getLogger(__name__)


def refresh_terms(stores: Stores, vocab: JobVocab) -> tuple[int, int] | None:
    """(jobs, subscriptions) whose terms changed; None when the terms were already current."""
    if not vocab.fingerprint or stores.jobs.terms_vocabulary() == vocab.fingerprint:
        return None
    cache: dict[tuple[str, ...], frozenset[str]] = {}     # many students share their words

    def terms_of(words: tuple[str, ...]) -> frozenset[str]:
        if words not in cache:
            cache[words] = vocab.subscription(words).terms
        return cache[words]
    subs = stores.subscriptions.rederive(terms_of)
    jobs = stores.jobs.rederive(vocab.job_terms, vocab.fingerprint)
    log.info("job vocabulary changed: terms derived again, %d jobs and %d subscriptions changed",
             jobs, subs)
    return jobs, subs
