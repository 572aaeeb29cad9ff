"""What is due at a given time: matching new jobs, digests and fair reminders.

Every step is safe to repeat: matches are written idempotently, each notice has an id
that is queued at most once (SET NX in the same Lua call as XADD), and the jobs of a
digest are recorded as sent to that student in that same call. So a pass that dies
half-way, or two passes at once, never send anything twice, and a rerun finishes the job.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from ..clock import SHANGHAI
from ..store.subscriptions import Prefs, split_ref
from .context import PushContext
from .model import Fair, Job
from .notice import Notice

log = logging.getLogger(__name__)

DIGEST_FOOTER = "回复“我的订阅”管理订阅，“推送设置”调整推送时间。"


@dataclass
class PassResult:
    matched: int = 0
    digests: list[Notice] = field(default_factory=list)
    reminders: list[Notice] = field(default_factory=list)
    held_by_quiet_hours: bool = False


def match_new_jobs(push: PushContext, batch: int = 5000) -> int:
    """Match jobs not matched yet against every subscription; returns (student, job) pairs."""
    total = 0
    while True:
        ids = push.jobs.unmatched(batch)
        if not ids:
            return total
        matches = push.index().match(push.jobs.terms(ids))
        push.pending.add(matches)
        push.jobs.matched(ids)
        total += sum(len(v) for v in matches.values())
        if len(ids) < batch:
            return total


def digest_slot(prefs: Prefs, now: datetime, interval_minutes: int) -> str | None:
    """The digest slot due for this student at `now`, or None if nothing is due."""
    local = now.astimezone(SHANGHAI)
    if prefs.mode == "immediate":
        bucket = (local.hour * 60 + local.minute) // max(interval_minutes, 1)
        slot = f"{local.date().isoformat()}#{bucket}"
    else:
        if local.hour < prefs.hour:
            return None
        slot = local.date().isoformat()
    return None if slot == prefs.last_slot else slot


def _live(job: Job, today: date) -> bool:
    return not job.deadline or date.fromisoformat(job.deadline) >= today


def digest_notice(ref: str, slot: str, jobs: list[Job], reasons: dict[str, str],
                  now: datetime, extra: int) -> Notice:
    channel, user = split_ref(ref)
    lines = []
    for n, job in enumerate(jobs, 1):
        lines.append(f"{n}. {job.line()}\n   匹配：{reasons[job.id]}\n   {job.url}")
    why = "；".join(dict.fromkeys(reasons[j.id] for j in jobs))
    footer = (f"另有 {extra} 个匹配岗位，发送“查岗位 关键词”查看。\n" if extra else "") + DIGEST_FOOTER
    return Notice(id=f"digest:{ref}:{slot}", channel=channel, user_id=user, kind="digest",
                  title=f"为您找到 {len(jobs)} 个新岗位", summary="\n".join(lines),
                  time=now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                  reason=f"匹配：{why}", url=jobs[0].url, footer=footer,
                  job_ids=[j.id for j in jobs])


def plan_digests(push: PushContext, now: datetime, dry_run: bool = False) -> list[Notice]:
    if push.quiet.active(now):
        return []
    interval = int(push.setting("immediate_interval_minutes", 5))
    limit = int(push.setting("max_jobs_per_digest", 8))
    today = now.astimezone(SHANGHAI).date()
    refs = push.pending.students()
    prefs = push.prefs.many(refs)
    out = []
    for ref in refs:
        p = prefs[ref]
        slot = digest_slot(p, now, interval) if p.active else None
        if slot is None:
            continue
        pending = push.pending.read(ref)
        reasons = pending.reasons
        unsent = push.pending.unsent(ref, list(reasons))
        jobs = push.jobs.many(unsent)
        live = sorted((j for j in jobs.values() if _live(j, today)),
                      key=lambda j: (j.published_at, j.id), reverse=True)
        if not live:
            if not dry_run:
                push.pending.drop(ref, pending)
            continue
        notice = digest_notice(ref, slot, live[:limit], reasons, now, len(live) - limit
                               if len(live) > limit else 0)
        out.append(notice)
        if dry_run:
            continue
        if push.outbox.enqueue_once(notice):
            push.pending.drop(ref, pending)
        push.prefs.update(*split_ref(ref), last_slot=slot)
    return out


def _remaining(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "",
             f"{mins} 分钟" if mins and not days else ""]
    return "".join(parts) or "不到 1 分钟"


def reminder_notice(ref: str, fair: Fair, offset: int, now: datetime) -> Notice:
    channel, user = split_ref(ref)
    start = fair.start.astimezone(SHANGHAI)
    kind = fair.kind or "招聘会"
    summary = (f"开始时间：{start.strftime('%m月%d日 %H:%M')}（还有 {_remaining(fair.start - now)}）\n"
               f"地点：{fair.location}\n{fair.url}")
    return Notice(id=f"remind:{fair.id}:{int(fair.start.timestamp())}:{offset}:{ref}",
                  channel=channel, user_id=user, kind="reminder",
                  title=f"{kind}提醒：{fair.title}", summary=summary,
                  time=start.strftime("%Y-%m-%d %H:%M"), reason="您设置了这场活动的提醒",
                  url=fair.url, footer="发送“招聘会”查看更多近期活动。")


def plan_reminders(push: PushContext, now: datetime, dry_run: bool = False) -> list[Notice]:
    """For each fair, the latest reminder already due (24 h, then 1 h) to each student who asked.

    A pass that runs late sends only the closest reminder, not every missed one.
    """
    if push.quiet.active(now):
        return []
    offsets = sorted(int(o) for o in push.setting("reminder_offsets_minutes", [1440, 60]))
    if not offsets:
        return []
    out = []
    for fair in push.fairs.between(now, now + timedelta(minutes=offsets[-1])):
        due = [o for o in offsets if fair.start - timedelta(minutes=o) <= now]
        if not due or fair.start <= now:
            continue
        offset = min(due)
        refs = push.reminders.students(fair.id)
        prefs = push.prefs.many(refs) if refs else {}
        for ref in refs:
            if prefs[ref].unfollowed:
                continue
            notice = reminder_notice(ref, fair, offset, now)
            if dry_run:
                if not push.outbox.already_queued(notice.id):
                    out.append(notice)
            elif push.outbox.enqueue_once(notice):
                out.append(notice)
    return out


def plan(push: PushContext, now: datetime, dry_run: bool = False) -> PassResult:
    """One pass of everything due at `now` (the CLI's `push run`, and the scheduler's jobs)."""
    result = PassResult(held_by_quiet_hours=push.quiet.active(now))
    if not dry_run:
        result.matched = match_new_jobs(push)
    result.digests = plan_digests(push, now, dry_run)
    result.reminders = plan_reminders(push, now, dry_run)
    return result
