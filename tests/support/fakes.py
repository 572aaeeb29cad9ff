"""Local HTTP servers that answer like the WeChat and Feishu open APIs.

Their paths, JSON shapes and error codes are the platforms' own. Each records what it
received and can be scripted: WeChat to answer given error codes per openid (a subscribe
message is answered as WeChat does: 43101 without the student's subscription, 47003 for a
field outside WeChat's rules, 40037 without a template id), reject the
current token once, or hold requests (a gate) so a test can kill a sender while its
calls are on the wire; Feishu to answer given (status, body) pairs per kind of call.
"""
from __future__ import annotations

import json
import threading
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qs, urlparse, urlsplit

from .wechat_rules import broken_fields

APPID, SECRET = "wx1234567890abcdef", "test-app-secret"
SUBSCRIBE_PATH = "/cgi-bin/message/subscribe/bizsend"
SEND_PATHS = ("/cgi-bin/message/custom/send", "/cgi-bin/message/template/send", SUBSCRIBE_PATH)


class FakeWeChat:
    def __init__(self, delay: float = 0.0) -> None:
        self.delay = delay
        self.lock = threading.Lock()
        self.received: list[dict] = []            # {"path", "touser", "body"}
        self.token_calls = 0
        self.token = ""
        self.reject_token_once: int | None = None  # 40001 or 42001 for the next call
        self.script: dict[str, deque[int]] = defaultdict(deque)
        self.subscriptions: dict[tuple[str, str], int | None] = {}   # (openid, template) -> left
        self.gate = threading.Event()
        self.gate.set()
        self.hold_after: int | None = None
        self.held = 0
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                                       daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeWeChat":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.gate.set()
        self.server.shutdown()
        self.server.server_close()

    def answer(self, openid: str, *codes: int) -> None:
        """The next calls for `openid` get these errcodes, in order; then success."""
        self.script[openid].extend(codes)

    def sent_to(self, openid: str) -> list[dict]:
        with self.lock:
            return [r for r in self.received if r["touser"] == openid]

    def subscribe(self, openid: str, template_id: str, times: int | None = None) -> None:
        """`openid` accepts subscribe messages of `template_id`: `times` of them (a
        one-time subscription each), or any number (None: a long-term subscription)."""
        with self.lock:
            self.subscriptions[(openid, template_id)] = times

    def _bizsend(self, body: dict) -> tuple[int, str]:
        """What WeChat answers a subscribe message (caller holds the lock)."""
        if not body.get("touser"):
            return 40003, "invalid openid"
        if not body.get("template_id"):
            return 40037, "invalid template_id"
        broken = broken_fields(body.get("data") or {})
        if not body.get("data") or broken:
            return 47003, f"argument invalid! data.{(broken or ['?'])[0]}.value invalid"
        key = (body["touser"], body["template_id"])
        if key not in self.subscriptions:
            return 43101, "user refuse to accept the msg"
        left = self.subscriptions[key]
        if left is not None:
            if left <= 1:
                del self.subscriptions[key]
            else:
                self.subscriptions[key] = left - 1
        return 0, "ok"

    def _handler(self):
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _json(self, data: dict) -> None:
                body = json.dumps(data).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                if url.path != "/cgi-bin/token":
                    return self._json({"errcode": 40004, "errmsg": "invalid path"})
                if q.get("appid") != APPID or q.get("secret") != SECRET:
                    return self._json({"errcode": 40125, "errmsg": "invalid appsecret"})
                with fake.lock:
                    fake.token_calls += 1
                    fake.token = f"TOKEN-{fake.token_calls}"
                    return self._json({"access_token": fake.token, "expires_in": 7200})

            def do_POST(self):
                url = urlparse(self.path)
                q = {k: v[0] for k, v in parse_qs(url.query).items()}
                length = int(self.headers.get("Content-Length", 0))
                body = json.loads(self.rfile.read(length) or b"{}")
                if url.path not in SEND_PATHS:
                    return self._json({"errcode": 40004, "errmsg": "invalid path"})
                with fake.lock:
                    if fake.reject_token_once:
                        code, fake.reject_token_once = fake.reject_token_once, None
                        return self._json({"errcode": code, "errmsg": "invalid credential"})
                    if q.get("access_token") != fake.token:
                        return self._json({"errcode": 40001, "errmsg": "invalid credential"})
                    touser = body.get("touser", "")
                    script = fake.script.get(touser)
                    code = script.popleft() if script else 0
                    if code == 0 and url.path == SUBSCRIBE_PATH:
                        code, errmsg = fake._bizsend(body)
                        if code:
                            return self._json({"errcode": code, "errmsg": errmsg})
                    if code == 0:
                        fake.received.append({"path": url.path, "touser": touser, "body": body})
                    hold = fake.hold_after is not None and len(fake.received) > fake.hold_after
                    if hold:
                        fake.held += 1
                if hold:
                    fake.gate.wait()
                if fake.delay:
                    time.sleep(fake.delay)
                try:
                    self._json({"errcode": code, "errmsg": "ok" if code == 0 else "error"})
                except OSError:
                    pass

        return Handler


# -- Feishu ----------------------------------------------------------------------------
TOKEN_PATH = "/open-apis/auth/v3/tenant_access_token/internal"
MESSAGES_PATH = "/open-apis/im/v1/messages"
BOT_OPEN_ID = "ou_bot_career"

TOKEN_EXPIRED = (400, {"code": 99991663, "msg": "Invalid access token for authorization. "
                                                 "Please make a request with token attached."})
RATE_LIMITED = (429, {"code": 99991400, "msg": "request trigger frequency limit"})
RATE_LIMITED_200 = (200, {"code": 99991400, "msg": "request trigger frequency limit"})
BAD_CARD = (400, {"code": 230099, "msg": "Failed to create card content"})


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: Any

    @property
    def content(self) -> Any:
        """The message content the bot sent, decoded from its JSON string."""
        return json.loads(self.body["content"])


@dataclass
class FakeFeishu:
    app_id: str
    app_secret: str
    expire: int = 7200
    received: list[Received] = field(default_factory=list)
    scripted: dict[str, list[tuple[int, dict]]] = field(default_factory=dict)
    valid_tokens: set[str] = field(default_factory=set)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._tokens = count(1)
        self._messages = count(1)
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), _handler_for(self))
        self.thread = threading.Thread(target=self.server.serve_forever,
                                       kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def start(self) -> "FakeFeishu":
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join()

    # -- scripting and inspection -------------------------------------------------------------
    def fail_next(self, kind: str, *responses: tuple[int, dict]) -> None:
        """The next calls of `kind` ("token", "send", "reply") get these responses first."""
        with self._lock:
            self.scripted.setdefault(kind, []).extend(responses)

    def revoke_tokens(self) -> None:
        """Every token issued so far stops working, as when one expires at Feishu."""
        with self._lock:
            self.valid_tokens.clear()

    def calls(self, kind: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if _kind(r.path) == kind]

    # -- the API ---------------------------------------------------------------------------------
    def answer(self, rec: Received) -> tuple[int, dict]:
        kind = _kind(rec.path)
        with self._lock:
            self.received.append(rec)
            queue = self.scripted.get(kind)
            if queue:
                return queue.pop(0)
            if kind == "token":
                return self._token(rec.body)
            auth = rec.headers.get("authorization", "")
            if not auth.startswith("Bearer ") or auth[7:] not in self.valid_tokens:
                return TOKEN_EXPIRED
            if kind == "bot":
                return 200, {"code": 0, "msg": "ok", "bot": {
                    "activate_status": 2, "app_name": "就业助手", "open_id": BOT_OPEN_ID}}
            if kind in ("send", "reply"):
                if not isinstance(rec.body, dict) or "msg_type" not in rec.body:
                    return 400, {"code": 230001, "msg": "invalid request body"}
                return 200, {"code": 0, "msg": "success",
                             "data": {"message_id": f"om_sent_{next(self._messages)}",
                                      "msg_type": rec.body["msg_type"]}}
            return 404, {"code": 404, "msg": "404 page not found"}

    def _token(self, body: Any) -> tuple[int, dict]:
        if not isinstance(body, dict) or body.get("app_id") != self.app_id \
                or body.get("app_secret") != self.app_secret:
            return 400, {"code": 10014, "msg": "app secret invalid"}
        token = f"t-{next(self._tokens)}"
        self.valid_tokens.add(token)
        return 200, {"code": 0, "msg": "ok", "tenant_access_token": token, "expire": self.expire}


def _kind(path: str) -> str:
    if path == TOKEN_PATH:
        return "token"
    if path == MESSAGES_PATH:
        return "send"
    if path.startswith(MESSAGES_PATH + "/") and path.endswith("/reply"):
        return "reply"
    if path == "/open-apis/bot/v3/info":
        return "bot"
    return "other"


def _handler_for(fake: FakeFeishu) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else None
            except ValueError:
                body = raw
            rec = Received(self.command, parts.path, parse_qs(parts.query),
                           {k.lower(): v for k, v in self.headers.items()}, body)
            status, data = fake.answer(rec)
            out = json.dumps(data, ensure_ascii=False).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(out)))
            self.end_headers()
            self.wfile.write(out)

        do_GET = do_POST = _serve

        def log_message(self, *args: Any) -> None:
            pass

    return Handler


