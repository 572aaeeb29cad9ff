"""Keeping the last few turns of each chat (for the staff card of a student who asks for a
person), resetting the declines-in-a-row count, and noting when the chat last wrote."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply


class TurnsHook:
    name = "turns"

    def after(self, msg: Message, ctx: BotContext, reply: Reply) -> Reply:
        if msg.kind != "text" or reply.private or not msg.text.strip():
            return reply
        answer = "" if reply.silent else reply.as_text()
        ctx.stores.turns.record(msg.student, msg.text.strip(), answer, reply.declined,
                                ctx.clock.now().timestamp())
        return reply


hook = TurnsHook()
