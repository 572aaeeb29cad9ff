"""The per-channel transport interface the sender talks to.

A transport turns a notice into one platform call and says what happened in the
sender's terms, so the sender's retry, hold and stop rules are the same for every
platform and each platform's error codes are interpreted in one place.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from .notice import Notice

SENT, RETRY, DROP, HOLD = "sent", "retry", "drop", "hold"


@dataclass(frozen=True)
class Outcome:
    status: str                   # sent | retry | drop | hold
    reason: str = ""              # e.g. "43004", "network", "45015"
    stop_student: bool = False    # the platform says never push to this student again


class Transport(Protocol):
    channel: str

    def deliver(self, notice: Notice) -> Outcome: ...
