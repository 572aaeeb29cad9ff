"""What answering one message needs to know about its chat, read once with its claim.

Every text message asks Redis two things about its chat: whether a dialog waits for
free text (the FAQ then leaves unsure text to the dialog) and how many notices are held
for the chat (they are handed over with the answer). Asked where they are needed, that
was a round trip each, after the de-duplication claim. Instead both are read in the
claim's own pipeline (`DeliveryLog.claim_and_glance`), or, where a platform claims
otherwise, in one pipeline at the start of the message (`Stores.glance`), and kept for
the rest of that message (`remembering`): the stores that own the dialog and the held
notices answer from the kept copy and update it when they write.

The copy lives only while one message is answered, in a context variable (each thread
its own), so it is never older than that message; a notice held or a dialog opened by
another message meanwhile is seen by the chat's next message, as it was before when
either landed just after the read.
"""
from __future__ import annotations

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, replace
from typing import Iterator

from ..records import StudentKey
from .keys import Keys


@dataclass(frozen=True)
class ChatGlance:
    """A chat's dialog (as stored, JSON or None) and how many notices are held for it."""

    chat: StudentKey
    dialog: str | None
    held: int


_kept: ContextVar[dict[StudentKey, ChatGlance] | None] = ContextVar("bot_chat_glance",
                                                                    default=None)


def add_reads(pipe, keys: Keys, chat: StudentKey) -> None:
    """Queue the two reads on `pipe`; `from_results` reads their two results back."""
    pipe.get(keys.dialog(chat))
    pipe.llen(keys.held(chat))


def from_results(chat: StudentKey, results: list) -> ChatGlance:
    dialog, held = results
    return ChatGlance(chat, dialog if isinstance(dialog, str) else None, int(held or 0))


@contextmanager
def remembering(glance: ChatGlance | None = None) -> Iterator[None]:
    """Keep glances for this block (one message); nested blocks share the outer one."""
    if _kept.get() is not None:
        if glance is not None:
            keep(glance)
        yield
        return
    token = _kept.set({} if glance is None else {glance.chat: glance})
    try:
        yield
    finally:
        _kept.reset(token)


def active() -> bool:
    """Whether a message is being answered here (a glance read now would be kept)."""
    return _kept.get() is not None


def keep(glance: ChatGlance) -> None:
    kept = _kept.get()
    if kept is not None:
        kept[glance.chat] = glance


def known(chat: StudentKey) -> ChatGlance | None:
    """The kept glance of this chat, if this message read one."""
    kept = _kept.get()
    return None if kept is None else kept.get(chat)


def note_dialog(chat: StudentKey, dialog: str | None) -> None:
    """The dialog was written in this message: later reads in it see what was written."""
    _note(chat, dialog=dialog)


def note_held(chat: StudentKey, held: int) -> None:
    _note(chat, held=held)


def _note(chat: StudentKey, **changes) -> None:
    kept = _kept.get()
    if kept is not None and chat in kept:
        kept[chat] = replace(kept[chat], **changes)
