"""Sessions, CSRF tokens, login throttling and roles for the console.

- The session is Flask's signed cookie, HttpOnly and SameSite=Lax, and Secure whenever
  the request came over TLS (directly or through a proxy that says so), so it works on
  a plain-HTTP intranet and is never sent in clear once HTTPS is used.
- Every POST carries the session's CSRF token (a hidden field in every form, or the
  X-CSRF-Token header); without it the request is refused before any view runs.
- The account is looked up on every request: a removed account is logged out at once,
  and a changed role applies at once.
- Failed logins are counted per name and per address; after `MAX_FAILURES` within
  `WINDOW` seconds logins are refused until the window passes.
"""
from __future__ import annotations

import functools
import hmac
import secrets
from typing import Any, Callable

from flask import Flask, abort, g, redirect, request, session, url_for
from flask.sessions import SecureCookieSessionInterface

from ..context import BotContext
from ..store.staff import StaffAccount

MAX_FAILURES = 5
WINDOW = 15 * 60
SESSION_HOURS = 12
PUBLIC_ENDPOINTS = ("console.login", "console.static")
UPLOAD_ENDPOINTS = ("console.catalog_upload",)
UPLOAD_MAX_BYTES = 20 * 1024 * 1024     # a jobs sheet may be larger than any webhook body


class ConsoleSessions(SecureCookieSessionInterface):
    """The signed-cookie session, Secure exactly when the request is HTTPS."""

    def get_cookie_secure(self, app: Flask) -> bool:
        forwarded = request.headers.get("X-Forwarded-Proto", "").split(",")[0].strip()
        return request.is_secure or forwarded == "https"


def configure(app: Flask, secret_key: str) -> None:
    from datetime import timedelta

    app.secret_key = secret_key
    app.session_interface = ConsoleSessions()
    app.config.update(SESSION_COOKIE_NAME="jyzs_console", SESSION_COOKIE_HTTPONLY=True,
                      SESSION_COOKIE_SAMESITE="Lax", SESSION_COOKIE_PATH="/console",
                      PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS))


def csrf_token() -> str:
    if "csrf" not in session:
        session["csrf"] = secrets.token_urlsafe(32)
    return session["csrf"]


def csrf_ok() -> bool:
    sent = request.form.get("csrf_token") or request.headers.get("X-CSRF-Token") or ""
    expected = session.get("csrf", "")
    return bool(expected) and hmac.compare_digest(sent.encode(), expected.encode())


def current_user(ctx: BotContext) -> StaffAccount | None:
    name = session.get("user")
    if not name:
        return None
    account = ctx.stores.staff.get(name)
    if account is None:
        session.pop("user", None)
    return account


def guard(ctx: BotContext) -> Any:
    """before_request of the console: CSRF on every POST, a login for every page."""
    if request.endpoint in UPLOAD_ENDPOINTS:
        request.max_content_length = UPLOAD_MAX_BYTES      # before the form is first read
    if request.method == "POST" and not csrf_ok():
        abort(400, "表单已过期或缺少安全校验（CSRF），请刷新页面后重试")
    g.user = current_user(ctx)
    if g.user is None and request.endpoint not in PUBLIC_ENDPOINTS:
        return redirect(url_for("console.login", next=request.full_path.rstrip("?")))
    return None


def client_address() -> str:
    """Who is trying to log in: behind an nginx on this machine every request comes from
    127.0.0.1, so one address would lock the whole office out after five typos. A proxy on
    the loopback is trusted for X-Real-IP (the README's nginx sets it); nobody else is."""
    remote = request.remote_addr or ""
    if remote in ("127.0.0.1", "::1"):
        real = request.headers.get("X-Real-IP", "").strip()
        if real:
            return real[:64]
    return remote


def login_blocked(ctx: BotContext, name: str) -> bool:
    staff = ctx.stores.staff
    return max(staff.failures(f"name:{name}"), staff.failures(f"ip:{client_address()}")) \
        >= MAX_FAILURES


def login_failed(ctx: BotContext, name: str) -> None:
    ctx.stores.staff.failed(f"name:{name}", WINDOW)
    ctx.stores.staff.failed(f"ip:{client_address()}", WINDOW)


def log_in(ctx: BotContext, account: StaffAccount) -> None:
    ctx.stores.staff.clear_failures(f"name:{account.name}")
    session.clear()                       # a fresh session (and CSRF token) after login
    session.permanent = True
    session["user"] = account.name
    csrf_token()


def admin_only(view: Callable) -> Callable:
    @functools.wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if g.user is None or g.user.role != "admin":
            abort(403, "只有管理员可以做这件事")
        return view(*args, **kwargs)
    return wrapped


def inside(target: str | None, default: str) -> str:
    """`target` if it is a page of the console, else `default`: never an open redirect."""
    if target and target.startswith("/console/") and not target.startswith("//"):
        return target
    return default
