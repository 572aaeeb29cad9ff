"""Feishu open API client: the tenant token shared by all processes, replies and sends.

Every process of the bot (web workers, the long connection, the push sender) calls
Feishu with one `tenant_access_token`, shared through `SharedToken`, so a cold start or
an expiry never sends a burst of token requests.

Failures are sorted by kind: rate limits back off and retry, an invalid token is
refreshed once and the call retried, everything else raises `FeishuApiError` with
Feishu's own code and msg for the log. Time is injected (`clock.sleep`), so tests
never wait.
"""
from __future__ import annotations

import json
import logging
import re
from typing import Callable
from urllib.parse import quote

import requests

from ...clock import Clock
from ...config import Config
from ...store import StoreUnavailable, TokenStore
from ..token import SharedToken

log = logging.getLogger(__name__)

TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES_PATH = "/open-apis/im/v1/messages"
BOT_INFO_PATH = "/open-apis/bot/v3/info"

_FEISHU_ID = re.compile(r"[A-Za-z0-9_-]{1,128}")


def is_feishu_id(value: object) -> bool:
    """Feishu's ids (om_…, ou_…, oc_…, event ids) are letters, digits, _ and -, nothing
    that could change the path of a URL it is put in."""
    return isinstance(value, str) and _FEISHU_ID.fullmatch(value) is not None


RATE_LIMITED = 99991400
TOKEN_INVALID = frozenset({99991663, 99991661, 99991668})


class FeishuApiError(Exception):
    """A Feishu call that still failed after the retries its kind allows."""

    def __init__(self, code: int, msg: str, retryable: bool) -> None:
        super().__init__(f"Feishu API error {code}: {msg}")
        self.code, self.msg, self.retryable = code, msg, retryable


class _Retry(Exception):
    """Internal: this attempt failed in a way worth another try after `delay` seconds."""

    def __init__(self, code: int, msg: str, delay: float | None = None) -> None:
        super().__init__(msg)
        self.code, self.msg, self.delay = code, msg, delay


class FeishuApi:
    def __init__(self, config: Config, tokens: TokenStore, clock: Clock,
                 http: requests.Session | None = None) -> None:
        self.base = config.api_bases["FEISHU_API_BASE"].rstrip("/")
        self.app_id = config.secret("FEISHU_APP_ID") or ""
        self.app_secret = config.secret("FEISHU_APP_SECRET") or ""
        self.tokens, self.clock = tokens, clock
        self.http = http or requests.Session()
        api = config.settings.channels.feishu.api
        self.timeout = (api.connect_timeout, api.read_timeout)
        self.max_attempts = max(1, api.max_attempts)
        self.backoff, self.max_backoff = api.backoff, api.max_backoff
        self.token = SharedToken(
            tokens, f"feishu:{self.app_id}", self._fetch_token, clock,
            margin=api.token_margin, lock_ttl=api.token_lock_ttl, wait=api.token_lock_wait,
            timeout_error=lambda: FeishuApiError(-1, "timed out waiting for another process "
                                                     "to refresh the tenant token", retryable=True))

    def tenant_token(self) -> str:
        return self.token.get()

    def _fetch_token(self) -> tuple[str, int]:
        body = {"app_id": self.app_id, "app_secret": self.app_secret}
        data = self._with_retries(lambda: self._send("POST", TOKEN_PATH, body, None, {}))
        token, expire = data.get("tenant_access_token"), data.get("expire")
        if not isinstance(token, str) or not token or not isinstance(expire, int):
            raise FeishuApiError(-1, "token response without tenant_access_token/expire", False)
        log.info("fetched a new Feishu tenant token (expires in %ss)", expire)
        return token, expire

    # -- calls ---------------------------------------------------------------------------------
    def reply(self, message_id: str, msg_type: str, content: dict) -> dict:
        """Answer a message in its chat (threaded under it in Feishu)."""
        if not is_feishu_id(message_id):
            raise FeishuApiError(-1, "refused to reply to a malformed message_id", retryable=False)
        body = {"msg_type": msg_type, "content": json.dumps(content, ensure_ascii=False)}
        return self.call("POST", f"{MESSAGES_PATH}/{quote(message_id, safe='')}/reply", body)

    def send(self, receive_id: str, msg_type: str, content: dict,
             receive_id_type: str = "open_id") -> dict:
        """Send a new message to a user or chat; used by push notices as well."""
        body = {"receive_id": receive_id, "msg_type": msg_type,
                "content": json.dumps(content, ensure_ascii=False)}
        return self.call("POST", MESSAGES_PATH, body, params={"receive_id_type": receive_id_type})

    def bot_open_id(self) -> str:
        """The bot's own open_id (to recognise its @-mention), cached for a day."""
        name = f"feishu:{self.app_id}:bot_open_id"
        try:
            cached = self.tokens.cached(name)
        except StoreUnavailable:
            cached = None
        if cached:
            return cached
        data = self.call("GET", BOT_INFO_PATH)
        open_id = (data.get("bot") or {}).get("open_id")
        if not isinstance(open_id, str) or not open_id:
            raise FeishuApiError(-1, "bot info without open_id", False)
        try:
            self.tokens.cache(name, open_id, 86400)
        except StoreUnavailable:
            pass
        return open_id

    def call(self, method: str, path: str, body: dict | None = None,
             params: dict | None = None) -> dict:
        """One authorised call; an invalid token is refreshed once and the call retried."""
        token = self.tenant_token()
        try:
            return self._with_retries(lambda: self._request(method, path, body, params, token))
        except FeishuApiError as exc:
            if exc.code not in TOKEN_INVALID:
                raise
            log.info("Feishu said the tenant token is invalid (%s); refreshing once", exc.code)
        token = self.token.refresh(stale=token)
        return self._with_retries(lambda: self._request(method, path, body, params, token))

    # -- plumbing --------------------------------------------------------------------------------
    def _with_retries(self, attempt: Callable[[], dict]) -> dict:
        """Run `attempt`, backing off on rate limits and network trouble."""
        for n in range(self.max_attempts):
            try:
                return attempt()
            except _Retry as retry:
                if n + 1 >= self.max_attempts:
                    log.warning("Feishu call gave up after %d attempts: code=%s msg=%s",
                                self.max_attempts, retry.code, retry.msg)
                    raise FeishuApiError(retry.code, retry.msg, retryable=True) from None
                delay = retry.delay if retry.delay is not None else self.backoff * (2 ** n)
                self.clock.sleep(min(delay, self.max_backoff))
        raise AssertionError("unreachable")

    def _request(self, method: str, path: str, body: dict | None, params: dict | None,
                 token: str) -> dict:
        headers = {"Authorization": f"Bearer {token}"}
        return self._send(method, path, body, params, headers)

    def _send(self, method: str, path: str, body: dict | None, params: dict | None,
              headers: dict) -> dict:
        headers = {**headers, "Content-Type": "application/json; charset=utf-8"}
        try:
            resp = self.http.request(method, self.base + path, params=params, json=body,
                                     headers=headers, timeout=self.timeout)
        except requests.RequestException as exc:
            raise _Retry(-1, f"network error: {exc.__class__.__name__}") from None
        try:
            data = resp.json()
        except ValueError:
            data = None
        if not isinstance(data, dict):
            data = {"code": -1, "msg": f"HTTP {resp.status_code} without a JSON body"}
        code, msg = data.get("code", -1), str(data.get("msg", ""))
        if resp.status_code == 429 or code == RATE_LIMITED:
            raise _Retry(RATE_LIMITED, msg or "rate limited", _reset_after(resp))
        if code == 0 and resp.status_code < 400:
            return data
        if resp.status_code >= 500 and code not in TOKEN_INVALID:
            raise _Retry(code, msg or f"HTTP {resp.status_code}")
        if code not in TOKEN_INVALID:
            log.warning("Feishu %s %s failed: HTTP %s code=%s msg=%s", method, path,
                        resp.status_code, code, msg)
        raise FeishuApiError(code if isinstance(code, int) else -1, msg, retryable=False)


def _reset_after(resp: requests.Response) -> float | None:
    """Seconds until Feishu lifts a rate limit, when it says so."""
    raw = resp.headers.get("x-ogw-ratelimit-reset")
    try:
        return max(0.0, float(raw)) if raw else None
    except ValueError:
        return None
