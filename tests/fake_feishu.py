"""Feishu, both ways, for tests: a local open-API server and real signed/encrypted events.

`FakeFeishu` is a real HTTP server on 127.0.0.1 that answers like open.feishu.cn
(token, send, reply, bot info) with Feishu's response shapes and error codes, and
records what it received. `FeishuEvents` builds what the Feishu server posts to
/feishu: schema-2.0 events, AES-256-CBC encrypted and signed exactly as documented.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from itertools import count
from typing import Any
from urllib.parse import parse_qs, urlsplit

from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

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


# -- events, as the Feishu server posts them -------------------------------------------------
_ids = count(1)


def encrypt(encrypt_key: str, plain: str) -> str:
    """AES-256-CBC, key sha256(encrypt_key), random IV prepended, base64: Feishu's scheme."""
    key = hashlib.sha256(encrypt_key.encode()).digest()
    iv = os.urandom(16)
    padder = padding.PKCS7(128).padder()
    data = padder.update(plain.encode()) + padder.finalize()
    enc = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return base64.b64encode(iv + enc.update(data) + enc.finalize()).decode()


def signature(timestamp: str, nonce: str, encrypt_key: str, body: bytes) -> str:
    return hashlib.sha256((timestamp + nonce + encrypt_key).encode() + body).hexdigest()


def message_event(token: str, content: dict | str, *, message_type: str = "text",
                  user: str = "ou_student1", chat_type: str = "p2p",
                  mentions: list[dict] | None = None, event_id: str | None = None,
                  message_id: str | None = None, sender_type: str = "user") -> dict:
    n = next(_ids)
    message = {
        "message_id": message_id or f"om_msg_{n}", "root_id": "", "parent_id": "",
        "create_time": "1763000000000", "chat_id": "oc_chat_1", "chat_type": chat_type,
        "message_type": message_type,
        "content": content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
    }
    if mentions:
        message["mentions"] = mentions
    return {
        "schema": "2.0",
        "header": {"event_id": event_id or f"evt_{n:032x}", "event_type": "im.message.receive_v1",
                   "create_time": "1763000000000", "token": token, "app_id": "cli_test",
                   "tenant_key": "tenant_1"},
        "event": {"sender": {"sender_id": {"union_id": f"on_{user}", "user_id": f"u_{user}",
                                           "open_id": user},
                             "sender_type": sender_type, "tenant_key": "tenant_1"},
                  "message": message},
    }


def mention(key: str, open_id: str, name: str) -> dict:
    return {"key": key, "id": {"union_id": f"on_{open_id}", "user_id": "", "open_id": open_id},
            "name": name, "tenant_key": "tenant_1"}


def card_event(token: str, choice: str, *, user: str = "ou_student1",
               message_id: str = "om_card_1", event_id: str | None = None) -> dict:
    n = next(_ids)
    return {
        "schema": "2.0",
        "header": {"event_id": event_id or f"evt_card_{n:028x}", "event_type": "card.action.trigger",
                   "create_time": "1763000000000", "token": token, "app_id": "cli_test",
                   "tenant_key": "tenant_1"},
        "event": {"operator": {"tenant_key": "tenant_1", "user_id": f"u_{user}", "open_id": user},
                  "token": "c-card-update-token",
                  "action": {"value": {"choice": choice}, "tag": "button"},
                  "host": "im_message",
                  "context": {"open_message_id": message_id, "open_chat_id": "oc_chat_1"}},
    }


@dataclass
class FeishuEvents:
    """Posts events to /feishu like the Feishu server: encrypted and signed when keyed."""

    http: Any
    verification_token: str
    encrypt_key: str = ""
    timestamp: str = "1763000000"

    def body(self, payload: dict) -> bytes:
        plain = json.dumps(payload, ensure_ascii=False)
        if self.encrypt_key:
            return json.dumps({"encrypt": encrypt(self.encrypt_key, plain)}).encode()
        return plain.encode()

    def headers(self, body: bytes) -> dict[str, str]:
        if not self.encrypt_key:
            return {}
        nonce = f"nonce-{next(_ids)}"
        return {"X-Lark-Request-Timestamp": self.timestamp, "X-Lark-Request-Nonce": nonce,
                "X-Lark-Signature": signature(self.timestamp, nonce, self.encrypt_key, body)}

    def post_raw(self, body: bytes, headers: dict[str, str] | None = None):
        return self.http.post("/feishu", data=body, headers=headers or {},
                              content_type="application/json; charset=utf-8")

    def post(self, payload: dict):
        body = self.body(payload)
        return self.post_raw(body, self.headers(body))
