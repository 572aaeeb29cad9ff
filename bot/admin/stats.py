"""/admin/stats/…: subscribers, push outcomes, and FAQ statistics (paged, searchable)."""
from __future__ import annotations

from collections import Counter

from flask import Blueprint, jsonify

from ..context import BotContext
from ..jobs.browse import paged
from ..push.keywords import keyword_counts
from ..records import StudentKey
from .common import page_args


def _split(stats: dict[str, int], prefix: str) -> dict[str, int]:
    return {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith(prefix + ":")}


def register(bp: Blueprint, ctx: BotContext) -> None:
    st = ctx.stores

    @bp.get("/stats/subscribers")
    def subscribers():
        subs = list(st.subscriptions.everything())
        students: Counter[StudentKey] = Counter(stored.student for stored in subs)
        words = keyword_counts(subs, ctx.vocab)
        prefs = st.prefs.many(list(students))
        by_channel = Counter(s.channel for s in students)
        return jsonify(subscriptions=sum(students.values()), students=len(students),
                       by_channel=dict(by_channel),
                       paused=sum(p.paused for p in prefs.values()),
                       unfollowed=sum(p.unfollowed for p in prefs.values()),
                       immediate=sum(p.mode == "immediate" for p in prefs.values()),
                       top_keywords=dict(words.most_common(20)),
                       jobs=st.jobs.count(), fairs=st.fairs.count())

    @bp.get("/stats/push")
    def push_stats():
        stats = st.outbox.stats()
        failed, held = _split(stats, "failed"), _split(stats, "held")
        return jsonify(sent=stats.get("sent", 0), uncertain=stats.get("uncertain", 0),
                       uncertain_recent=st.outbox.uncertain(),
                       failed=failed, failed_total=sum(failed.values()),
                       held=held, held_total=sum(held.values()), retries=_split(stats, "retry"),
                       skipped=_split(stats, "skipped"), outbox=st.outbox.backlog())

    @bp.get("/stats/faq")
    def faq_stats():
        """Every entry with how often it was sent, most sent first; `q` searches questions."""
        q, page, per_page = page_args()
        hits = st.faq_stats.counts()
        rows = [{"id": e.id, "category": e.category, "question": e.question,
                 "hits": hits.get(e.id, 0)} for e in ctx.knowledge.current.kb.entries]
        if q:
            rows = [r for r in rows if q in r["question"] or q in r["id"] or q in r["category"]]
        rows.sort(key=lambda r: -r["hits"])
        return jsonify(paged(rows, page, per_page).as_dict())
