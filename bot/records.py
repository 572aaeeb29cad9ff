"""The plain records every layer shares: a student's identity, jobs, fairs and notices.

They know nothing of Redis, Flask or a platform, so the store, the push side, the
handlers and the platforms can all speak of them without importing each other.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime

from .clock import SHANGHAI
from .dates import span


@dataclass(frozen=True, order=True)
class StudentKey:
    """One student on one channel: the only way a student is named anywhere in the code.

    `encode` / `decode` are the single place that turns it into text (a Redis member, a
    notice id); nothing else joins or splits "channel:user".
    """

    channel: str
    user_id: str

    def encode(self) -> str:
        return f"{self.channel}:{self.user_id}"

    @classmethod
    def decode(cls, text: str) -> "StudentKey":
        channel, _, user_id = text.partition(":")
        return cls(channel, user_id)


@dataclass
class Job:
    id: str
    title: str
    company: str
    city: str
    url: str
    industry: str = ""
    majors: list[str] = field(default_factory=list)
    degree: str = ""
    type: str = ""
    tags: list[str] = field(default_factory=list)
    salary: str = ""
    deadline: str = ""                # ISO date
    published_at: str = ""            # ISO datetime with offset
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Job":
        return cls(**json.loads(raw))

    def line(self) -> str:
        bits = [self.title, self.company, self.city] + ([self.salary] if self.salary else [])
        return "｜".join(bits)


@dataclass
class Fair:
    id: str
    title: str
    starts_at: str                    # ISO datetime with offset
    location: str
    url: str
    kind: str = ""
    ends_at: str = ""
    companies: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def start(self) -> datetime:
        return datetime.fromisoformat(self.starts_at)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Fair":
        return cls(**json.loads(raw))

    @property
    def end(self) -> datetime | None:
        return datetime.fromisoformat(self.ends_at) if self.ends_at else None

    def when(self) -> str:
        """11月24日（周二）14:00–16:30, in Beijing time."""
        end = self.end.astimezone(SHANGHAI) if self.end else None
        return span(self.start.astimezone(SHANGHAI), end)

    def line(self) -> str:
        kind = f"【{self.kind}】" if self.kind else ""
        return f"{kind}{self.title}｜{self.when()}｜{self.location}"


PARTS = ("title", "summary", "time", "reason", "url", "footer")


URGENT_KINDS = ("answer", "handoff", "staff_reply")


@dataclass
class Notice:
    """One message to one student (a job digest, a fair reminder, or a late answer).

    It carries its own text parts so any transport can render it (plain text, a WeChat
    template, a Feishu card) and a stable id, the key that stops it being sent twice.
    """

    id: str
    channel: str
    user_id: str
    kind: str                     # "digest", "reminder", "answer" (missed WeChat's 5 s),
                                  # "handoff" (a staff group card), "staff_reply"
    title: str
    summary: str                  # the body: job lines or fair details
    time: str = ""                # when (fair start, or digest date), for templates
    reason: str = ""              # why it was sent: "匹配：Java + 北京"
    url: str = ""
    footer: str = ""
    job_ids: list[str] = field(default_factory=list)
    attempt: int = 0
    owner: str = ""               # the student it is for, when not the chat it goes to
    ref: str = ""                 # what it is about (a ticket id for a handoff card)
    brief: dict[str, str] = field(default_factory=dict)   # short parts for one-line fields:
                                  # name, count, keywords, place (README: 推送方式)

    def part(self, name: str) -> str:
        """A named part of the notice, for template fields: an attribute or a brief part."""
        if name in self.brief:
            return self.brief[name]
        value = getattr(self, name, "") if name in PARTS else ""
        return value if isinstance(value, str) else ""

    @property
    def student(self) -> StudentKey:
        """The chat the notice is delivered to."""
        return StudentKey(self.channel, self.user_id)

    @property
    def owner_key(self) -> StudentKey:
        """The student whose data it belongs to (their sent jobs): see `store.identity`."""
        return StudentKey.decode(self.owner) if self.owner else self.student

    @property
    def urgent(self) -> bool:
        """Awaited now, so sent even in quiet hours: answers and what goes to or from staff."""
        return self.kind in URGENT_KINDS

    def text(self) -> str:
        parts = [self.title, self.summary]
        if self.reason and self.kind != "digest":
            parts.append(self.reason)
        if self.footer:
            parts.append(self.footer)
        return "\n".join(p for p in parts if p)

    @classmethod
    def late_answer(cls, student: StudentKey, delivery_id: str, text: str) -> "Notice":
        """An answer that took longer than the platform waits: sent as a message instead."""
        return cls(id=f"answer:{student.channel}:{delivery_id}", channel=student.channel,
                   user_id=student.user_id, kind="answer", title="", summary=text)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> "Notice":
        return cls(**json.loads(raw))
