"""人工 / 找老师: hand the student to a person.

A ticket is opened with what the student asked (the words after 人工, or their last
question) and the staff Feishu group gets a card at once, at any hour. What the student
is told depends on office hours: someone will answer shortly, or when the office opens.
Staff replies come back to this chat (`handoff.desk`).
"""
from __future__ import annotations

from ..context import BotContext
from ..handoff.desk import open_ticket
from ..handoff.office import OfficeHours, when_text
from ..message import Message, Reply
from ..nlp.normalize import fold
from ..store.tickets import OPEN

WORDS = tuple(sorted(("人工", "转人工", "人工客服", "人工服务", "找人工", "要人工", "找老师", "联系老师",
                      "我要找老师", "我找老师", "我要人工", "找真人", "真人", "请老师回答"),
                     key=len, reverse=True))     # longest first: 人工客服 before 人工
FIRST_CHARS = tuple({w[0] for w in WORDS})


def asked(text: str) -> str | None:
    """The question after a handoff word ("" when none), or None when this is not one.

    "人工智能专业…" is not a request for a person: the word must stand alone.
    """
    folded = fold(text)
    if not folded.startswith(FIRST_CHARS):
        return None
    for word in WORDS:
        if folded == word:
            return ""
        if folded.startswith(word + " "):
            return text.strip()[len(word):].strip(" ：:，,。")
    return None


class HandoffHandler:
    name = "handoff"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        return asked(msg.text) if msg.kind == "text" else None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        st = ctx.stores
        current = st.tickets.open_of(msg.student)
        if current is not None and current.status == OPEN:
            if found:
                st.tickets.update(current.id, lambda t: setattr(
                    t, "question", f"{t.question}\n补充：{found}".strip()))
                return Reply(f"已把您补充的内容交给老师（工单 #{current.id}），老师回复后会发到这里。")
            return Reply(f"您的问题已经转给老师了（工单 #{current.id}），老师回复后会发到这里，请稍等。"
                         "想补充内容，发送“人工 补充的内容”。")
        question = found or self._last_question(ctx, msg)
        ticket = open_ticket(ctx, msg.student, question)
        handoff = ctx.settings.handoff
        hours = OfficeHours.from_settings(handoff.office_hours)
        now = ctx.clock.now()
        ask_more = "" if question else "\n如果还没说具体问题，可以发送“人工 您的问题”补充，老师能更快帮到您。"
        if hours.open_at(now):
            return Reply(f"好的，已为您转给老师（工单 #{ticket.id}），老师会尽快在这里回复您。{ask_more}",
                         handoff=handoff.wechat_transfer and msg.channel == "wechat")
        opens = hours.next_open(now)
        when = f"，一般会在{when_text(opens, now)}上班后回复您" if opens else ""
        phone = ctx.settings.contact.phone
        urgent = f"如果很着急，工作时间也可以打电话 {phone}。" if phone else ""
        return Reply(f"现在是下班时间，您的问题已经转给老师（工单 #{ticket.id}）{when}，"
                     f"回复会发到这里。{urgent}{ask_more}")

    def _last_question(self, ctx: BotContext, msg: Message) -> str:
        for turn in reversed(ctx.stores.turns.recent(msg.student)):
            if asked(turn.said) is None and len(turn.said.strip()) > 1:
                return turn.said
        return ""


handler = HandoffHandler()
