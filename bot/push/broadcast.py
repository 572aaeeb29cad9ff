"""Notices staff send to students from the console: now or at a set time.

A broadcast becomes one notice per student in the outbox, each queued once (its id is the
broadcast's and the student's), so quiet hours, the rate limits and never-twice apply to
it like to every push. Progress is read back from the outbox's per-notice states.
WeChat shows at most 20 characters of a template field (`fields.FIELD_CHARS`), so the
title is kept within that and the details go behind the link.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from ..clock import SHANGHAI, Clock
from ..records import Notice, StudentKey
from ..store import Stores
from ..store.broadcasts import Broadcast
from .audience import Segment, resolve
from .fields import FIELD_CHARS

TITLE_LIMIT = FIELD_CHARS
BODY_LIMIT = 600
URL = re.compile(r"^https?://\S+$")
PROGRESS_NAMES = {"sent": "已发送", "queued": "排队中", "held": "暂存（待学生发消息后补发）",
                  "dropped": "未送达", "sending": "发送中"}


class BroadcastError(ValueError):
    """What staff must change in the form; the message is Chinese."""


@dataclass(frozen=True)
class Draft:
    title: str
    body: str
    url: str
    segment: Segment
    send_at: datetime | None = None          # None: now


def check(d: Draft, now: datetime) -> None:
    if not d.title.strip():
        raise BroadcastError("请填写标题")
    if len(d.title.strip()) > TITLE_LIMIT:
        raise BroadcastError(f"标题最多 {TITLE_LIMIT} 个字（微信模板消息每栏只显示 {TITLE_LIMIT} 个字），"
                             f"现在 {len(d.title.strip())} 个字：详细内容请写在正文或链接里")
    if not d.body.strip():
        raise BroadcastError("请填写正文")
    if len(d.body) > BODY_LIMIT:
        raise BroadcastError(f"正文最多 {BODY_LIMIT} 字，详细内容请放在链接里")
    if d.url.strip() and not URL.match(d.url.strip()):
        raise BroadcastError("链接应以 http:// 或 https:// 开头")
    if d.send_at is not None and d.send_at < now:
        raise BroadcastError("定时发送的时间已经过去了，请选择将来的时间，或选择“立即发送”")


def notice_for(b: Broadcast, student: StudentKey) -> Notice:
    when = datetime.fromisoformat(b.send_at).astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")
    return Notice(id=f"broadcast:{b.id}:{student.encode()}", channel=student.channel,
                  user_id=student.user_id, kind="broadcast", title=b.title, summary=b.body,
                  time=when, url=b.url, footer=f"详情：{b.url}" if b.url else "",
                  brief={"name": b.title})


class Broadcaster:
    def __init__(self, stores: Stores, clock: Clock) -> None:
        self.stores, self.clock = stores, clock

    def create(self, d: Draft, who: str) -> Broadcast:
        now = self.clock.now()
        check(d, now)
        at = d.send_at or now
        b = Broadcast(id=self.stores.broadcasts.new_id(at.astimezone(SHANGHAI).date().isoformat()),
                      title=d.title.strip(), body=d.body.strip(), url=d.url.strip(),
                      segment=d.segment.as_dict(), created_by=who,
                      created_at=now.isoformat(timespec="seconds"),
                      send_at=at.isoformat(timespec="seconds"))
        if d.send_at is None:
            return self.queue(b)
        self.stores.broadcasts.save(b, due_ts=d.send_at.timestamp())
        return b

    def queue(self, b: Broadcast) -> Broadcast:
        """Put one notice per student in the outbox (again is harmless: each goes once)."""
        students = resolve(self.stores, Segment.of(b.segment))
        self.stores.broadcasts.save(b)
        self.stores.broadcasts.set_recipients(b.id, students)
        queued = sum(self.stores.outbox.enqueue_once(notice_for(b, s)) for s in students)
        return self.stores.broadcasts.mark(b, status="queued", recipients=len(students),
                                           queued=queued)

    def send_due(self, now: datetime | None = None) -> int:
        """Queue every scheduled broadcast whose time has come (the scheduler calls this)."""
        now = now or self.clock.now()
        done = 0
        for broadcast_id in self.stores.broadcasts.take_due(now.timestamp()):
            b = self.stores.broadcasts.get(broadcast_id)
            if b is not None and b.status == "scheduled":
                self.queue(b)
                done += 1
        return done

    def cancel(self, broadcast_id: str) -> bool:
        b = self.stores.broadcasts.get(broadcast_id)
        if b is None or b.status != "scheduled":
            return False
        self.stores.broadcasts.save(self.stores.broadcasts.mark(b, status="cancelled"))
        return True

    def progress(self, b: Broadcast) -> dict[str, int]:
        """How many of its notices are sent, queued, held, not delivered."""
        students = self.stores.broadcasts.recipients(b.id)
        states = self.stores.outbox.states([notice_for(b, s).id for s in students])
        counts: Counter[str] = Counter()
        for state in states:
            key = "queued" if state is None else state.split(":", 1)[0]
            counts[key] += 1
        return dict(counts)
