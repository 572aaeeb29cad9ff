"""Handing over what the platform refused to push (WeChat 45015: no message for 48 hours).

When the student writes again the window is open. A staff member's reply is given right
here, at the top of the answer to what they wrote (a reply in the chat needs no window);
other notices go back to the outbox, and the answer says what is coming.
This runs after the handler table, so the student's own question is still answered.
"""
from __future__ import annotations

from dataclasses import replace

from ..context import BotContext
from ..handoff.desk import mark_delivered
from ..message import Message, Reply

HANDOVER_SUFFIX = "~handover"


class HeldNoticesHook:
    name = "held_notices"

    def after(self, msg: Message, ctx: BotContext, reply: Reply) -> Reply:
        if msg.kind != "text" or reply.private:
            return reply
        outbox = ctx.stores.outbox
        if not outbox.held_count(msg.student):
            return reply
        notices = outbox.take_held(msg.student)
        parts = []
        for n in notices:
            if n.kind == "staff_reply":
                parts.append(f"{n.title}：\n{n.summary}")
                mark_delivered(ctx, n.ref)
        later = [n for n in notices if n.kind != "staff_reply"]
        for n in later:
            outbox.enqueue(replace(n, id=n.id + HANDOVER_SUFFIX, attempt=0))
        if later:
            jobs = sum(len(n.job_ids) for n in later if n.kind == "digest")
            what = f"（其中 {jobs} 个新岗位）" if jobs else ""
            parts.append(f"您有 {len(later)} 条新岗位推送{what}，马上逐条发给您。")
        head = "\n\n".join(parts)
        if reply.silent or not reply.text:
            return replace(reply, text=head, silent=False)
        return replace(reply, text=f"{head}\n\n{reply.text}")


hook = HeldNoticesHook()
