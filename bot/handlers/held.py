"""After every text message: note the turn, and hand over what the platform refused to
push (WeChat 45015: no message for 48 hours).

The turn (kept briefly, for a staff card) and the declines-in-a-row count ride with the
message's other bookkeeping, and whether anything is held was read with the message's
claim (`store.glance`), so the common case costs no round trip of its own. When the
student writes again the window is open:
a staff member's reply is given right here, at the top of the answer to what they wrote
(a reply in the chat needs no window); other notices go back to the outbox, and the
answer says what is coming. This runs after the handler table, so the student's own
question is still answered. An exchange marked private (a 学号, an erasure) is not noted.
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
        if msg.kind != "text" or reply.private or not msg.text.strip():
            return reply
        answer = "" if reply.silent else reply.as_text()
        ctx.stores.turns.record(msg.student, msg.text.strip(), answer, reply.declined)
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
            noun = "新岗位推送" if all(n.kind != "broadcast" for n in later) else "新消息"
            parts.append(f"您有 {len(later)} 条{noun}{what}，马上逐条发给您。")
        head = "\n\n".join(parts)
        if reply.silent or not reply.text:
            return replace(reply, text=head, silent=False)
        return replace(reply, text=f"{head}\n\n{reply.text}")


hook = HeldNoticesHook()
