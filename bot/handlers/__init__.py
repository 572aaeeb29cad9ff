"""The ordered handler table: the first handler whose `match` finds something handles.

Order matters: events and media first, then exact commands, then the answer to a dialog
in progress and numbered follow-ups, then 不对 (the last answer was wrong), then features
asked for in a sentence, then the FAQ, and the fallback last (it always matches). `HOOKS`
run after whichever handler answered: they note the turn (the last turns a staff card
shows) and may add to its reply (held notices and staff replies).
"""
from __future__ import annotations

from . import (bind, correction, erase, events, fairs, fallback, faq, followup, greeting, handoff,
               held, help, intentions, intents, job_search, media, more, push_settings, recommend,
               reminders, subscribe, subscriptions, unsubscribe)
from .base import Handler

HANDLERS: tuple[Handler, ...] = (
    events.handler,
    media.handler,
    help.handler,
    greeting.handler,
    erase.handler,                # 删除我的信息, 确认删除
    handoff.handler,              # 人工 / 找老师
    bind.handler,
    intentions.handler,           # 我的信息 / 意向
    recommend.handler,
    subscriptions.handler,        # 我的订阅 before 订阅 <…>
    unsubscribe.handler,
    subscribe.handler,
    job_search.handler,
    fairs.handler,
    reminders.handler,
    push_settings.handler,
    intentions.answer_keys,       # 1, 跳过, 退出 … answering the 意向 questions, before lists
    followup.handler,
    more.handler,
    correction.handler,           # 不对 right after a direct FAQ answer
    intents.handler,              # the bot's own features asked in a sentence, before the FAQ
    faq.handler,                  # leaves what it is unsure of to a dialog waiting for text
    intentions.answer_text,       # a city, a keyword … answering the 意向 questions
    fallback.handler,
)

HOOKS = (
    held.hook,                    # notes the turn; hands over held notices and staff replies
)
