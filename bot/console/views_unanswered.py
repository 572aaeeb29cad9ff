"""The unanswered-questions workbench: fix a question in one click, or set it aside."""
from __future__ import annotations

from flask import Blueprint, flash, g, redirect, render_template, request, url_for

from ..context import BotContext
from ..store.unanswered import DONE, IGNORED, OPEN, RESOLVED
from .accounts import Accounts
from .kbsave import after_save, editor
from .security import inside
from .workbench import STATUS_NAMES, groups, recheck


def register(bp: Blueprint, ctx: BotContext) -> None:
    @bp.get("/unanswered")
    def unanswered():
        status = request.args.get("status", OPEN)
        search = request.args.get("q", "").strip()
        return render_template("unanswered.html",
                               groups=groups(ctx, search, None if status == "all" else status),
                               status=status, q=search, statuses=STATUS_NAMES,
                               counts=ctx.stores.unanswered.counts_by_status())

    def back():
        return redirect(inside(request.form.get("back"), url_for("console.unanswered")))

    @bp.post("/unanswered/add")
    def unanswered_add():
        text, faq_id = request.form.get("text", "").strip(), request.form.get("faq_id", "")
        normalized = request.form.get("normalized", "")
        result = editor(ctx).add_phrasing(faq_id, text)
        if not result.ok:
            flash("没有保存：" + "；".join(result.problems), "error")
            return back()
        closed = after_save(ctx, result, g.user.name, "faq.phrasing",
                            f"把“{text}”加为问答 {faq_id} 的问法", faq_id)
        unanswered = ctx.stores.unanswered
        if normalized and unanswered.status_of(normalized) == OPEN:   # not closed by the re-check
            unanswered.set_status(normalized, DONE)
        resolved = unanswered.status_of(normalized) == RESOLVED if normalized else False
        flash(f"已把“{text}”加到问答 {faq_id}；" +
              ("机器人现在能直接回答这个问题了" if resolved else "已标记为已处理") +
              (f"（重新检查后共 {len(closed)} 个问题已能回答）" if closed else ""), "ok")
        return back()

    @bp.post("/unanswered/not-ours")
    def unanswered_not_ours():
        """不归本处: the question goes into not_ours.yaml, so questions like it are no longer
        answered from the knowledge base, and it is set aside."""
        text, normalized = request.form.get("text", "").strip(), request.form.get("normalized", "")
        if not text:
            flash("没有保存：没有收到问题", "error")
            return back()
        result = editor(ctx).add_not_ours(text)
        if not result.ok:
            flash("没有保存：" + "；".join(result.problems), "error")
            return back()
        after_save(ctx, result, g.user.name, "kb.not_ours", f"把“{text}”加为不归本处的问题")
        if normalized:
            ctx.stores.unanswered.set_status(normalized, IGNORED)
        flash(f"已把“{text}”加到 not_ours.yaml：和它意思相近的问题，机器人不再从知识库回答；"
              "这个问题已标记为已忽略", "ok")
        return back()

    @bp.post("/unanswered/status")
    def unanswered_status():
        normalized, status = request.form.get("normalized", ""), request.form.get("status", "")
        if status in (OPEN, DONE, IGNORED, RESOLVED) and \
                ctx.stores.unanswered.set_status(normalized, status):
            Accounts(ctx.stores, now=ctx.clock.now).audit(
                g.user.name, "unanswered.status", f"未解答问题“{normalized}”标记为{STATUS_NAMES[status]}")
        return back()

    @bp.post("/unanswered/recheck")
    def unanswered_recheck():
        closed = recheck(ctx)
        flash(f"重新检查完成：{len(closed)} 个问题机器人现在能回答了" if closed
              else "重新检查完成：没有新的能回答的问题", "ok")
        return back()
