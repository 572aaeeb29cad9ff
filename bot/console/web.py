"""The console's blueprint: security, shared template context, errors, and the pages.

Each group of pages is one module with a `register(bp, ctx)`; adding a page (the roster,
tickets) is one more module in `PAGES`.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path

from flask import Blueprint, Flask, g, render_template, request
from markupsafe import Markup
from werkzeug.exceptions import HTTPException

from ..clock import SHANGHAI
from ..httperrors import chinese_message
from ..context import BotContext
from . import (views_auth, views_broadcast, views_catalog, views_faq, views_home,
               views_unanswered)
from .accounts import ROLE_NAMES
from .secret import console_secret
from .security import configure, csrf_token, guard

HERE = Path(__file__).parent
PAGES = (views_auth, views_home, views_unanswered, views_faq, views_catalog, views_broadcast)
NAV = (("console.dashboard", "概览"), ("console.unanswered", "未解答问题"),
       ("console.faq_list", "知识库"), ("console.catalog_jobs", "岗位"),
       ("console.catalog_fairs", "招聘会"), ("console.broadcast", "群发通知"),
       ("console.audit", "操作记录"))


def csrf_field() -> Markup:
    """The hidden field every form carries (checked in `security.guard`)."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(csrf_token())


def local_time(value: str | datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    if not value:
        return ""
    dt = datetime.fromisoformat(value) if isinstance(value, str) else value
    return (dt.astimezone(SHANGHAI) if dt.tzinfo else dt).strftime(fmt)


def console_blueprint(ctx: BotContext) -> Blueprint:
    bp = Blueprint("console", __name__, url_prefix="/console",
                   template_folder=str(HERE / "templates"), static_folder=str(HERE / "static"))
    bp.before_request(lambda: guard(ctx))

    @bp.app_template_filter("local_time")
    def _local_time(value, fmt: str = "%Y-%m-%d %H:%M") -> str:
        return local_time(value, fmt)

    @bp.context_processor
    def shared() -> dict:
        return {"csrf_token": csrf_token, "csrf_field": csrf_field, "user": g.get("user"),
                "nav": NAV, "role_names": ROLE_NAMES}

    @bp.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        return render_template("error.html", code=exc.code,
                               message=chinese_message(exc)), exc.code

    for page in PAGES:
        page.register(bp, ctx)
    return bp


def install(app: Flask, ctx: BotContext) -> None:
    """Sign sessions with the console key and mount the console under /console/."""
    configure(app, console_secret(ctx.config.secret("CONSOLE_SECRET_KEY"), ctx.config.data_dir))
    app.register_blueprint(console_blueprint(ctx))

    @app.after_request
    def no_framing(response):
        if request.path.startswith("/console"):
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
