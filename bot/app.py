"""The WSGI application factory: `bot.app:create_app()`.

Configuration is layered (settings file, environment, then `overrides` from tests); a
missing secret or a broken knowledge base stops start-up with one clear line.
"""
from __future__ import annotations

import logging
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Mapping

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from .clock import Clock
from .config import ConfigError, load_config
from .context import BotContext, build_context
from .dispatcher import Dispatcher
from .message import Message

log = logging.getLogger(__name__)


def late_answers_to(ctx: BotContext):
    """Where an answer goes that missed WeChat's 5 s: the outbox, as a customer-service
    message, so the student still gets it (the passive reply was a holding note)."""
    from .push.notice import Notice

    def deliver(msg: Message, delivery_id: str, text: str) -> None:
        if ctx.push is not None:
            ctx.push.outbox.enqueue(Notice.late_answer(msg.channel, msg.user_id, delivery_id, text))
    return deliver


def create_app(overrides: Mapping[str, Any] | None = None, *, clock: Clock | None = None,
               ctx: BotContext | None = None) -> Flask:
    if ctx is None:
        config = load_config(overrides)
        config.check_secrets()
        ctx = build_context(config, clock=clock)
    config = ctx.config
    try:
        ctx.knowledge.current
    except RuntimeError:
        problems = [p for p in ctx.knowledge.last_problems if not p.warning]
        raise ConfigError("知识库有错误，无法启动：" + "；".join(map(str, problems[:5])))
    interval = float(config.get("knowledge.reload_interval", 3) or 0)
    if interval > 0:
        ctx.knowledge.watch(interval)

    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = int(config.get("server.max_body_bytes", 1 << 20))
    app.extensions["bot"] = ctx
    dispatcher = Dispatcher(ctx)
    app.extensions["dispatcher"] = dispatcher
    executor = ThreadPoolExecutor(max_workers=16, thread_name_prefix="answer")

    if config.channel_enabled("wechat"):
        from .channels.wechat import WeChatChannel
        channel = WeChatChannel(ctx, dispatcher, executor, on_late_reply=late_answers_to(ctx))
        app.register_blueprint(channel.blueprint())
    if config.channel_enabled("feishu"):
        from .channels.feishu import FeishuChannel
        feishu = FeishuChannel(ctx, dispatcher, executor)
        app.extensions["feishu"] = feishu
        app.register_blueprint(feishu.blueprint())

    from .admin import admin_blueprint
    app.register_blueprint(admin_blueprint(ctx))

    @app.get("/healthz")
    def healthz():
        try:
            ctx.redis.ping()
        except Exception:
            return jsonify(status="error", redis="unreachable"), 503
        return jsonify(status="ok", faq_entries=len(ctx.knowledge.current.kb.entries),
                       channels=[c for c in ("wechat", "feishu") if config.channel_enabled(c)])

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return exc.description or exc.name, exc.code, {"Content-Type": "text/plain; charset=utf-8"}

    @app.errorhandler(Exception)
    def unexpected(exc: Exception):
        log.exception("unexpected error")
        return "internal error", 500, {"Content-Type": "text/plain; charset=utf-8"}

    return app
