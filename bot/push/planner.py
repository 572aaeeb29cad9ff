"""What is due at a given time: matching new jobs, digests and fair reminders.

Every step is safe to repeat: matches are written idempotently, each notice has an id
that is queued at most once (SET NX in the same Lua call as XADD), and the jobs of a
digest are recorded as sent to that student in that same call. So a pass that dies
half-way, or two passes at once, never send anything twice, and a rerun finishes the job.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from typing import Callable, Mapping
from urllib.parse import urlencode

from ..clock import SHANGHAI
from ..records import Fair, Job, Notice, StudentKey
from ..settings import PushSettings
from ..store import Stores
from ..store.prefs import Prefs
from ..jobs.listing import job_line
from .fit import is_intent_reason, job_facets
from .lookup import live
from .matching import IndexCache
from .profile_index import ProfileIndexCache
from .quiet import QuietHours
from .rederive import refresh_terms
from .vocab import JobVocab, VocabError, load_vocab

log = logging.getLogger(__name__)

DIGEST_FOOTER = "回复“我的订阅”管理订阅，“推送设置”调整推送时间。"


@dataclass
class PassResult:
    matched: int = 0
    digests: list[Notice] = field(default_factory=list)
    reminders: list[Notice] = field(default_factory=list)
    held_by_quiet_hours: bool = False


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


def match_line(reason: str) -> str:
    """“匹配：Java + 北京” for a subscription, “匹配您的求职意向：上海 · 互联网” for a profile."""
    return f"匹配{reason}" if is_intent_reason(reason) else f"匹配：{reason}"


def _addressed(owner: StudentKey, to: StudentKey) -> dict[str, str]:
    """A notice's address: the chat it goes to, and its owner when that is another key."""
    return {"channel": to.channel, "user_id": to.user_id,
            "owner": owner.encode() if to != owner else ""}


def digest_notice(student: StudentKey, slot: str, jobs: list[Job], reasons: dict[str, str],
                  now: datetime, extra: int, to: StudentKey | None = None, link: str = "") -> Notice:
    """One digest; `link` is the page listing all its jobs (else the first job's own)."""
    today = now.astimezone(SHANGHAI).date()
    lines = []
    for n, job in enumerate(jobs, 1):
        lines.append(f"{n}. {job_line(job, today)}\n   {match_line(reasons[job.id])}\n   {job.url}")
    why = "；".join(dict.fromkeys(match_line(reasons[j.id]) for j in jobs))
    footer = (f"另有 {extra} 个匹配岗位，发送“推荐”或“查岗位 关键词”查看。\n" if extra else "") \
        + DIGEST_FOOTER
    name = jobs[0].title + (f"等{len(jobs)}个岗位" if len(jobs) > 1 else "")
    keywords = "；".join(dict.fromkeys(reasons[j.id] for j in jobs))
    return Notice(id=f"digest:{student.encode()}:{slot}", **_addressed(student, to or student),
                  kind="digest", title=f"为您找到 {len(jobs)} 个新岗位", summary="\n".join(lines),
                  time=now.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M"),
                  reason=why, url=link or jobs[0].url, footer=footer,
                  job_ids=[j.id for j in jobs],
                  brief={"name": name, "count": str(len(jobs)), "keywords": keywords})


def digest_link(page: str, jobs: list[Job]) -> str:
    """The page listing these jobs (`push.digest_url`), or "" to link the first job."""
    if not page:
        return ""
    ids = urlencode({"ids": ",".join(j.id for j in jobs)}, safe=",")
    return f"{page}{'&' if '?' in page else '?'}{ids}"


def _remaining(delta: timedelta) -> str:
    minutes = max(int(delta.total_seconds() // 60), 0)
    days, rest = divmod(minutes, 1440)
    hours, mins = divmod(rest, 60)
    parts = [f"{days} 天" if days else "", f"{hours} 小时" if hours else "",
             f"{mins} 分钟" if mins and not days else ""]
    return "".join(parts) or "不到 1 分钟"


def reminder_notice(student: StudentKey, fair: Fair, offset: int, now: datetime,
                    to: StudentKey | None = None) -> Notice:
    start = fair.start.astimezone(SHANGHAI)
    kind = fair.kind or "招聘会"
    summary = (f"时间：{fair.when()}（还有 {_remaining(fair.start - now)}）\n"
               f"地点：{fair.location}\n{fair.url}")
    return Notice(id=f"remind:{fair.id}:{int(fair.start.timestamp())}:{offset}:{student.encode()}",
                  **_addressed(student, to or student), kind="reminder",
                  title=f"{kind}提醒：{fair.title}", summary=summary,
                  time=start.strftime("%Y-%m-%d %H:%M"), reason="您设置了这场活动的提醒",
                  url=fair.url, footer="发送“招聘会”查看更多近期活动。",
                  brief={"name": fair.title, "place": fair.location, "kind": kind})


class Planner:
    """Plans passes over the stores; the scheduler and `push run` both call it.

    Everything is planned per owner (`store.identity`): one student bound on WeChat and
    Feishu has one pending queue, one digest a day and one sent-jobs set; each notice is
    addressed to the chat that student can be reached on now.
    """

    def __init__(self, stores: Stores, settings: PushSettings,
                 vocab: Callable[[], JobVocab] | None = None) -> None:
        self.stores, self.settings = stores, settings
        self.quiet = QuietHours.from_settings(settings.quiet_hours)
        self.index = IndexCache(stores.subscriptions)
        self.profiles = ProfileIndexCache(stores.profiles)
        self.vocab = vocab or (lambda: load_vocab(settings.vocabulary))

    def match(self, ids: list[str]) -> dict[StudentKey, Mapping[str, str]]:
        """owner -> {job: why} for these jobs: subscriptions first, then profiles (whose
        mappings may be shared between students, so they are never written to)."""
        terms = self.stores.jobs.terms(ids)
        matches: dict[StudentKey, Mapping[str, str]] = dict(self.index.get().match(terms))
        profiles = self.profiles.get()
        if profiles.size:
            vocab = self.vocab()
            facets = {i: job_facets(job, terms[i], vocab)
                      for i, job in self.stores.jobs.many(list(terms)).items()}
            for owner, found in profiles.match(facets).items():
                mine = matches.get(owner)
                if mine is None:
                    matches[owner] = found
                    continue
                for job_id, why in found.items():
                    mine.setdefault(job_id, why)   # type: ignore[attr-defined]
        return matches

    def match_new_jobs(self, batch: int = 5000) -> int:
        """Match jobs not matched yet against every subscription and profile; returns
        (student, job) pairs. First, if staff edited the job vocabulary, the stored terms
        are derived again (`rederive`)."""
        try:
            refresh_terms(self.stores, self.vocab())
        except VocabError as exc:      # a broken edit: keep matching with the terms as they are
            log.error("%s", exc)
        jobs, total = self.stores.jobs, 0
        while True:
            ids = jobs.unmatched(batch)
            if not ids:
                return total
            matches = self.match(ids)
            self.stores.pending.add(matches)
            jobs.matched(ids)
            total += sum(len(v) for v in matches.values())
            if len(ids) < batch:
                return total

    def digests(self, now: datetime, dry_run: bool = False) -> list[Notice]:
        if self.quiet.active(now):
            return []
        st, limit = self.stores, self.settings.max_jobs_per_digest
        today = now.astimezone(SHANGHAI).date()
        students = st.pending.students()
        prefs = st.prefs.many(students)
        targets = st.identity.targets(students)
        out = []
        for student in students:
            p, to = prefs[student], targets[student]
            due = not p.paused and to is not None
            slot = digest_slot(p, now, self.settings.immediate_interval_minutes) if due else None
            if slot is None:
                continue
            pending = st.pending.read(student)
            reasons = pending.reasons
            jobs = st.jobs.many(st.sent.unsent(student, list(reasons)))
            current = sorted((j for j in jobs.values() if live(j, today)),
                             key=lambda j: (j.published_at, j.id), reverse=True)
            if not current:
                if not dry_run:
                    st.pending.drop(student, pending)
                continue
            extra = len(current) - limit if len(current) > limit else 0
            notice = digest_notice(student, slot, current[:limit], reasons, now, extra, to,
                                   digest_link(self.settings.digest_url, current[:limit]))
            out.append(notice)
            if dry_run:
                continue
            if st.outbox.enqueue_once(notice):
                st.pending.drop(student, pending)
            st.prefs.update(student, last_slot=slot)
        return out

    def reminders(self, now: datetime, dry_run: bool = False) -> list[Notice]:
        """For each fair, the latest reminder already due (24 h, then 1 h) to each student who asked.

        A pass that runs late sends only the closest reminder, not every missed one; a
        student who asked after that reminder's time gets only the ones still ahead then.
        """
        if self.quiet.active(now):
            return []
        offsets = sorted(self.settings.reminder_offsets_minutes)
        if not offsets:
            return []
        st, out = self.stores, []
        for fair in st.fairs.between(now, now + timedelta(minutes=offsets[-1])):
            due = [o for o in offsets if fair.start - timedelta(minutes=o) <= now]
            if not due or fair.start <= now:
                continue
            offset = min(due)
            reminder_time = (fair.start - timedelta(minutes=offset)).timestamp()
            students = st.reminders.students(fair.id)
            targets = st.identity.targets(students)
            since = st.reminders.since(fair.id) if students else {}
            for student in students:
                to = targets[student]
                # Asked after this reminder's time: they were told it would not come.
                if to is None or since.get(student, 0) > reminder_time:
                    continue
                notice = reminder_notice(student, fair, offset, now, to)
                if dry_run:
                    if not st.outbox.already_queued(notice.id):
                        out.append(notice)
                elif st.outbox.enqueue_once(notice):
                    out.append(notice)
        return out

    def plan(self, now: datetime, dry_run: bool = False) -> PassResult:
        """One pass of everything due at `now` (the CLI's `push run`, and the scheduler's jobs)."""
        result = PassResult(held_by_quiet_hours=self.quiet.active(now))
        # Matching is bookkeeping the scheduler does every minute, not a send: a dry run
        # does it too, so it shows the digests that new jobs will make.
        result.matched = self.match_new_jobs()
        result.digests = self.digests(now, dry_run)
        result.reminders = self.reminders(now, dry_run)
        return result
