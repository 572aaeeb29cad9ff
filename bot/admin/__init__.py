"""The staff API under /admin/: jobs and fairs, unanswered questions, statistics.

Bearer ADMIN_TOKEN only; anything else is a 401, including every request while ADMIN_TOKEN
is not set, so a forgotten variable never leaves it open. Answers are JSON in UTF-8 with
Chinese unescaped; errors (404, 405 included) are JSON with a Chinese `error`.
One module per resource, each with `register(bp, ctx)`: adding one (tickets, the roster)
is a new module in `RESOURCES`.
"""
from __future__ import annotations

import hmac

from flask import Blueprint, jsonify, request

from ..context import BotContext
from ..handoff.desk import StaffDesk
from . import catalog, people, stats, unanswered

RESOURCES = [catalog, stats, unanswered]


def refuse_unauthorized(ctx: BotContext):
    """A 401 response unless the request carries the token; None when it does.

    Also used for paths no route answers, so without the token even a 404 says nothing.
    """
    token = ctx.config.secret("ADMIN_TOKEN")
    if not token:
        return jsonify(error="管理接口未启用：请在环境变量里设置 ADMIN_TOKEN 后重启"), 401
    given = request.headers.get("Authorization", "")
    if not (given.startswith("Bearer ")
            and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
        return jsonify(error="未授权：请在请求头带上 Authorization: Bearer <ADMIN_TOKEN>"), 401
    return None


def admin_blueprint(ctx: BotContext, desk: StaffDesk | None = None) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/admin")
    bp.before_request(lambda: refuse_unauthorized(ctx))

    for resource in RESOURCES:
        resource.register(bp, ctx)
    # Tickets, the roster and erasure: staff replies go through the app's help desk.
    people.register(bp, ctx, desk or StaffDesk(ctx, {}))
    return bp
