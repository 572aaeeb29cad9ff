"""The dashboard, the audit trail, and (for admins) the accounts."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..context import BotContext
from .accounts import ROLES, AccountError, Accounts
from .dashboard import figures
from .security import admin_only

PAGE = 50


def register(bp: Blueprint, ctx: BotContext) -> None:
    accounts = Accounts(ctx.stores)

    @bp.get("/")
    def dashboard():
        return render_template("dashboard.html", f=figures(ctx))

    @bp.get("/audit")
    def audit():
        page = max(int(request.args.get("page", 1) or 1), 1)
        entries = ctx.stores.audit.recent((page - 1) * PAGE, PAGE)
        return render_template("audit.html", entries=entries, page=page,
                               more=ctx.stores.audit.count() > page * PAGE)

    @bp.get("/staff")
    @admin_only
    def staff():
        return render_template("staff.html", accounts=accounts.all(), roles=ROLES)

    @bp.post("/staff")
    @admin_only
    def staff_add():
        try:
            accounts.add(request.form.get("name", "").strip(), request.form.get("password", ""),
                         request.form.get("role", "editor"), by=g.user.name)
            flash("账号已保存", "ok")
        except AccountError as exc:
            flash(str(exc), "error")
        return redirect(url_for("console.staff"))

    @bp.post("/staff/<name>/remove")
    @admin_only
    def staff_remove(name: str):
        if name == g.user.name:
            flash("不能删除自己正在使用的账号", "error")
        elif accounts.remove(name, by=g.user.name):
            flash(f"已删除账号 {name}", "ok")
        return redirect(url_for("console.staff"))
