"""Who a broadcast reaches: everyone the bot knows, or a segment of them.

A segment is a channel and/or a subscription keyword today. Other ways to pick students
(college, degree, class year, the priority group: the roster's fields) plug in through
`register_filter`, so the console's form and the count before sending pick them up
without changes here.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable

from ..records import StudentKey
from ..store import Stores

CHANNEL_NAMES = {"wechat": "微信", "feishu": "飞书"}
WECHAT_WINDOW_SECONDS = 48 * 3600

# name -> (Chinese label, filter(stores, students, value) -> the students that match)
Filter = Callable[[Stores, list[StudentKey], str], list[StudentKey]]
FILTERS: dict[str, tuple[str, Filter]] = {}


def register_filter(name: str, label: str, keep: Filter) -> None:
    """Let a segment narrow by `name` (e.g. the roster's "college", label 学院)."""
    FILTERS[name] = (label, keep)


@dataclass(frozen=True)
class Segment:
    channel: str = ""                                     # "" = every channel
    keyword: str = ""                                     # subscribers of this word
    filters: dict[str, str] = field(default_factory=dict)  # registered filter -> value

    def describe(self) -> str:
        parts = []
        if self.channel:
            parts.append(f"{CHANNEL_NAMES.get(self.channel, self.channel)}上的学生")
        if self.keyword:
            parts.append(f"订阅了“{self.keyword}”的学生")
        for name, value in self.filters.items():
            if value and name in FILTERS:
                parts.append(f"{FILTERS[name][0]}：{value}")
        return "，".join(parts) if parts else "所有学生"

    def as_dict(self) -> dict:
        return {"channel": self.channel, "keyword": self.keyword, "filters": dict(self.filters)}

    @classmethod
    def of(cls, data: dict) -> "Segment":
        return cls(data.get("channel", ""), data.get("keyword", ""), dict(data.get("filters") or {}))


def _subscribers_of(stores: Stores, keyword: str) -> set[StudentKey]:
    needle = keyword.strip().casefold()
    out = set()
    for stored in stores.subscriptions.everything():
        sub = stored.subscription
        if any(needle == w.casefold() for w in sub.words) or needle in sub.terms:
            out.add(stored.student)
    return out


def resolve(stores: Stores, segment: Segment) -> list[StudentKey]:
    """The students `segment` reaches now, leaving out those who unfollowed or refused."""
    students = {s for s, _ in stores.students.everyone()}
    students.update(s.student for s in stores.subscriptions.everything())
    if segment.channel:
        students = {s for s in students if s.channel == segment.channel}
    if segment.keyword.strip():
        students &= _subscribers_of(stores, segment.keyword)
    chosen = sorted(students)
    for name, value in segment.filters.items():
        if value and name in FILTERS:
            chosen = FILTERS[name][1](stores, chosen, value)
    prefs = stores.prefs.many(chosen)
    return [s for s in chosen if not prefs[s].unfollowed]


@dataclass(frozen=True)
class Reach:
    total: int
    by_channel: dict[str, int]
    wechat_in_window: int          # wrote in the last 48 hours: a text message reaches them now

    def describe(self, template_mode: bool) -> str:
        if not self.total:
            return "没有符合条件的学生。"
        parts = "、".join(f"{CHANNEL_NAMES.get(c, c)} {n} 人" for c, n in sorted(self.by_channel.items()))
        text = f"将发送给 {self.total} 名学生（{parts}）。"
        wechat = self.by_channel.get("wechat", 0)
        if wechat and not template_mode and self.wechat_in_window < wechat:
            later = wechat - self.wechat_in_window
            text += (f"微信上有 {later} 人超过 48 小时没有发过消息，客服消息暂时发不到，"
                     f"会在他们下次发消息时补发。")
        return text


def reach(stores: Stores, students: list[StudentKey], now_ts: float) -> Reach:
    by_channel: dict[str, int] = {}
    for s in students:
        by_channel[s.channel] = by_channel.get(s.channel, 0) + 1
    wechat = [s for s in students if s.channel == "wechat"]
    seen = stores.students.last_seen(wechat)
    window = sum(1 for s in wechat if (seen[s] or 0) >= now_ts - WECHAT_WINDOW_SECONDS)
    return Reach(len(students), by_channel, window)
