"""The ordered handler table: the first handler whose `match` finds something handles.

Order matters: events and media first, then exact commands, then numbered follow-ups,
then the FAQ, and the fallback last (it always matches).
"""
from __future__ import annotations

from . import events, fallback, faq, followup, greeting, help, media, more
from .base import Handler

HANDLERS: tuple[Handler, ...] = (
    events.handler,
    media.handler,
    help.handler,
    greeting.handler,
    followup.handler,
    more.handler,
    faq.handler,
    fallback.handler,
)
