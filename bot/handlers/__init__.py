"""The ordered handler table: the first handler whose `match` finds something handles.

Order matters: events and media first, then exact commands, then numbered follow-ups,
then features asked for in a sentence, then the FAQ, and the fallback last (it always
matches). `HOOKS` run after whichever
handler answered, and may add to its reply (held push notices).
"""
from __future__ import annotations

from . import (events, fairs, fallback, faq, followup, greeting, held, help, intents, job_search,
               media, more, push_settings, reminders, subscribe, subscriptions, unsubscribe)
from .base import Handler

HANDLERS: tuple[Handler, ...] = (
    events.handler,
    media.handler,
    help.handler,
    greeting.handler,
    subscriptions.handler,        # 我的订阅 before 订阅 <…>
    unsubscribe.handler,
    subscribe.handler,
    job_search.handler,
    fairs.handler,
    reminders.handler,
    push_settings.handler,
    followup.handler,
    more.handler,
    intents.handler,              # the bot's own features asked in a sentence, before the FAQ
    faq.handler,
    fallback.handler,
)

HOOKS = (
    held.hook,
)
