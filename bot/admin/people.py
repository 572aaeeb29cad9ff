"""The staff API for people: tickets (list, reply, close), the roster, and erasure.

Registered on the admin blueprint, so the same Bearer ADMIN_TOKEN guards it. A reply
goes through the help desk like one from Feishu or the console, and the answer says
what became of it (sent, or kept for the student's next message, …).
"""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, jsonify, request

from ..context import BotContext
from ..handoff.desk import MISSING, StaffDesk, ticket_dict
from ..store.tickets import STATUSES
from ..students import roster
from ..students.erase import erase_number

API_STAFF = "管理接口"


def register(bp: Blueprint, ctx: BotContext, desk: StaffDesk) -> None:
    st = ctx.stores

    def body() -> dict:
        data = request.get_json(silent=True)
        return data if isinstance(data, dict) else {}

    @bp.get("/tickets")
    def tickets():
        status = request.args.get("status") or None
        if status not in (None, "all", *STATUSES):
            return jsonify(error=f"status 只能是 {'、'.join(STATUSES)} 或 all"), 400
        return jsonify(tickets=[ticket_dict(t) for t in desk.tickets(status)])

    @bp.get("/tickets/<ticket_id>")
    def ticket(ticket_id: str):
        found = desk.get(ticket_id)
        if found is None:
            return jsonify(error=f"没有工单 #{ticket_id}"), 404
        return jsonify(ticket_dict(found))

    @bp.post("/tickets/<ticket_id>/reply")
    def reply(ticket_id: str):
        data = body()
        text = data.get("text")
        if not isinstance(text, str) or not text.strip():
            return jsonify(error="请求体应为 {\"text\": \"回复内容\", \"staff\": \"老师姓名\"}"), 400
        outcome = desk.reply(ticket_id, text, str(data.get("staff") or API_STAFF))
        if outcome.state == MISSING:
            return jsonify(error=outcome.message), 404
        return jsonify(state=outcome.state, message=outcome.message,
                       ticket=ticket_dict(outcome.ticket) if outcome.ticket else None)

    @bp.post("/tickets/<ticket_id>/close")
    def close(ticket_id: str):
        closed = desk.close(ticket_id, str(body().get("staff") or API_STAFF))
        if closed is None:
            return jsonify(error=f"没有工单 #{ticket_id}"), 404
        return jsonify(ticket_dict(closed))

    @bp.post("/roster")
    def roster_add():
        data = request.get_json(silent=True)
        if not isinstance(data, (list, dict)):
            return jsonify(error="请求体应为 JSON：一个对象或对象数组"), 400
        report = roster.import_objects(ctx, data if isinstance(data, list) else [data], "请求")
        return jsonify(report.as_dict()), (400 if report.rejected and not
                                           (report.added or report.updated) else 200)

    @bp.get("/students/<student_no>")
    def student(student_no: str):
        number = roster.normalize_number(student_no)
        record = st.roster.get(number)
        owner = st.identity.owner_of_number(number)
        if record is None and owner is None:
            return jsonify(error=f"名单里没有学号 {number}"), 404
        profile = st.profiles.get(owner) if owner else None
        return jsonify(record=asdict(record) if record else None,
                       bound=[c.channel for c in st.identity.chats(owner)] if owner else [],
                       profile=asdict(profile) if profile else None)

    @bp.delete("/students/<student_no>")
    def erase(student_no: str):
        done = erase_number(ctx, roster.normalize_number(student_no))
        if done is None:
            return jsonify(error=f"名单和绑定记录里都没有学号 {student_no}"), 404
        return jsonify(erased=True, chats=done.chats, tickets=done.tickets,
                       notices=done.notices)
