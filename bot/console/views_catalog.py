"""Jobs and fairs: upload a sheet, see per row what would happen, import; list, search,
edit, delete, expire. The same rules as the CLI import and the admin API."""
from __future__ import annotations

from dataclasses import asdict

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..context import BotContext
from ..jobs.browse import browse, expire_job
from ..jobs.importer import FileError
from ..jobs.schema import FAIRS, JOBS
from .accounts import Accounts

SCHEMAS = {"jobs": JOBS, "fairs": FAIRS}


def register(bp: Blueprint, ctx: BotContext) -> None:
    def audit(action: str, what: str) -> None:
        Accounts(ctx.stores, now=ctx.clock.now).audit(g.user.name, action, what)

    def schema(kind: str):
        if kind not in SCHEMAS:
            abort(404)
        return SCHEMAS[kind]

    def listing(kind: str):
        page = browse(ctx.catalog, kind, ctx.clock.now(), request.args.get("q", ""),
                      request.args.get("state", ""), int(request.args.get("page", 1) or 1))
        return render_template("catalog_list.html", kind=kind, schema=schema(kind), page=page,
                               q=request.args.get("q", ""), state=request.args.get("state", ""))

    bp.add_url_rule("/jobs", "catalog_jobs", lambda: listing("jobs"))
    bp.add_url_rule("/fairs", "catalog_fairs", lambda: listing("fairs"))

    @bp.post("/<any(jobs, fairs):kind>/upload")
    def catalog_upload(kind: str):
        schema(kind)
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            flash("请选择要上传的文件", "error")
            return redirect(url_for(f"console.catalog_{kind}"))
        data = upload.read()
        try:
            report = ctx.catalog.import_upload(kind, data, upload.filename, ctx.clock.now(),
                                               write=False)
        except FileError as exc:
            flash(str(exc), "error")
            return redirect(url_for(f"console.catalog_{kind}"))
        token = ctx.stores.uploads.put(upload.filename, data)
        return render_template("catalog_preview.html", kind=kind, schema=schema(kind),
                               report=report, token=token)

    @bp.post("/<any(jobs, fairs):kind>/import")
    def catalog_import(kind: str):
        schema(kind)
        stashed = ctx.stores.uploads.get(request.form.get("token", ""))
        if stashed is None:
            flash("上传的文件已过期（30 分钟），请重新上传", "error")
            return redirect(url_for(f"console.catalog_{kind}"))
        name, data = stashed
        report = ctx.catalog.import_upload(kind, data, name, ctx.clock.now())
        ctx.stores.uploads.drop(request.form.get("token", ""))
        audit(f"{kind}.import", report.summary())
        flash(report.summary(), "ok" if report.ok else "error")
        return redirect(url_for(f"console.catalog_{kind}"))

    @bp.route("/<any(jobs, fairs):kind>/item/<item_id>", methods=["GET", "POST"])
    def catalog_edit(kind: str, item_id: str):
        sch = schema(kind)
        item = ctx.catalog.get(kind, item_id)
        if item is None:
            abort(404, f"没有 id 为“{item_id}”的记录")
        values = {k: ("、".join(v) if isinstance(v, list) else v) for k, v in asdict(item).items()
                  if k != "extra"}
        error = ""
        if request.method == "POST":
            values = {f: request.form.get(f, "") for f in sch.fields}
            values["id"] = item_id
            values.update({k: v for k, v in item.extra.items() if k not in values})  # kept as is
            report = ctx.catalog.import_objects(kind, [values], "表单", ctx.clock.now())
            if report.ok:
                audit(f"{kind}.edit", f"修改{sch.label} {item_id}")
                flash("已保存", "ok")
                return redirect(url_for("console.catalog_edit", kind=kind, item_id=item_id))
            error = report.rows[0].message if report.rows else "；".join(report.rejected)
        return render_template("catalog_edit.html", kind=kind, schema=sch, item_id=item_id,
                               values=values, error=error), (400 if error else 200)

    @bp.post("/<any(jobs, fairs):kind>/item/<item_id>/delete")
    def catalog_delete(kind: str, item_id: str):
        store = ctx.stores.jobs if schema(kind) is JOBS else ctx.stores.fairs
        if store.delete(item_id):
            audit(f"{kind}.delete", f"删除{SCHEMAS[kind].label} {item_id}")
            flash(f"已删除 {item_id}", "ok")
        return redirect(url_for(f"console.catalog_{kind}"))

    @bp.post("/jobs/item/<item_id>/expire")
    def catalog_expire(item_id: str):
        if expire_job(ctx.catalog, item_id, ctx.clock.now()) is None:
            abort(404, f"没有 id 为“{item_id}”的岗位")
        audit("jobs.expire", f"岗位 {item_id} 设为已截止")
        flash(f"岗位 {item_id} 已截止，不再出现在搜索和推送里", "ok")
        return redirect(url_for("console.catalog_jobs"))
