"""What `订阅 <words>` asks for: one subscription, or several, and what each will match.

Words of one subscription must all be in a job, so two cities (订阅 Java 北京 上海) can
never match: a job is in one place. Such a request is read as it was meant, one
subscription per place, and offered to the student rather than made behind their back.
"或" (订阅 Java或Python, 北京/上海) says it outright: one subscription per alternative.
"""
from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from .vocab import JobVocab, SubscriptionTerms

_OR = re.compile(r"\s*(?:或者|或是|或|还是|/|｜|\|)\s*|\s+or\s+", re.IGNORECASE)
MAX_SPLIT = 6


class TooMany(ValueError):
    """More combinations than anyone means; the message is Chinese."""


@dataclass(frozen=True)
class Request:
    subscriptions: tuple[SubscriptionTerms, ...]
    as_typed: SubscriptionTerms          # the words as one subscription, as typed
    by_place: bool = False               # split because its places can never meet: offer it


def mark_or(rest: str) -> str:
    """"Java 或 Python", "Java/Python", "Java or Python" -> "Java或Python": one slot."""
    return _OR.sub("或", rest).strip("或 ")


def read(vocab: JobVocab, typed: list[str]) -> Request:
    """`typed`: the words after 订阅, with alternatives joined by 或 (see `mark_or`)."""
    slots = [[a for a in w.split("或") if a] for w in typed]
    slots = [s for s in slots if s]
    combos = list(itertools.islice(itertools.product(*slots), MAX_SPLIT + 1))
    if len(combos) > MAX_SPLIT:
        raise TooMany(f"“或”组合出来的订阅太多了（超过 {MAX_SPLIT} 个），请分几次订阅。")
    as_typed = vocab.subscription([a for s in slots for a in s])
    out: list[SubscriptionTerms] = []
    by_place = False
    for combo in combos:
        sub = vocab.subscription(combo)
        parts = split_places(vocab, sub)
        by_place = by_place or len(parts) > 1
        out.extend(p for p in parts if p.terms not in {o.terms for o in out})
    if len(out) > MAX_SPLIT:
        raise TooMany(f"这样会拆成 {len(out)} 个订阅，太多了（最多 {MAX_SPLIT} 个），请分几次订阅。")
    return Request(tuple(out), as_typed, by_place)


def _places(vocab: JobVocab, word: str) -> frozenset[str] | None:
    terms = vocab.terms(word)
    cities = [vocab.place_cities(t) for t in terms]
    if not terms or any(c is None for c in cities):
        return None
    return frozenset().union(*cities)


def split_places(vocab: JobVocab, sub: SubscriptionTerms) -> list[SubscriptionTerms]:
    """One subscription per place when its places share no city (北京 and 上海; 长三角
    and 珠三角); as it is when they can meet (长三角 and 杭州) or name fewer than two."""
    places = {w: _places(vocab, w) for w in sub.words}
    named = [w for w, cities in places.items() if cities is not None]
    if len(named) < 2 or frozenset.intersection(*(places[w] for w in named)):
        return [sub]
    rest = [w for w in sub.words if places[w] is None]
    return [vocab.subscription(rest + [w]) for w in named]


def describe(vocab: JobVocab, sub: SubscriptionTerms) -> str:
    """What it will match, in words: 含“Java”（java开发、java工程师也算）；工作地点在北京"""
    parts = []
    for word in sub.words:
        terms = vocab.ordered_terms(word)
        cities = _places(vocab, word)
        if cities is not None:
            region = next((vocab.describe_region(t) for t in terms if t in vocab.regions), None)
            parts.append(f"工作地点在{region or word}")
            continue
        others = [v for v in vocab.variants(terms[0]) if v.lower() != word.lower()][:3] \
            if len(terms) == 1 else []
        parts.append(f"含“{word}”" + (f"（{'、'.join(others)}也算）" if others else ""))
    return "；".join(parts)


def unused_words(vocab: JobVocab, sub: SubscriptionTerms, used: frozenset[str]
                 ) -> tuple[list[str], list[str]]:
    """The words no stored job has: (vocabulary words, words the bot does not know either:
    perhaps a typo). Both are worth telling the student."""
    unused = [w for w in sub.words if not vocab.terms(w) <= used]
    known = [w for w in unused if all(vocab.known(t) for t in vocab.terms(w))]
    return known, [w for w in unused if w not in known]
