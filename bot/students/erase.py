"""删除我的信息, and staff erasing a student on request: everything personal, once.

Whichever chat asks, the whole student goes: every chat bound to the same roster
record, the roster record itself, the profile, subscriptions, settings, reminders,
queued notices, tickets and conversation (`store.erasure` lists and sweeps). Staff
should also take the student out of the sheet they import, or the next import brings
the roster record back (unbound: no chat, no profile).
"""
from __future__ import annotations

import logging

from ..context import BotContext
from ..records import StudentKey
from ..store.erasure import Erased, erase_person

log = logging.getLogger(__name__)


def erase_chat(ctx: BotContext, chat: StudentKey) -> Erased:
    """Erase the student writing from `chat` (bound or not)."""
    st = ctx.stores
    owner = st.identity.owner(chat)
    return _erase(ctx, owner, st.identity.student_no(owner))


def erase_number(ctx: BotContext, student_no: str) -> Erased | None:
    """Erase a student by 学号 (staff); None when neither roster nor binding knows it."""
    st = ctx.stores
    owner = st.identity.owner_of_number(student_no)
    if owner is not None:
        return _erase(ctx, owner, student_no)
    record = st.roster.get(student_no)
    if record is None:
        return None
    # never bound: no chat holds anything; the record and what names it are all there is
    return erase_person(st, StudentKey("roster", student_no), [], student_no, record.name)


def _erase(ctx: BotContext, owner: StudentKey, student_no: str | None) -> Erased:
    st = ctx.stores
    chats = st.identity.chats(owner) or [owner]
    record = st.roster.get(student_no) if student_no else None
    done = erase_person(st, owner, chats, student_no, record.name if record else None)
    log.info("erased a student: %d chat(s), %d ticket(s), %d queued notice(s), %d swept key(s)",
             done.chats, done.tickets, done.notices, done.swept)
    return done
