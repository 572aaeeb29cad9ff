"""/admin/jobs and /admin/fairs: list (paged, searchable), add, preview, get, update,
delete, and expire a job."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, jsonify, request

from ..context import BotContext
from ..jobs.browse import browse, expire_job
from ..jobs.ingest import KINDS
from ..console.accounts import Accounts
from .common import body_items, page_args

WHO = "管理接口"


def register(bp: Blueprint, ctx: BotContext) -> None:
    def audit(action: str, what: str) -> None:
        Accounts(ctx.stores, now=ctx.clock.now).audit(WHO, action, what)

    def upsert(kind: str, items: list, write: bool = True):
        report = ctx.catalog.import_objects(kind, items, "请求", ctx.clock.now(), write)
        if write and (report.added or report.updated):
            audit(f"{kind}.import", report.summary())
        status = 200 if (report.added or report.updated) else 400 if report.rejected else 200
        return jsonify(report.as_dict()), status

    def not_found(item_id: str):
        return jsonify(error=f"没有 id 为“{item_id}”的记录"), 404

    for kind in KINDS:
        store = ctx.stores.jobs if kind == "jobs" else ctx.stores.fairs

        def listing(kind=kind):
            q, page, per_page = page_args()
            found = browse(ctx.catalog, kind, ctx.clock.now(), q, request.args.get("state", ""),
                           page, per_page)
            return jsonify(found.as_dict())

        def add(kind=kind):
            return upsert(kind, body_items())

        def preview(kind=kind):
            return upsert(kind, body_items(), write=False)

        def update(item_id: str, kind=kind):
            items = body_items()
            if len(items) != 1 or not isinstance(items[0], dict):
                abort(400, "更新时请求体应为一个对象")
            item = dict(items[0])
            if item.setdefault("id", item_id) != item_id:
                return jsonify(error=f"请求体里的 id“{item['id']}”与地址里的“{item_id}”不一致"), 400
            return upsert(kind, [item])

        def get(item_id: str, store=store):
            item = store.get(item_id)
            return jsonify(asdict(item)) if item is not None else not_found(item_id)

        def delete(item_id: str, store=store, kind=kind):
            if not store.delete(item_id):
                return not_found(item_id)
            audit(f"{kind}.delete", f"删除 {item_id}")
            return jsonify(deleted=item_id)

        bp.add_url_rule(f"/{kind}", f"{kind}_list", listing, methods=["GET"])
        bp.add_url_rule(f"/{kind}", f"{kind}_add", add, methods=["POST"])
        bp.add_url_rule(f"/{kind}/preview", f"{kind}_preview", preview, methods=["POST"])
        bp.add_url_rule(f"/{kind}/<item_id>", f"{kind}_update", update, methods=["PUT"])
        bp.add_url_rule(f"/{kind}/<item_id>", f"{kind}_get", get, methods=["GET"])
        bp.add_url_rule(f"/{kind}/<item_id>", f"{kind}_delete", delete, methods=["DELETE"])

    @bp.post("/jobs/<item_id>/expire")
    def job_expire(item_id: str):
        job = expire_job(ctx.catalog, item_id, ctx.clock.now())
        if job is None:
            return not_found(item_id)
        audit("jobs.expire", f"岗位 {item_id} 设为已截止")
        return jsonify(asdict(job))
