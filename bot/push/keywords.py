"""What students subscribe to, counted for staff (the console's overview, /admin/stats).

A word counts as one however it is written: Java, java and ＪＡＶＡ, or 北京 and 北京市,
fold to one vocabulary term; it is shown as most students wrote it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from typing import Iterable

from ..store.subscriptions import StoredSubscription
from .vocab import JobVocab


def keyword_counts(subscriptions: Iterable[StoredSubscription], vocab: JobVocab) -> Counter[str]:
    counts: Counter[str] = Counter()
    spellings: dict[str, Counter[str]] = defaultdict(Counter)
    for stored in subscriptions:
        for word in stored.subscription.words:
            key = vocab.canonical(word).replace(" ", "") or word
            counts[key] += 1
            spellings[key][word] += 1
    def shown(key: str) -> str:     # the commonest spelling; ties broken the same way each time
        return min(spellings[key].items(), key=lambda kv: (-kv[1], kv[0]))[0]
    return Counter({shown(key): n for key, n in counts.items()})
