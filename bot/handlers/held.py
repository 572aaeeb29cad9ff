"""Handing over notices WeChat refused (45015: the student has not written for 48 hours).

When the student writes again the window is open: their notices go back to the outbox,
and the answer to what they wrote starts by saying what is coming.
This runs after the handler table, so the student's own question is still answered.
"""
from __future__ import annotations

from dataclasses import replace

from ..context import BotContext
from ..message import Message, Reply

HANDOVER_SUFFIX = "~handover"


class HeldNoticesHook:
    name = "held_notices"

    def after(self, msg: Message, ctx: BotContext, reply: Reply) -> Reply:
        if msg.kind != "text":
            return reply
        outbox = ctx.stores.outbox
        if not outbox.held_count(msg.student):
            return reply
        notices = outbox.take_held(msg.student)
        for n in notices:
            outbox.enqueue(replace(n, id=n.id + HANDOVER_SUFFIX, attempt=0))
        jobs = sum(len(n.job_ids) for n in notices if n.kind == "digest")
        what = f"（其中 {jobs} 个新岗位）" if jobs else ""
        noun = "新岗位推送" if all(n.kind != "broadcast" for n in notices) else "新消息"
        head = f"您有 {len(notices)} 条{noun}{what}，马上逐条发给您。"
        if reply.silent or not reply.text:
            return replace(reply, text=head, silent=False)
        return replace(reply, text=f"{head}\n\n{reply.text}")


hook = HeldNoticesHook()
