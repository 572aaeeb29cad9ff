"""Real platform requests for the test app: WeChat webhooks and Feishu events.

WeChat requests are signed and optionally AES-encrypted with wechatpy, the same code
WeChat's own SDKs mirror; Feishu events are schema-2.0 payloads, AES-256-CBC encrypted
and signed exactly as documented. The app is exercised as the platforms would call it.
Timestamps come from the app's own (injected) clock, as a platform's would match the
bot's real clock, so the replay window accepts them.
"""
from __future__ import annotations

import base64
import hashlib
import json
import os
import time
from dataclasses import dataclass
from itertools import count
from typing import Any, Callable

import xmltodict
from cryptography.hazmat.primitives import padding
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from wechatpy.crypto import WeChatCrypto

_ids = count(7_000_000_000_000_000_000)


def clock_of(http) -> Callable[[], float]:
    """Now, by the clock of the app behind a Flask test client (real time without one)."""
    app = getattr(http, "application", None)
    ctx = app.extensions.get("bot") if app is not None else None
    return (lambda: ctx.clock.now().timestamp()) if ctx is not None else time.time


def sign(*parts: str) -> str:
    return hashlib.sha1("".join(sorted(parts)).encode()).hexdigest()


def text_xml(content: str, user: str = "oStudent1", msg_id: int | None = None,
             create_time: int | None = None) -> str:
    msg_id = next(_ids) if msg_id is None else msg_id
    return (f"<xml><ToUserName><![CDATA[gh_career]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName>"
            f"<CreateTime>{create_time or int(time.time())}</CreateTime>"
            f"<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[{content}]]></Content>"
            f"<MsgId>{msg_id}</MsgId></xml>")


def event_xml(event: str, user: str = "oStudent1", key: str | None = None,
              create_time: int = 1_763_000_000) -> str:
    key_xml = f"<EventKey><![CDATA[{key}]]></EventKey>" if key is not None else ""
    return (f"<xml><ToUserName><![CDATA[gh_career]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>{create_time}</CreateTime>"
            f"<MsgType><![CDATA[event]]></MsgType><Event><![CDATA[{event}]]></Event>{key_xml}</xml>")


def media_xml(kind: str, user: str = "oStudent1", extra: str = "") -> str:
    return (f"<xml><ToUserName><![CDATA[gh_career]]></ToUserName>"
            f"<FromUserName><![CDATA[{user}]]></FromUserName><CreateTime>1763000000</CreateTime>"
            f"<MsgType><![CDATA[{kind}]]></MsgType>{extra}<MsgId>{next(_ids)}</MsgId></xml>")


@dataclass
class WeChatClient:
    """Posts to /wechat like the WeChat server: `mode` is raw, compatible or aes (safe)."""

    http: object
    token: str
    aes_key: str
    appid: str
    mode: str = "raw"

    @property
    def crypto(self) -> WeChatCrypto:
        return WeChatCrypto(self.token, self.aes_key, self.appid)

    def query(self, body: str | None = None, timestamp: str | None = None,
              nonce: str = "nonce123") -> dict[str, str]:
        timestamp = timestamp or str(int(clock_of(self.http)()))
        q = {"signature": sign(self.token, timestamp, nonce), "timestamp": timestamp,
             "nonce": nonce, "openid": "oStudent1"}
        if self.mode != "raw":
            q["encrypt_type"] = "aes"
        return q

    def wrap(self, xml: str, q: dict[str, str]) -> str:
        """The body WeChat would send in this mode (and sets msg_signature in `q`)."""
        if self.mode == "raw":
            return xml
        envelope = xmltodict.parse(self.crypto.encrypt_message(xml, q["nonce"], q["timestamp"]))["xml"]
        q["msg_signature"] = envelope["MsgSignature"]
        if self.mode == "aes":
            return (f"<xml><ToUserName><![CDATA[gh_career]]></ToUserName>"
                    f"<Encrypt><![CDATA[{envelope['Encrypt']}]]></Encrypt></xml>")
        plain = xmltodict.parse(xml)["xml"]
        plain["Encrypt"] = envelope["Encrypt"]
        return xmltodict.unparse({"xml": plain}, full_document=False)

    def post(self, xml: str, **query):
        q = self.query()
        body = self.wrap(xml, q)
        q.update(query)
        return self.http.post("/wechat", query_string=q, data=body.encode("utf-8"),
                              content_type="text/xml")

    def reply(self, response) -> dict:
        """The reply as a dict (decrypted when encrypted); {} for `success`."""
        body = response.get_data(as_text=True)
        if body == "success":
            return {}
        data = xmltodict.parse(body)["xml"]
        if self.mode != "raw":
            plain = self.crypto.decrypt_message(body, data["MsgSignature"], data["TimeStamp"],
                                                data["Nonce"])
            data = xmltodict.parse(plain)["xml"]
        return data

    def ask(self, content: str, user: str = "oStudent1", msg_id: int | None = None) -> str:
        response = self.post(text_xml(content, user, msg_id))
        assert response.status_code == 200, response.get_data(as_text=True)
        return self.reply(response).get("Content", "")


# -- events, as the Feishu server posts them -------------------------------------------------
_event_ids = count(1)


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
                  message_id: str | None = None, sender_type: str = "user",
                  chat_id: str = "oc_chat_1", root_id: str = "") -> dict:
    n = next(_event_ids)
    message = {
        "message_id": message_id or f"om_msg_{n}", "root_id": root_id, "parent_id": root_id,
        "create_time": "1763000000000", "chat_id": chat_id, "chat_type": chat_type,
        "message_type": message_type,
        "content": content if isinstance(content, str) else json.dumps(content, ensure_ascii=False),
    }
    if mentions:
        message["mentions"] = mentions
    return {
        "schema": "2.0",
        "header": {"event_id": event_id or f"evt_{n:032x}", "event_type": "im.message.receive_v1",
                   "token": token, "app_id": "cli_test", "tenant_key": "tenant_1"},
        "event": {"sender": {"sender_id": {"union_id": f"on_{user}", "user_id": f"u_{user}",
                                           "open_id": user},
                             "sender_type": sender_type, "tenant_key": "tenant_1"},
                  "message": message},
    }


def mention(key: str, open_id: str, name: str) -> dict:
    return {"key": key, "id": {"union_id": f"on_{open_id}", "user_id": "", "open_id": open_id},
            "name": name, "tenant_key": "tenant_1"}


def card_event(token: str, choice: str, *, user: str = "ou_student1",
               message_id: str = "om_card_1", event_id: str | None = None,
               value: dict | None = None, form_value: dict | None = None) -> dict:
    """A card button press: a numbered choice, or any `value` (and a form's `form_value`)."""
    n = next(_event_ids)
    action: dict = {"value": value or {"choice": choice}, "tag": "button"}
    if form_value is not None:
        action["form_value"] = form_value
    return {
        "schema": "2.0",
        "header": {"event_id": event_id or f"evt_card_{n:028x}", "event_type": "card.action.trigger",
                   "token": token, "app_id": "cli_test", "tenant_key": "tenant_1"},
        "event": {"operator": {"tenant_key": "tenant_1", "user_id": f"u_{user}", "open_id": user},
                  "token": "c-card-update-token",
                  "action": action,
                  "host": "im_message",
                  "context": {"open_message_id": message_id, "open_chat_id": "oc_chat_1"}},
    }


@dataclass
class FeishuEvents:
    """Posts events to /feishu like the Feishu server: encrypted and signed when keyed.

    The header's create_time, unless the payload has one, and the signed request time,
    unless `timestamp` is set, are now by the app's clock."""

    http: Any
    verification_token: str
    encrypt_key: str = ""
    timestamp: str | None = None

    def body(self, payload: dict) -> bytes:
        head = payload.get("header")
        if isinstance(head, dict) and "create_time" not in head:
            payload = {**payload, "header": {**head, "create_time": str(int(clock_of(self.http)() * 1000))}}
        plain = json.dumps(payload, ensure_ascii=False)
        if self.encrypt_key:
            return json.dumps({"encrypt": encrypt(self.encrypt_key, plain)}).encode()
        return plain.encode()

    def headers(self, body: bytes) -> dict[str, str]:
        if not self.encrypt_key:
            return {}
        nonce = f"nonce-{next(_event_ids)}"
        timestamp = self.timestamp or str(int(clock_of(self.http)()))
        return {"X-Lark-Request-Timestamp": timestamp, "X-Lark-Request-Nonce": nonce,
                "X-Lark-Signature": signature(timestamp, nonce, self.encrypt_key, body)}

    def post_raw(self, body: bytes, headers: dict[str, str] | None = None):
        return self.http.post("/feishu", data=body, headers=headers or {},
                              content_type="application/json; charset=utf-8")

    def post(self, payload: dict):
        body = self.body(payload)
        return self.post_raw(body, self.headers(body))


# -- helpers the test modules share ----------------------------------------------------------
def wechat_client(app, mode: str = "raw") -> WeChatClient:
    from .builders import WECHAT_SECRETS
    return WeChatClient(app.test_client(), WECHAT_SECRETS["WECHAT_TOKEN"],
                        WECHAT_SECRETS["WECHAT_ENCODING_AES_KEY"], WECHAT_SECRETS["WECHAT_APPID"],
                        mode)


def feishu_events(app, mode: str = "encrypted") -> FeishuEvents:
    from .builders import EKEY, VTOKEN
    return FeishuEvents(app.test_client(), VTOKEN, EKEY if mode == "encrypted" else "")


def feishu_text(content: str, **kw: Any) -> dict:
    """A Feishu text-message event carrying the test app's verification token."""
    from .builders import VTOKEN
    return message_event(VTOKEN, {"text": content}, **kw)


def settle(app) -> None:
    """Wait until every Feishu event the app accepted has been answered."""
    assert app.extensions["feishu"].wait_idle()


def run_cli(*args: str, env: dict | None = None, input: str | None = None,
            data_dir=None, timeout: float = 120):
    """`python -m bot ARGS` in a real process, with no platform secrets inherited."""
    import subprocess
    import sys

    from .builders import ROOT
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
    if data_dir is not None:
        full_env["BOT_DATA_DIR"] = str(data_dir)
    full_env.update(env or {})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=full_env,
                          input=input, capture_output=True, text=True, timeout=timeout)
