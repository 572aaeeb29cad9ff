"""The staff API under /admin/: jobs and fairs, subscriber counts, push statistics.

Bearer ADMIN_TOKEN only; anything else is a 401, including every request while ADMIN_TOKEN
is not set, so a forgotten variable never leaves it open. Answers are JSON, messages in
Chinese.
"""
from __future__ import annotations

import hmac
from collections import Counter

from flask import Blueprint, abort, jsonify, request

from .admin_people import add_people_routes
from .context import BotContext
from .handoff.desk import StaffDesk
from .records import StudentKey


def admin_blueprint(ctx: BotContext, desk: StaffDesk | None = None) -> Blueprint:
    bp = Blueprint("admin", __name__, url_prefix="/admin")
    st = ctx.stores

    @bp.before_request
    def authorize():
        token = ctx.config.secret("ADMIN_TOKEN")
        if not token:
            return jsonify(error="管理接口未启用：请在环境变量里设置 ADMIN_TOKEN 后重启"), 401
        given = request.headers.get("Authorization", "")
        if not (given.startswith("Bearer ")
                and hmac.compare_digest(given[7:].strip().encode(), token.encode())):
            return jsonify(error="未授权：请在请求头带上 Authorization: Bearer <ADMIN_TOKEN>"), 401
        return None

    def body_items():
        data = request.get_json(silent=True)
        if data is None:
            abort(400, "请求体应为 JSON：一个对象或对象数组")
        return data if isinstance(data, list) else [data]

    def upsert(kind: str, items: list, source: str):
        report = ctx.catalog.import_objects(kind, items, source, ctx.clock.now())
        status = 200 if (report.added or report.updated) else 400 if report.rejected else 200
        return jsonify(report.as_dict()), status

    for kind, store in (("jobs", st.jobs), ("fairs", st.fairs)):
        def add(kind=kind):
            return upsert(kind, body_items(), "请求")

        def update(item_id: str, kind=kind):
            items = body_items()
            if len(items) != 1:
                abort(400, "更新时请求体应为一个对象")
            item = dict(items[0])
            if item.setdefault("id", item_id) != item_id:
                return jsonify(error=f"请求体里的 id“{item['id']}”与地址里的“{item_id}”不一致"), 400
            return upsert(kind, [item], "请求")

        def get(item_id: str, store=store):
            item = store.get(item_id)
            if item is None:
                return jsonify(error=f"没有 id 为“{item_id}”的记录"), 404
            return jsonify(item.__dict__)

        def delete(item_id: str, store=store):
            if not store.delete(item_id):
                return jsonify(error=f"没有 id 为“{item_id}”的记录"), 404
            return jsonify(deleted=item_id)

        bp.add_url_rule(f"/{kind}", f"{kind}_add", add, methods=["POST"])
        bp.add_url_rule(f"/{kind}/<item_id>", f"{kind}_update", update, methods=["PUT"])
        bp.add_url_rule(f"/{kind}/<item_id>", f"{kind}_get", get, methods=["GET"])
        bp.add_url_rule(f"/{kind}/<item_id>", f"{kind}_delete", delete, methods=["DELETE"])

    @bp.get("/stats/subscribers")
    def subscribers():
        students: Counter[StudentKey] = Counter()
        words: Counter[str] = Counter()
        for stored in st.subscriptions.everything():
            students[stored.student] += 1
            words.update(stored.subscription.words)
        prefs = st.prefs.many(list(students))
        by_channel = Counter(s.channel for s in students)
        return jsonify(subscriptions=sum(students.values()), students=len(students),
                       by_channel=dict(by_channel),
                       paused=sum(p.paused for p in prefs.values()),
                       unfollowed=sum(p.unfollowed for p in prefs.values()),
                       immediate=sum(p.mode == "immediate" for p in prefs.values()),
                       top_keywords=dict(words.most_common(20)),
                       jobs=st.jobs.count(), fairs=st.fairs.count())

    @bp.get("/stats/push")
    def push_stats():
        stats = st.outbox.stats()
        failed = {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith("failed:")}
        held = {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith("held:")}
        retries = {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith("retry:")}
        skipped = {k.split(":", 1)[1]: v for k, v in stats.items() if k.startswith("skipped:")}
        return jsonify(sent=stats.get("sent", 0), failed=failed, failed_total=sum(failed.values()),
                       held=held, held_total=sum(held.values()), retries=retries,
                       skipped=skipped, outbox=st.outbox.backlog())

    add_people_routes(bp, ctx, desk or StaffDesk(ctx, {}))
    return bp
