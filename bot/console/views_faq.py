"""The FAQ editor: browse, search, edit in a form, preview as WeChat shows it, try a
question, save only what keeps the whole knowledge base valid, history with revert."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, flash, g, redirect, render_template, request, url_for

from ..context import BotContext
from ..handlers.faq import answer_reply
from ..kb.editor import EntryDraft
from ..kb.model import FaqEntry
from ..message import Link
from ..paging import paginate
from .kbsave import after_save, editor


def draft_from_form(form) -> EntryDraft:
    def lines(name: str) -> list[str]:
        return [x.strip() for x in form.get(name, "").splitlines() if x.strip()]

    links = []
    for line in lines("links"):
        title, _, url = line.rpartition(" ")
        links.append((title.strip() or url, url.strip()))
    return EntryDraft(id=form.get("id", "").strip(), category=form.get("category", "").strip(),
                      question=form.get("question", "").strip(), answer=form.get("answer", ""),
                      similar=lines("similar"), keywords=lines("keywords"), links=links,
                      valid_until=form.get("valid_until", "").strip(),
                      source=form.get("source", "").strip(), audience=form.get("audience", "").strip())


def wechat_preview(ctx: BotContext, d: EntryDraft) -> dict:
    """What a student would read on WeChat, cut at 2,048 bytes as the channel cuts it."""
    try:
        valid = date.fromisoformat(d.valid_until) if d.valid_until else None
    except ValueError:
        valid = None
    entry = FaqEntry(d.id, d.category, d.question, d.answer.strip(), links=tuple(
        Link(t, u) for t, u in d.links), valid_until=valid, source=d.source or None)
    reply = answer_reply(entry)
    limit = ctx.settings.channels.wechat.max_reply_bytes
    page = paginate(reply, limit)
    return {"text": page.text, "cut": page.cut, "bytes": len(reply.as_text().encode("utf-8")),
            "limit": limit}


def try_question(ctx: BotContext, text: str) -> dict | None:
    if not text.strip():
        return None
    loaded = ctx.knowledge.current
    result = loaded.matcher.match(text)
    rows = [{"id": c.id, "score": c.score, "question": e.question if e else c.id}
            for c in result.candidates for e in [loaded.kb.by_id(c.id)]]
    return {"q": text, "decision": result.decision, "candidates": rows}


def register(bp: Blueprint, ctx: BotContext) -> None:
    def kb():
        return ctx.knowledge.current.kb

    @bp.get("/faq")
    def faq_list():
        category, q = request.args.get("category", ""), request.args.get("q", "").strip()
        entries = [e for e in kb().entries if not category or e.category == category]
        if q:
            entries = [e for e in entries if q in e.question or q in e.answer or q in e.id
                       or any(q in s for s in e.similar) or any(q in k for k in e.keywords)]
        today = ctx.clock.now().date()
        expired = [e for e in kb().entries if e.valid_until and e.valid_until < today]
        hits = ctx.stores.faq_stats.counts()
        return render_template("faq_list.html", entries=entries, categories=kb().categories(),
                               category=category, q=q, expired=expired, hits=hits,
                               tried=try_question(ctx, request.args.get("try", "")))

    def show_form(d: EntryDraft, original: str | None, problems: list[str] = (), status=200):
        return render_template("faq_edit.html", d=d, original=original, problems=problems,
                               preview=wechat_preview(ctx, d), files=editor(ctx).files(),
                               categories=kb().categories(),
                               tried=try_question(ctx, request.args.get("try", ""))), status

    @bp.get("/faq/new")
    def faq_new():
        question = request.args.get("question", "").strip()
        return show_form(EntryDraft("", request.args.get("category", ""), question, ""), None)

    @bp.get("/faq/<entry_id>")
    def faq_edit(entry_id: str):
        entry = kb().by_id(entry_id)
        if entry is None:
            abort(404, f"没有 id 为“{entry_id}”的问答")
        return show_form(EntryDraft.of(entry), entry_id)

    @bp.post("/faq/save")
    def faq_save():
        d = draft_from_form(request.form)
        original = request.form.get("original") or None
        if request.form.get("action") == "preview":
            return show_form(d, original)
        result = editor(ctx).save_entry(d, original, request.form.get("file", ""))
        if not result.ok:
            return show_form(d, original, result.problems, 400)
        what = f"{'修改' if original else '新增'}问答 {d.id}（{d.question}）"
        closed = after_save(ctx, result, g.user.name, "faq.save", what, d.id)
        flash("已保存并生效" + (f"；{len(closed)} 个未解答问题机器人现在能回答了" if closed else ""), "ok")
        return redirect(url_for("console.faq_edit", entry_id=d.id))

    @bp.post("/faq/<entry_id>/delete")
    def faq_delete(entry_id: str):
        result = editor(ctx).delete_entry(entry_id)
        if not result.ok:
            flash("没有删除：" + "；".join(result.problems), "error")
            return redirect(url_for("console.faq_edit", entry_id=entry_id))
        after_save(ctx, result, g.user.name, "faq.delete", f"删除问答 {entry_id}", entry_id)
        flash(f"已删除问答 {entry_id}（可在“修改历史”里恢复）", "ok")
        return redirect(url_for("console.faq_list"))

    @bp.get("/faq/history")
    def faq_history():
        return render_template("faq_history.html", versions=ctx.stores.kb_history.recent())

    @bp.post("/faq/history/<int:number>/revert")
    def faq_revert(number: int):
        version = ctx.stores.kb_history.get(number)
        if version is None:
            abort(404, "没有这个历史版本")
        result = editor(ctx).restore(version["file"], version["text"])
        if not result.ok:
            flash("无法恢复：" + "；".join(result.problems), "error")
        else:
            after_save(ctx, result, g.user.name, "faq.revert",
                       f"把 {version['file']} 恢复到第 {number} 号修改之前", version.get("entry", ""))
            flash(f"已恢复 {version['file']}", "ok")
        return redirect(url_for("console.faq_history"))
