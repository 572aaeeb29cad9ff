"""A notice: one message to one student (a job digest, a fair reminder, or a late answer).

It carries its own text parts so any transport can render it (plain text, a WeChat
template, a Feishu card) and a stable id, the key that stops it being sent twice.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field


@dataclass
class Notice:
    id: str
    channel: str
    user_id: str
    kind: str                     # "digest", "reminder" or "answer" (missed WeChat's 5 s)
    title: str
    summary: str                  # the body: job lines or fair details
    time: str = ""                # when (fair start, or digest date), for templates
    reason: str = ""              # why it was sent: "匹配：Java + 北京"
    url: str = ""
    footer: str = ""
    job_ids: list[str] = field(default_factory=list)
    attempt: int = 0

    @property
    def ref(self) -> str:
        return f"{self.channel}:{self.user_id}"

    def text(self) -> str:
        parts = [self.title, self.summary]
        if self.reason and self.kind != "digest":
            parts.append(self.reason)
        if self.footer:
            parts.append(self.footer)
        return "\n".join(p for p in parts if p)

    @classmethod
    def late_answer(cls, channel: str, user_id: str, delivery_id: str, text: str) -> "Notice":
        """An answer that took longer than the platform waits: sent as a message instead."""
        return cls(id=f"answer:{channel}:{delivery_id}", channel=channel, user_id=user_id,
                   kind="answer", title="", summary=text)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)

    @classmethod
    def from_json(cls, raw: str) -> "Notice":
        return cls(**json.loads(raw))
