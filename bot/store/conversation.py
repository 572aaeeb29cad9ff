"""Per-student conversation state, kept in Redis with a TTL so any process can continue it.

A numbered list and a dialog (the intentions questions, a confirmation) are the two
things a short reply can refer to; the newer one wins, so starting one ends the other:
after "招聘会", "2" picks a fair, not an answer to a question asked before.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass

import redis

from ..records import StudentKey
from . import glance
from .batch import write
from .keys import Keys

AWAITS_TEXT = "awaits_text"     # a dialog's state with this set takes free text as its answer


@dataclass(frozen=True)
class Choice:
    """One numbered option the student was offered: what to do if they pick it."""

    label: str
    action: str          # e.g. "faq" (value: an FAQ id) or "fair" (value: a fair id)
    value: str
    asked: str = ""      # an FAQ list: the question it was offered for (normalized), so a
                         # pick tells staff which entry the student meant


class ConversationStore:
    def __init__(self, client: redis.Redis, keys: Keys, choices_ttl: int, more_ttl: int,
                 dialog_ttl: int = 1800) -> None:
        self.r, self.keys = client, keys
        self.choices_ttl, self.more_ttl, self.dialog_ttl = choices_ttl, more_ttl, dialog_ttl

    def set_choices(self, student: StudentKey, choices: list[Choice]) -> None:
        key = self.keys.choices(student)
        pipe = self.r.pipeline(transaction=False)
        pipe.delete(self.keys.dialog(student))
        if choices:
            pipe.set(key, json.dumps([asdict(c) for c in choices], ensure_ascii=False),
                     ex=self.choices_ttl)
        else:
            pipe.delete(key)
        pipe.execute()
        glance.note_dialog(student, None)

    def choices(self, student: StudentKey) -> list[Choice]:
        raw = self.r.get(self.keys.choices(student))
        if not raw:
            return []
        try:
            return [Choice(**c) for c in json.loads(raw)]
        except (ValueError, TypeError):
            return []

    def set_more(self, student: StudentKey, kind: str, value: str) -> None:
        """What “更多” goes on with: `kind` "text" and the rest of a long answer, or a
        list's name and what its next page needs."""
        key, ttl = self.keys.more(student), self.more_ttl
        payload = json.dumps([kind, value], ensure_ascii=False) if value else None
        # Sent with the message's next round trip (`batch`), before its reply leaves.
        write(self.r, lambda pipe: pipe.set(key, payload, ex=ttl) if payload else pipe.delete(key))

    def take_more(self, student: StudentKey) -> tuple[str, str] | None:
        """(kind, value) of what “更多” goes on with, removed so it is not sent twice."""
        raw = self.r.getdel(self.keys.more(student))
        if not raw:
            return None
        try:
            kind, value = json.loads(raw)
            return str(kind), str(value)
        except (ValueError, TypeError):
            return "text", raw                # kept by an earlier version: the text itself

    def set_fair_list(self, student: StudentKey, fair_ids: list[str], now: float, ttl: int) -> None:
        """The fairs last listed to this student, in order: “提醒 2” refers to it for `ttl`
        seconds, even after an FAQ list has taken over the digits."""
        key = self.keys.fair_list(student)
        if fair_ids:
            self.r.set(key, json.dumps({"at": now, "ttl": ttl, "ids": fair_ids}), ex=ttl)
        else:
            self.r.delete(key)

    def fair_list(self, student: StudentKey, now: float) -> list[str]:
        """The fair ids last listed, if that was less than its `ttl` before `now`."""
        raw = self.r.get(self.keys.fair_list(student))
        try:
            data = json.loads(raw) if raw else {}
            if now - float(data["at"]) > float(data["ttl"]):
                return []
            return [str(i) for i in data["ids"]]
        except (ValueError, TypeError, KeyError):
            return []

    # -- a dialog in progress: {"kind": …, "step": …} -------------------------------------------
    def set_dialog(self, student: StudentKey, state: dict) -> None:
        raw = json.dumps(state, ensure_ascii=False)
        pipe = self.r.pipeline(transaction=False)
        pipe.delete(self.keys.choices(student))
        pipe.set(self.keys.dialog(student), raw, ex=self.dialog_ttl)
        pipe.execute()
        glance.note_dialog(student, raw)

    def dialog(self, student: StudentKey) -> dict | None:
        """The open dialog's state; read with the message's claim when one is being
        answered (`glance`), else now."""
        seen = glance.known(student)
        raw = seen.dialog if seen is not None else self.r.get(self.keys.dialog(student))
        try:
            state = json.loads(raw) if raw else None
        except ValueError:
            return None
        return state if isinstance(state, dict) else None

    def awaits_text(self, student: StudentKey) -> bool:
        """A dialog is waiting for a free-text answer from this chat."""
        state = self.dialog(student)
        return bool(state and state.get(AWAITS_TEXT))

    def end_dialog(self, student: StudentKey) -> None:
        self.r.delete(self.keys.dialog(student))
        glance.note_dialog(student, None)

    def forget(self, student: StudentKey) -> None:
        """Everything of this chat's conversation (erasure)."""
        self.r.delete(self.keys.choices(student), self.keys.more(student),
                      self.keys.dialog(student), self.keys.fair_list(student))
        glance.note_dialog(student, None)
