"""绑定 <学号> <姓名>: linking a chat to its roster record, one student across channels.

The name must match the roster's. Wrong tries are counted per chat and per 学号 and,
after a few, slowed down (`store.attempts`); a wrong 学号 and a wrong name get the same
answer, so nobody learns which 学号 exist. The second chat a student binds joins the
first one's owner key (`store.identity`) and brings along what it had on its own:
subscriptions, reminders, waiting matches, the jobs it was already sent, and what the
student typed into its profile. Logs carry neither names nor 学号.
"""
from __future__ import annotations

import logging
import math
import re
import unicodedata
from dataclasses import dataclass, replace

from ..context import BotContext
from ..nlp.normalize import to_simplified
from ..people import Profile, RosterRecord, profile_from_roster
from ..records import StudentKey
from .profiles import save_profile

log = logging.getLogger(__name__)

_NAME_NOISE = re.compile(r"[\s·•．.\-_]+")


@dataclass(frozen=True)
class BindResult:
    outcome: str        # "new", "joined", "same", "other", "mismatch", "wait"
    record: RosterRecord | None = None
    wait_seconds: float = 0.0


def same_name(a: str, b: str) -> bool:
    def norm(text: str) -> str:
        return _NAME_NOISE.sub("", to_simplified(unicodedata.normalize("NFKC", text))).lower()
    return bool(norm(a)) and norm(a) == norm(b)


def bind(ctx: BotContext, chat: StudentKey, student_no: str, name: str) -> BindResult:
    st, now = ctx.stores, ctx.clock.now().timestamp()
    wait = st.attempts.wait_seconds(chat, student_no, now)
    if wait > 0:
        return BindResult("wait", wait_seconds=wait)
    record = st.roster.get(student_no)
    if record is None or not same_name(record.name, name):
        st.attempts.failed(chat, student_no, now)
        log.info("a %s chat gave a 学号 and name that do not match the roster", chat.channel)
        return BindResult("mismatch")
    binding = st.identity.bind(chat, student_no)
    if binding.outcome in ("same", "other"):
        return BindResult(binding.outcome, record if binding.outcome == "same" else None)
    st.attempts.succeeded(chat, student_no)
    if binding.outcome == "joined":
        join(ctx, chat, binding.owner)
    else:
        save_profile(ctx, chat, profile_from_roster(record, st.profiles.get(chat)))
    log.info("a %s chat was bound (%s)", chat.channel, binding.outcome)
    return BindResult(binding.outcome, record)


def join(ctx: BotContext, chat: StudentKey, owner: StudentKey) -> None:
    """What `chat` had on its own becomes the owner's; the owner's own choices win."""
    st = ctx.stores
    st.subscriptions.move(chat, owner)
    st.reminders.move(chat, owner)
    st.pending.move(chat, owner)
    st.sent.move(chat, owner)
    st.prefs.forget(chat)
    mine, theirs = st.profiles.get(chat), st.profiles.get(owner) or Profile()
    if mine is not None:
        merged = theirs
        for name in mine.edited:
            if name not in theirs.edited:
                merged = merged.with_value(name, getattr(mine, name))
        merged = replace(merged, consent=theirs.consent or mine.consent)
        save_profile(ctx, owner, merged)
        st.profiles.delete(chat)


def wait_text(seconds: float) -> str:
    minutes = max(1, math.ceil(seconds / 60))
    if minutes >= 120:
        return f"{math.ceil(minutes / 60)} 小时"
    return f"{minutes} 分钟"


_NUMBER = re.compile(r"[A-Za-z]*\d[\dA-Za-z]*")


def parse(rest: str) -> tuple[str, str] | None:
    """(学号, 姓名) from what followed 绑定, in either order, with or without a space."""
    text = unicodedata.normalize("NFKC", rest).strip()
    m = _NUMBER.search(text)
    if not m:
        return None
    name = (text[:m.start()] + " " + text[m.end():]).strip(" ,，、:：;；")
    name = re.sub(r"学号|姓名|\s+", "", name).strip(" ,，、:：;；")
    if not name:
        return None
    return m.group(0).upper(), name
