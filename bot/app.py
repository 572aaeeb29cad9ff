"""The WSGI application factory: `bot.app:create_app()`.

Configuration is layered (settings file, environment, then `overrides` from tests); a
missing secret or a broken knowledge base stops start-up with one clear line. The
factory starts no thread: watching the knowledge base, the scheduler and the sender
are started and stopped by `bot.runtime`.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Mapping

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from .admin import admin_blueprint
from .clock import Clock
from .config import ConfigError, load_config
from .context import BotContext, build_context
from .dispatcher import Dispatcher
from .handoff.desk import StaffDesk
from .message import Message
from .records import Notice
from .runtime import transports_for

log = logging.getLogger(__name__)

LateReply = Callable[[Message, str, str], None]


def late_answers_to(ctx: BotContext) -> LateReply | None:
    """Where an answer goes that missed WeChat's 5 s: the outbox, as a customer-service
    message, so the student still gets it. None when this bot cannot push on WeChat."""
    if not ctx.config.can_push("wechat"):
        return None

    def deliver(msg: Message, delivery_id: str, text: str) -> None:
        ctx.stores.outbox.enqueue(Notice.late_answer(msg.student, delivery_id, text))
    return deliver


def create_app(overrides: Mapping[str, Any] | None = None, *, clock: Clock | None = None,
               ctx: BotContext | None = None) -> Flask:
    if ctx is None:
        config = load_config(overrides)
        config.check_secrets()
        ctx = build_context(config, clock=clock)
    try:
        ctx.knowledge.current
    except RuntimeError:
        problems = [p for p in ctx.knowledge.last_problems if not p.warning]
        raise ConfigError("知识库有错误，无法启动：" + "；".join(map(str, problems[:5])))

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = ctx.settings.server.max_body_bytes
    app.extensions["bot"] = ctx
    dispatcher = Dispatcher(ctx)
    app.extensions["dispatcher"] = dispatcher
    desk = StaffDesk(ctx, transports_for(ctx))     # staff replies: admin API, Feishu, console
    app.extensions["desk"] = desk
    executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="answer")

    if ctx.config.channel_enabled("wechat"):
        from .platforms.wechat.channel import WeChatChannel
        channel = WeChatChannel(ctx, dispatcher, executor, on_late_reply=late_answers_to(ctx))
        app.register_blueprint(channel.blueprint())
    if ctx.config.channel_enabled("feishu"):
        from .platforms.feishu.webhook import FeishuChannel
        feishu = FeishuChannel(ctx, dispatcher, executor, desk=desk)
        app.extensions["feishu"] = feishu
        app.register_blueprint(feishu.blueprint())
    app.register_blueprint(admin_blueprint(ctx, desk))

    @app.get("/healthz")
    def healthz():
        if not ctx.stores.ping():
            return jsonify(status="error", redis="unreachable"), 503
        return jsonify(status="ok", faq_entries=len(ctx.knowledge.current.kb.entries),
                       channels=ctx.config.enabled_channels())

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return exc.description or exc.name, exc.code, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return "internal error", 500, {"Content-Type": "text/plain; charset=utf-8"}

    return app
