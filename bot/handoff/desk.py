"""The help desk: opening a ticket, answering it, closing it.

Every way staff answer — the Feishu card or its thread, the console, `POST
/admin/tickets/<id>/reply` — goes through `StaffDesk.reply`, so a reply reaches the
student the same way whoever sends it: delivered at once (a WeChat customer-service
message, a Feishu card); or, when WeChat refuses because the student has not written for
48 hours, kept and given with the answer to their next message (`handlers.held`), and the
staff member is told so; or queued for a retry when the platform is busy.

The staff group hears of a new ticket through the outbox (a "handoff" notice, sent at any
hour), so a card is never lost to a network error and never sent twice.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Mapping

from ..clock import SHANGHAI
from ..context import BotContext
from ..delivery.transport import Status, Transport
from ..records import Notice, StudentKey
from ..store.tickets import ANSWERED, CLOSED, Ticket
from ..students.profiles import record_of, staff_lines

log = logging.getLogger(__name__)

SENT, HELD, QUEUED, FAILED, MISSING, EMPTY = "sent", "held", "queued", "failed", "missing", "empty"
STAFF_TOLD = {
    SENT: "已发送给学生。",
    HELD: "学生超过 48 小时没有给公众号发消息，微信不允许主动发送。回复已保存，"
          "学生下次发消息时会第一时间看到。",
    QUEUED: "平台暂时繁忙，回复已放入发送队列，稍后自动重试。",
    FAILED: "发送失败：学生已取消关注或不再接收消息。请通过电话等其他方式联系学生。",
    MISSING: "没有找到这个工单（可能学生已删除个人信息）。",
    EMPTY: "回复内容是空的，没有发送。",
}
STUDENT_TITLE = "老师回复了您的问题"
STUDENT_FOOTER = "还有问题可以直接回复；需要老师再帮忙，发送“人工”。"


@dataclass(frozen=True)
class ReplyOutcome:
    state: str                 # sent, held, queued, failed, missing, empty
    ticket: Ticket | None

    @property
    def message(self) -> str:
        """What the staff member is told."""
        return STAFF_TOLD[self.state]


def _now_text(ctx: BotContext) -> str:
    return ctx.clock.now().astimezone(SHANGHAI).isoformat(timespec="seconds")


def open_ticket(ctx: BotContext, chat: StudentKey, question: str) -> Ticket:
    """A new ticket with what staff need to answer, and the staff group's card queued."""
    st = ctx.stores
    owner = st.identity.owner(chat)
    record = record_of(ctx, owner)
    profile = st.profiles.get(owner)
    turns = [[t.said, t.answer] for t in st.turns.recent(chat)]
    ticket = Ticket(id=0, chat=chat.encode(), question=question, created_at=_now_text(ctx),
                    name=record.name if record else "",
                    student_no=record.student_no if record else "",
                    profile=staff_lines(profile, record), turns=turns,
                    priority=bool(record and record.priority),
                    mentor=record.mentor if record and record.priority else "")
    ticket = st.tickets.create(ticket, ctx.clock.now().timestamp())
    group = ctx.settings.handoff.feishu_chat_id
    if group and ctx.config.can_push("feishu"):
        st.outbox.enqueue_once(staff_card(ticket, group))
    else:
        log.warning("ticket %s opened but no staff card: set handoff.feishu_chat_id and "
                    "FEISHU_APP_ID/FEISHU_APP_SECRET", ticket.id)
    return ticket


def staff_card(ticket: Ticket, group: str) -> Notice:
    """The staff group's notice of a ticket (a Feishu card; see platforms/feishu/cards)."""
    who = ticket.name or "未绑定学号的学生"
    if ticket.student_no:
        who += f"（{ticket.student_no}）"
    lines = [f"问题：{ticket.question or '（学生没有写具体问题）'}", f"学生：{who} · {_channel(ticket)}"]
    lines += ticket.profile
    if ticket.priority:
        lines.append("重点帮扶学生" + (f"，帮扶导师：{ticket.mentor}" if ticket.mentor else ""))
    if ticket.turns:
        lines.append("最近的对话：")
        lines += [f"学生：{said}\n机器人：{answer[:80]}" for said, answer in ticket.turns]
    return Notice(id=f"handoff:{ticket.id}", channel="feishu", user_id=group, kind="handoff",
                  title=f"学生请求人工帮助 #{ticket.id}" + ("【重点帮扶】" if ticket.priority else ""),
                  summary="\n".join(lines), time=ticket.created_at, ref=str(ticket.id),
                  footer="在此卡片下回复（回复时 @机器人），或在卡片里填写回复，学生会收到；"
                         "处理完请点“关闭工单”。")


def _channel(ticket: Ticket) -> str:
    return {"wechat": "微信", "feishu": "飞书"}.get(ticket.student.channel, ticket.student.channel)


def mark_delivered(ctx: BotContext, ticket_id: str) -> None:
    """A kept reply was given with the answer to the student's next message."""
    def delivered(ticket: Ticket) -> None:
        for reply in ticket.replies:
            if reply.get("delivery") == HELD:
                reply["delivery"] = "delivered"
    ctx.stores.tickets.update(ticket_id, delivered)


class StaffDesk:
    """What staff do with tickets; built once per process with the push transports."""

    def __init__(self, ctx: BotContext, transports: Mapping[str, Transport]) -> None:
        self.ctx, self.transports = ctx, dict(transports)

    def tickets(self, status: str | None = None, limit: int = 200) -> list[Ticket]:
        return self.ctx.stores.tickets.listing(status, limit)

    def get(self, ticket_id: int | str) -> Ticket | None:
        return self.ctx.stores.tickets.get(ticket_id)

    def by_card(self, message_id: str) -> Ticket | None:
        return self.ctx.stores.tickets.by_card(message_id)

    def reply(self, ticket_id: int | str, text: str, staff: str) -> ReplyOutcome:
        st, text = self.ctx.stores, (text or "").strip()
        ticket = st.tickets.get(ticket_id)
        if ticket is None:
            return ReplyOutcome(MISSING, None)
        if not text:
            return ReplyOutcome(EMPTY, ticket)
        notice = Notice(id=f"staff:{ticket.id}:{len(ticket.replies) + 1}",
                        channel=ticket.student.channel, user_id=ticket.student.user_id,
                        kind="staff_reply", title=STUDENT_TITLE, summary=text,
                        footer=STUDENT_FOOTER, ref=str(ticket.id))
        state = self._deliver(notice)
        at = _now_text(self.ctx)

        def answered(t: Ticket) -> None:
            t.replies.append({"by": staff, "text": text, "at": at, "delivery": state})
            if state != FAILED:
                t.status = CLOSED if t.status == CLOSED else ANSWERED
                t.answered_by, t.answered_at = staff, at
        ticket = st.tickets.update(ticket.id, answered) or ticket
        log.info("ticket %s answered (%s)", ticket.id, state)
        return ReplyOutcome(state, ticket)

    def _deliver(self, notice: Notice) -> str:
        transport = self.transports.get(notice.channel)
        if transport is None:               # a sender with this channel's credentials will
            self.ctx.stores.outbox.enqueue(notice)
            return QUEUED
        try:
            outcome = transport.deliver(notice)
        except Exception:
            log.exception("staff reply %s: transport failed", notice.id)
            self.ctx.stores.outbox.enqueue(notice)
            return QUEUED
        if outcome.status is Status.SENT:
            return SENT
        if outcome.status is Status.HOLD:
            self.ctx.stores.outbox.hold(notice)
            return HELD
        if outcome.status is Status.RETRY:
            self.ctx.stores.outbox.enqueue(notice)
            return QUEUED
        if outcome.stop_student:
            self.ctx.stores.prefs.set_unfollowed(notice.student, True)
        return FAILED

    def close(self, ticket_id: int | str, staff: str) -> Ticket | None:
        def closed(ticket: Ticket) -> None:
            ticket.status, ticket.closed_by = CLOSED, staff
        return self.ctx.stores.tickets.update(ticket_id, closed)


def ticket_dict(ticket: Ticket) -> dict:
    """A ticket as the admin API and the console show it (JSON-ready)."""
    return {"id": ticket.id, "status": ticket.status, "channel": ticket.student.channel,
            "question": ticket.question, "created_at": ticket.created_at, "name": ticket.name,
            "student_no": ticket.student_no, "profile": ticket.profile, "turns": ticket.turns,
            "priority": ticket.priority, "mentor": ticket.mentor, "replies": ticket.replies,
            "answered_by": ticket.answered_by, "answered_at": ticket.answered_at,
            "closed_by": ticket.closed_by}

