"""Broadcasts: compose, see how many it reaches, send now or at a time, follow progress.
Only admins send; the count is shown (and confirmed) before anything goes out."""
from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..clock import SHANGHAI
from ..context import BotContext
from ..push.audience import CHANNEL_NAMES, FILTERS, Segment, reach, resolve
from ..push.broadcast import PROGRESS_NAMES, TITLE_LIMIT, BroadcastError, Broadcaster, Draft
from .accounts import Accounts
from .security import admin_only


def draft_from_form(form) -> Draft:
    segment = Segment(form.get("channel", ""), form.get("keyword", "").strip(),
                      {name: form.get(f"f_{name}", "").strip() for name in FILTERS})
    send_at = None
    if form.get("when") == "later":
        raw = form.get("send_at", "").strip()
        try:
            send_at = datetime.fromisoformat(raw).replace(tzinfo=SHANGHAI)
        except ValueError:
            raise BroadcastError("请填写定时发送的日期和时间") from None
    return Draft(form.get("title", ""), form.get("body", ""), form.get("url", ""), segment, send_at)


def register(bp: Blueprint, ctx: BotContext) -> None:
    broadcaster = Broadcaster(ctx.stores, ctx.clock)
    wechat = ctx.settings.push.wechat
    # Template and subscribe messages are not held to WeChat's 48-hour window; text is.
    template_mode = wechat.mode != "custom" and bool(getattr(wechat, wechat.mode).broadcast.id)

    def page(form=None, reach_text: str = "", error: str = "", status: int = 200):
        items = [(b, broadcaster.progress(b)) for b in ctx.stores.broadcasts.all()[:30]]
        return render_template("broadcast.html", form=form or {}, reach_text=reach_text,
                               error=error, items=items, channels=CHANNEL_NAMES,
                               filters=FILTERS, progress_names=PROGRESS_NAMES,
                               title_limit=TITLE_LIMIT), status

    @bp.get("/broadcast")
    @admin_only
    def broadcast():
        return page()

    @bp.post("/broadcast")
    @admin_only
    def broadcast_post():
        form = request.form
        try:
            d = draft_from_form(form)
            students = resolve(ctx.stores, d.segment)
            summary = reach(ctx.stores, students, ctx.clock.now().timestamp()).describe(template_mode)
            if form.get("action") != "send":
                return page(form, f"{d.segment.describe()}：{summary}")
            if not students:
                raise BroadcastError("没有符合条件的学生，请调整发送范围")
            b = broadcaster.create(d, g.user.name)
        except BroadcastError as exc:
            return page(form, error=str(exc), status=400)
        when = "已排队发送" if b.status == "queued" else f"将于 {b.send_at[:16].replace('T', ' ')} 发送"
        Accounts(ctx.stores, now=ctx.clock.now).audit(
            g.user.name, "broadcast.send", f"群发“{b.title}”给{d.segment.describe()}（{summary}）{when}")
        flash(f"“{b.title}”{when}：{summary}", "ok")
        return redirect(url_for("console.broadcast"))

    @bp.post("/broadcast/<broadcast_id>/cancel")
    @admin_only
    def broadcast_cancel(broadcast_id: str):
        if not broadcaster.cancel(broadcast_id):
            abort(404, "没有这个待发送的群发")
        Accounts(ctx.stores, now=ctx.clock.now).audit(g.user.name, "broadcast.cancel",
                                                      f"取消定时群发 {broadcast_id}")
        flash("已取消", "ok")
        return redirect(url_for("console.broadcast"))
