"""The figures on the dashboard, gathered from the stores the bot already keeps.

Questions per day by how they ended, the most asked entries, the unanswered trend,
subscriptions, pushes per day by outcome, and the bot's health: what a director asks
for, and what tells staff whether anything needs them today.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from ..clock import SHANGHAI
from ..context import BotContext
from ..push.keywords import keyword_counts
from ..store.stats import REJECTED
from . import charts

OUTCOMES = (("answer", "直接回答"), ("suggest", "列出“您是不是想问”"), ("decline", "答不上来"))


def last_days(ctx: BotContext, n: int = 14) -> list[str]:
    today = ctx.clock.now().astimezone(SHANGHAI).date()
    return [(today - timedelta(days=i)).isoformat() for i in range(n - 1, -1, -1)]


@dataclass
class Health:
    channels: list[str]
    redis_ok: bool
    kb_entries: int
    kb_problems: list[str]
    kb_loaded_at: float | None
    leader: bool
    outbox: dict[str, int]
    lag_seconds: float | None


def health(ctx: BotContext) -> Health:
    knowledge = ctx.knowledge
    try:
        entries = len(knowledge.current.kb.entries)
    except RuntimeError:
        entries = 0
    leader = ctx.stores.scheduler_leader()
    now = ctx.clock.now().timestamp()
    return Health(ctx.config.enabled_channels(), ctx.stores.ping(), entries,
                  [str(p) for p in knowledge.last_problems], knowledge.last_loaded_at, leader,
                  ctx.stores.outbox.backlog(), ctx.stores.outbox.oldest_waiting_age(now))


def push_series(daily: dict[str, dict[str, int]], days: list[str]) -> list[tuple[str, list[int]]]:
    def total(day: str, prefix: str) -> int:
        return sum(v for k, v in daily[day].items() if k == prefix or k.startswith(prefix + ":"))
    return [("已发送", [total(d, "sent") for d in days]),
            ("失败", [total(d, "failed") for d in days]),
            ("暂存", [total(d, "held") for d in days])]


def figures(ctx: BotContext) -> dict[str, Any]:
    st = ctx.stores
    days = last_days(ctx)
    outcomes = st.faq_stats.outcomes(days)
    kb = ctx.knowledge.current.kb
    hits = Counter(st.faq_stats.counts()).most_common(10)
    unanswered_daily = st.unanswered.daily()
    push_daily = st.outbox.daily_stats(days)
    failed = Counter()
    for day in days:
        for k, v in push_daily[day].items():
            if k.startswith(("failed:", "held:")):
                failed[k] += v
    subs = list(st.subscriptions.everything())
    students = {stored.student for stored in subs}
    words = keyword_counts(subs, ctx.vocab)
    return {
        "days": days,
        "questions_chart": charts.stacked_bars(
            days, [(name, [outcomes[d].get(key, 0) for d in days]) for key, name in OUTCOMES],
            "每天的提问及结果"),
        "questions_total": sum(o.get(key, 0) for o in outcomes.values() for key, _ in OUTCOMES),
        "answered_total": sum(o.get("answer", 0) for o in outcomes.values()),
        "rejected_total": sum(o.get(REJECTED, 0) for o in outcomes.values()),
        "top_chart": charts.hbars([((kb.by_id(i).question if kb.by_id(i) else i), n) for i, n in hits],
                                  "被问得最多的问答"),
        "unanswered_chart": charts.line(days, [unanswered_daily.get(d, 0) for d in days],
                                        "每天记录的未解答问题"),
        "unanswered_counts": st.unanswered.counts_by_status(),
        "push_chart": charts.stacked_bars(days, push_series(push_daily, days), "每天的推送结果"),
        "push_reasons": sorted(failed.items(), key=lambda kv: -kv[1]),
        "subscriptions": st.subscriptions.count(), "subscribers": len(students),
        "top_words": words.most_common(10), "students_seen": st.students.count(),
        "jobs": st.jobs.count(), "fairs": st.fairs.count(),
        "health": health(ctx),
    }
