"""Thresholds from the installed knowledge base (`nlp.thresholds: auto`).

A school's own knowledge base decides where "answer", "suggest" and "decline" lie, by a
self-test nobody has to write: a shipped set of generic off-topic questions (campus
life, chit-chat, study help; `data/offtopic.yaml`) is asked against it, and so are the
knowledge base's own phrasings, each with that phrasing left out of the index. The
suggest threshold is placed so that nearly all off-topic questions are declined, the
answer threshold so that almost none is answered directly and, above that, where wrong
direct answers on the self-test stop outweighing right ones. The result is cached by
the knowledge base's fingerprint, so it is computed once per edit, off the request path.
"""
from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import threading
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Callable

import numpy as np

from ..kb.model import KnowledgeBase
from .english import GLOSSARY_FILE
from .model import DirectCheck, MatchResult, Thresholds
from .offtopic import OFFTOPIC_FILE, offtopic_questions
from .thesaurus import THESAURUS_FILE

log = logging.getLogger(__name__)

VERSION = 12                # bump when the procedure changes: old caches are ignored
DECLINE_OFFTOPIC = 0.95     # share of off-topic questions the suggest threshold declines
DIRECT_OFFTOPIC = 0.99      # share of off-topic questions below the answer threshold
MAX_HELD_OUT = 160          # knowledge-base phrasings asked in the self-test
BATCHES = 4                 # index rebuilds for the leave-one-out part
WRONG_DIRECT_COST = 2.0     # a wrong answer stated as fact outweighs two right ones


@dataclass(frozen=True)
class SelfTest:
    """What the self-test saw: the figures `kb check` and `kb eval --json` report."""

    offtopic: int
    held_out: int
    offtopic_declined: float
    offtopic_direct: float
    held_out_first: float
    held_out_direct: float


def fingerprint(kb: KnowledgeBase, model_name: str) -> str:
    h = hashlib.blake2b(digest_size=16)
    h.update(f"v{VERSION}|{model_name}|".encode())
    h.update(OFFTOPIC_FILE.read_bytes())
    h.update(GLOSSARY_FILE.read_bytes())
    h.update(THESAURUS_FILE.read_bytes())
    for e in kb.entries:
        h.update("\0".join((e.id, e.question, *e.similar, *e.keywords, e.answer)).encode())
    for k, vs in sorted(kb.synonyms.items()):
        h.update("\0".join((k, *vs)).encode())
    if kb.not_ours:
        h.update("\0".join(("not_ours", *kb.not_ours)).encode())
    from . import check_weights, weights
    h.update(repr((weights.LEXICAL_WEIGHTS, weights.SEMANTIC_WEIGHTS, weights.SURE)).encode())
    # The report counts only what the direct-answer check lets through.
    h.update(repr((check_weights.CHECK_WEIGHTS, check_weights.CHECK_BIAS,
                   check_weights.CHECK_FLOOR)).encode())
    return h.hexdigest()


def _stable(entry_id: str, text: str) -> bytes:
    return hashlib.blake2b(f"{entry_id}\0{text}".encode(), digest_size=8).digest()


def _held_out_phrasings(kb: KnowledgeBase) -> list[tuple[str, str]]:
    """(phrasing, entry id): one `similar` line per entry that has one.

    Chosen and ordered by a hash of the entry's id and the text, not drawn at random:
    with only forty-odd phrasings asked, another draw moves the answer line by up to
    0.2, so a typo fixed in one entry must not redraw the others' picks."""
    picks = [(min(e.similar, key=lambda s, e=e: _stable(e.id, s)), e.id)
             for e in kb.entries if e.similar]
    picks.sort(key=lambda p: _stable(p[1], p[0]))
    return picks[:MAX_HELD_OUT]


def held_out_batches(kb: KnowledgeBase) -> list[list[tuple[str, str]]]:
    """The held-out phrasings by the index rebuild that leaves them out, each assigned
    by its hash: an entry added or removed elsewhere moves no other to another batch."""
    batches: list[list[tuple[str, str]]] = [[] for _ in range(BATCHES)]
    for text, entry_id in _held_out_phrasings(kb):
        batches[_stable(entry_id, text)[0] % BATCHES].append((text, entry_id))
    return [b for b in batches if b]


def without_phrasings(kb: KnowledgeBase, out: set[tuple[str, str]]) -> KnowledgeBase:
    """`kb` with the (phrasing, entry id) pairs in `out` removed from the entries' `similar`."""
    entries = tuple(replace(e, similar=tuple(s for s in e.similar if (s, e.id) not in out))
                    for e in kb.entries)
    return KnowledgeBase(entries, kb.synonyms)


def _quantile(scores: list[float], share: float) -> float:
    return float(np.quantile(np.asarray(scores), share)) if scores else 0.5


def place(offtopic: list[MatchResult], held: list[tuple[MatchResult, str]],
          base: Thresholds, check: DirectCheck | None = None) -> tuple[Thresholds, SelfTest]:
    """The thresholds that meet the targets on this self-test; `check` (the matcher's
    direct-answer check) only for the report of what would be answered directly."""
    off = [r.score for r in offtopic]
    suggest = min(max(_quantile(off, DECLINE_OFFTOPIC) + 1e-4, 0.15), 0.8)
    floor = max(_quantile(off, DIRECT_OFFTOPIC) + 1e-4, suggest)
    answer = max(floor, base.answer) if not held else _best_answer(held, floor)
    t = replace(base, answer=round(answer, 4), suggest=round(suggest, 4), source="auto")
    return t, _report(offtopic, held, t, check)


def _best_answer(held: list[tuple[MatchResult, str]], floor: float) -> float:
    """Above `floor`, the lowest threshold whose direct answers are worth giving."""
    def value(answer: float) -> float:
        total = 0.0
        for r, expect in held:
            if r.best is not None and r.score >= answer:
                total += 1.0 if r.best.id == expect else -WRONG_DIRECT_COST
        return total
    grid = sorted({floor, *(round(x, 2) for x in np.arange(0.3, 0.99, 0.01) if x > floor)})
    return max(grid, key=lambda a: (value(a), -a))


def _report(offtopic: list[MatchResult], held: list[tuple[MatchResult, str]],
            t: Thresholds, check: DirectCheck | None) -> SelfTest:
    def share(items, ok) -> float:
        return round(sum(1 for i in items if ok(i)) / len(items), 4) if items else 0.0

    def direct(r: MatchResult) -> bool:
        return r.best is not None and r.score >= t.answer and (check is None or check.allows(r.best))
    return SelfTest(
        offtopic=len(offtopic), held_out=len(held),
        offtopic_declined=share(offtopic, lambda r: r.score < t.suggest),
        offtopic_direct=share(offtopic, direct),
        held_out_first=share(held, lambda h: h[0].best is not None and h[0].best.id == h[1]
                             and h[0].score >= t.suggest),
        held_out_direct=share(held, lambda h: direct(h[0]) and h[0].best.id == h[1]))


Build = Callable[[KnowledgeBase], object]   # a matcher for a knowledge base (same caches)


def self_test(kb: KnowledgeBase, matcher, build: Build
              ) -> tuple[list[MatchResult], list[tuple[MatchResult, str]]]:
    """Ask the off-topic set, and each held-out phrasing against the KB without it."""
    asking = matcher.asking_offtopic()
    offtopic = [asking.match(q) for q in (*offtopic_questions(), *kb.not_ours)]
    held: list[tuple[MatchResult, str]] = []
    for batch in held_out_batches(kb):
        thinned = build(without_phrasings(kb, set(batch)))
        held.extend((thinned.match(text), eid) for text, eid in batch)
    return offtopic, held


def _save(path: Path, data: dict) -> None:
    """Cache the result; workers deriving at once each write a temporary file of their
    own, and a failure only means deriving again next time."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}-{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
        tmp.replace(path)
    except OSError as exc:
        log.warning("could not save the threshold cache %s (%s)", path, exc)
        with contextlib.suppress(OSError):   # where the folder cannot be made, neither can it
            tmp.unlink(missing_ok=True)


def cached_path(kb: KnowledgeBase, model_name: str, cache_dir: Path) -> Path:
    """Where the self-test of `kb` read with `model_name` is cached."""
    return _cache_file(fingerprint(kb, model_name), cache_dir)


def _cache_file(key: str, cache_dir: Path) -> Path:
    return cache_dir / f"{key}.json"


def derive(kb: KnowledgeBase, matcher, build: Build, base: Thresholds, model_name: str,
           cache_dir: Path | None) -> tuple[Thresholds, SelfTest]:
    """Auto thresholds for `kb`, from the cache when this exact KB was tested before."""
    key = fingerprint(kb, model_name)
    path = _cache_file(key, cache_dir) if cache_dir else None
    if path is not None and path.exists():
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            return replace(base, **data["thresholds"], source="auto"), SelfTest(**data["self_test"])
        except (ValueError, KeyError, TypeError):
            log.warning("ignoring a damaged threshold cache %s", path)
    offtopic, held = self_test(kb, matcher, build)
    thresholds, report = place(offtopic, held, base, getattr(matcher, "check", None))
    if path is not None:
        _save(path, {"thresholds": {"answer": thresholds.answer, "suggest": thresholds.suggest},
                     "self_test": asdict(report)})
    log.info("阈值已按知识库自测确定：直接回答 %.2f，列出选项 %.2f（无关问题拒答 %.0f%%）",
             thresholds.answer, thresholds.suggest, report.offtopic_declined * 100)
    return thresholds, report
