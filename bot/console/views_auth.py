"""Logging in and out."""
from __future__ import annotations

from flask import Blueprint, g, redirect, render_template, request, session, url_for

from ..context import BotContext
from .accounts import Accounts
from .security import inside, log_in, login_blocked, login_failed


def register(bp: Blueprint, ctx: BotContext) -> None:
    accounts = Accounts(ctx.stores)

    @bp.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "GET":
            if g.user is not None:
                return redirect(url_for("console.dashboard"))
            return render_template("login.html", next=request.args.get("next", ""))
        name = request.form.get("name", "").strip()
        password = request.form.get("password", "")
        nxt = request.form.get("next", "")
        if login_blocked(ctx, name):
            return render_template("login.html", name=name, next=nxt,
                                   error="登录失败次数太多，请 15 分钟后再试"), 429
        account = accounts.authenticate(name, password)
        if account is None:
            login_failed(ctx, name)
            return render_template("login.html", name=name, next=nxt,
                                   error="用户名或密码不对"), 401
        log_in(ctx, account)
        accounts.audit(account.name, "login", "登录管理后台")
        return redirect(inside(nxt, url_for("console.dashboard")))

    @bp.post("/logout")
    def logout():
        session.clear()
        return redirect(url_for("console.login"))
