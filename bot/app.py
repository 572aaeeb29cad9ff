"""The WSGI application factory: `bot.app:create_app()`.

Configuration is layered (settings file, environment, then `overrides` from tests); a
missing secret stops start-up with one clear line, and so does a broken knowledge base
when no good one was ever kept (otherwise the bot starts with the kept one and says so
in the log and /healthz). The factory starts no thread: watching the knowledge base,
the scheduler and the sender are started and stopped by `bot.runtime`.
"""
from __future__ import annotations

import logging
from typing import Any, Mapping

from flask import Flask, Response, jsonify, render_template, request
from flask.json.provider import DefaultJSONProvider
from werkzeug.exceptions import HTTPException

from . import jobpage, metrics
from .admin import admin_blueprint, refuse_unauthorized
from .answer_pool import AnswerPool
from .httperrors import chinese_message
from .console.web import install as install_console
from .clock import Clock
from .config import ConfigError, load_config
from .context import BotContext, build_context
from .delivery.late import late_answers_to
from .dispatcher import Dispatcher
from .handoff.desk import StaffDesk
from .runtime import transports_for

log = logging.getLogger(__name__)


class BoundedJSON(DefaultJSONProvider):
    """JSON nested deeper than Python can parse is a bad request, not a server error."""

    def loads(self, s, **kwargs):
        try:
            return super().loads(s, **kwargs)
        except RecursionError:
            raise ValueError("JSON nested too deeply") from None


def health_report(ctx: BotContext) -> dict[str, Any]:
    """The body of /healthz: "ok", or "degraded" with what is wrong, in Chinese and by part."""
    knowledge = ctx.knowledge
    body: dict[str, Any] = {"status": "ok", "faq_entries": len(knowledge.current.kb.entries),
                            "channels": ctx.config.enabled_channels()}
    problems: list[str] = []
    if not ctx.stores.ping():
        reason = ctx.stores.unreachable_reason()
        body["redis"] = "unreachable"
        problems.append("Redis 无法连接：问答照常回答，订阅等需要存储的功能请学生稍后再试"
                        + (f"（{reason}）" if reason else ""))
    if knowledge.errors:
        body["knowledge_errors"] = [{"file": p.file, "line": p.line, "message": p.message}
                                    for p in knowledge.errors]
        serving = (f"上次保存的正确版本（{knowledge.serving_kept}）" if knowledge.serving_kept
                   else "修改前的正确版本")
        problems += [f"知识库 {p}；正在使用{serving}" for p in knowledge.errors[:5]]
    for part, problem in ctx.health.problems().items():
        body[part] = problem
        problems.append(problem)
    builder, t = knowledge.builder, knowledge.current.matcher.thresholds
    body["understanding"] = {
        "meaning_model": builder.meaning_status, "words_only": not builder.uses_meaning,
        "ready": knowledge.complete,
        "thresholds": {"answer": t.answer, "suggest": t.suggest, "source": t.source}}
    if knowledge.complete and not builder.uses_meaning and builder.embeddings is not False:
        problems.append(builder.meaning_status)
    if problems:
        body.update(status="degraded", problems=problems)
    return body


def create_app(overrides: Mapping[str, Any] | None = None, *, clock: Clock | None = None,
               ctx: BotContext | None = None, background: bool = False) -> Flask:
    """`background`: serve on words alone at once and add the meaning model and the
    knowledge base's thresholds when ready (a server); else before returning (tests)."""
    if ctx is None:
        config = load_config(overrides)
        config.check_secrets()
        ctx = build_context(config, clock=clock, background=background)
    try:
        ctx.knowledge.current
    except RuntimeError:
        raise ConfigError("知识库有错误，无法启动（也没有以前保存的正确版本可用）："
                          + "；".join(map(str, ctx.knowledge.errors[:5])))

    app = Flask(__name__)
    app.json = BoundedJSON(app)
    app.json.ensure_ascii = False          # DESIGN: JSON in UTF-8, Chinese not escaped
    app.config["MAX_CONTENT_LENGTH"] = ctx.settings.server.max_body_bytes
    app.extensions["bot"] = ctx
    dispatcher = Dispatcher(ctx)
    app.extensions["dispatcher"] = dispatcher
    desk = StaffDesk(ctx, transports_for(ctx))     # staff replies: admin API, Feishu, console
    app.extensions["desk"] = desk
    executor = AnswerPool(max_workers=16)
    app.extensions["answers"] = executor        # drained at a stop (`answer_pool.py`)

    if ctx.config.channel_enabled("wechat"):
        from .platforms.wechat.channel import WeChatChannel
        channel = WeChatChannel(ctx, dispatcher, executor,
                                on_late_reply=late_answers_to(ctx, "wechat"))
        app.register_blueprint(channel.blueprint())
    if ctx.config.channel_enabled("feishu"):
        from .platforms.feishu.webhook import FeishuChannel
        feishu = FeishuChannel(ctx, dispatcher, executor, desk=desk,
                               on_failed_reply=late_answers_to(ctx, "feishu"))
        app.extensions["feishu"] = feishu
        app.register_blueprint(feishu.blueprint())
    app.register_blueprint(admin_blueprint(ctx, desk))
    app.register_blueprint(jobpage.blueprint(ctx))
    install_console(app, ctx)

    @app.get("/healthz")
    def healthz():
        return jsonify(health_report(ctx))

    outbox = metrics.OutboxCollector(lambda: (
        ctx.stores.outbox.backlog(),
        ctx.stores.outbox.oldest_waiting_age(ctx.clock.now().timestamp())))

    @app.get("/metrics")
    def prometheus_metrics():
        """Prometheus text format, no login: nginx keeps it to the monitoring host (README)."""
        body, content_type = metrics.exposition(outbox)
        return Response(body, content_type=content_type)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        """JSON for the staff API, a page for the console, plain text for the platforms."""
        if request.path.startswith("/admin"):
            refused = refuse_unauthorized(ctx)
            if refused is not None:
                return refused
            return jsonify(error=chinese_message(exc), status=exc.code), exc.code
        if request.path.startswith("/console"):
            return render_template("error.html", code=exc.code,
                                   message=chinese_message(exc)), exc.code
        return exc.description or exc.name, exc.code, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(RecursionError)
    def too_deep(exc: RecursionError):
        return "request nested too deeply", 400, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return "internal error", 500, {"Content-Type": "text/plain; charset=utf-8"}

    return app
