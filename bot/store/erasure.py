"""Erasing a student: everything personal the bot keeps, and the check that nothing is left.

Each store forgets what it holds for the student (the named operations below), then a
sweep looks at every key of the namespace: a key whose name has one of the student's
ids as a part (a queued notice's id, a WeChat event's de-duplication key) is deleted,
and so is any saved answer that quotes them (the reply to 绑定 names the student). The
sweep is what makes erasure complete even for keys a future feature adds; it reads
the whole namespace once, which is fine for a request that comes a few times a year.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..records import StudentKey
from .batch import flush

if TYPE_CHECKING:
    from . import Stores

MIN_ID = 4      # shorter "ids" could be a port, an offset, a ticket number: never swept by


@dataclass(frozen=True)
class Erased:
    chats: int
    tickets: int
    notices: int
    swept: int


def erase_person(stores: "Stores", owner: StudentKey, chats: list[StudentKey],
                 student_no: str | None, name: str | None) -> Erased:
    flush(stores.client)      # this message's own bookkeeping first, so it is erased too
    everyone = sorted({owner, *chats})
    for key in everyone:
        stores.conversation.forget(key)
        stores.turns.forget(key)
        stores.subscriptions.forget(key)
        stores.prefs.forget(key)
        stores.pending.forget(key)
        stores.sent.forget(key)
        stores.reminders.forget(key)
        stores.profiles.delete(key)
    notices = stores.outbox.forget(everyone)
    tickets = stores.tickets.forget(everyone)
    stores.attempts.forget(everyone, student_no)
    stores.identity.forget(owner, everyone, student_no)
    if student_no:
        stores.roster.delete(student_no)
    ids = {k.user_id for k in everyone} | ({student_no} if student_no else set())
    quoted = ids | ({name} if name else set())
    stores.unanswered.forget_mentions(quoted - {k.user_id for k in everyone})
    swept = sweep(stores, ids, quoted)
    return Erased(len(everyone), tickets, notices, swept)


def sweep(stores: "Stores", ids: set[str], quoted: set[str]) -> int:
    """Delete keys naming one of `ids`, and saved answers quoting one of `quoted`."""
    r, keys = stores.client, stores.keys
    ids = {i for i in ids if len(i) >= MIN_ID}
    quoted = {q for q in quoted if q}
    doomed = [k for k in r.scan_iter(keys.pattern(), count=2000)
              if ids.intersection(k.split(":"))]
    answers = [k for k in r.scan_iter(keys.deliveries_pattern(), count=2000)
               if k.endswith(":reply")]
    for start in range(0, len(answers), 500):
        chunk = answers[start:start + 500]
        for key, value in zip(chunk, r.mget(chunk)):
            if value and any(q in value for q in quoted):
                doomed.append(key)
    if doomed:
        r.delete(*doomed)
    return len(doomed)
