"""/admin/unanswered: what students asked that the bot could not answer well (paged,
searchable, by status), and marking one done, ignored or open again."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, request

from ..context import BotContext
from ..jobs.browse import paged
from ..store.unanswered import DONE, IGNORED, OPEN, RESOLVED
from ..console.accounts import Accounts
from .common import page_args

STATUSES = (OPEN, DONE, IGNORED, RESOLVED)


def register(bp: Blueprint, ctx: BotContext) -> None:
    @bp.get("/unanswered")
    def unanswered_list():
        q, page, per_page = page_args()
        status = request.args.get("status", OPEN)
        if status not in STATUSES + ("all",):
            abort(400, f"status 只能是 {'、'.join(STATUSES)} 或 all")
        rows = ctx.stores.unanswered.search(q, None if status == "all" else status)
        return jsonify(paged([asdict(r) for r in rows], page, per_page).as_dict())

    @bp.post("/unanswered/status")
    def unanswered_status():
        data = request.get_json(silent=True) or {}
        question, status = str(data.get("question", "")), str(data.get("status", ""))
        if status not in STATUSES:
            abort(400, f"status 只能是 {'、'.join(STATUSES)}")
        if not ctx.stores.unanswered.set_status(question, status):
            return jsonify(error=f"没有记录过问题“{question}”"), 404
        Accounts(ctx.stores, now=ctx.clock.now).audit("管理接口", "unanswered.status",
                                                      f"未解答问题“{question}”标记为 {status}")
        return jsonify(question=question, status=status)
