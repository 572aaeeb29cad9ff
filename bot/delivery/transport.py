"""The per-channel transport interface the sender talks to.

A transport turns a notice into one platform call and says what happened in the
sender's terms, so the sender's retry, hold and stop rules are the same for every
platform and each platform's error codes are interpreted in one place (its transport).
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Protocol

from ..records import Notice


class Status(enum.Enum):
    SENT = "sent"
    RETRY = "retry"     # worth trying again later (rate limit, network, server error)
    DROP = "drop"       # never (refused for good)
    HOLD = "hold"       # keep until the student writes (outside WeChat's 48-hour window)


@dataclass(frozen=True)
class Outcome:
    status: Status
    reason: str = ""              # e.g. "43004", "network", "45015"
    stop_student: bool = False    # the platform says never push to this student again


class Transport(Protocol):
    channel: str

    def deliver(self, notice: Notice) -> Outcome: ...
