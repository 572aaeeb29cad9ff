"""An answer the platform would not take as a reply goes out as a message instead.

WeChat waits 5 s for a passive reply; Feishu's reply API can be rate-limited or out of
reach for longer than its own retries. Either way the student has asked and been
acknowledged, so the answer must not be dropped: it goes to the outbox as an "answer"
notice, and the sender delivers it with its retries, across restarts.
"""
from __future__ import annotations

from typing import Callable

from ..context import BotContext
from ..message import Message
from ..records import Notice

LateReply = Callable[[Message, str, str], None]   # (message, delivery id, answer text)


def late_answers_to(ctx: BotContext, channel: str) -> LateReply | None:
    """Where such an answer goes: the outbox. None when this bot cannot push on
    `channel` (no AppID and secret), and nothing could ever send it."""
    if not ctx.config.can_push(channel):
        return None

    def deliver(msg: Message, delivery_id: str, text: str) -> None:
        ctx.stores.outbox.enqueue(Notice.late_answer(msg.student, delivery_id, text))
    return deliver
