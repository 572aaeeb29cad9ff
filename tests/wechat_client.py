"""Builds real WeChat webhook requests (signed, optionally AES-encrypted) for the test app.

Signatures and encryption come from wechatpy, the same code WeChat's own SDKs mirror,
so the app is exercised exactly as the WeChat server would call it.
"""
from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from itertools import count

import xmltodict
from wechatpy.crypto import WeChatCrypto

_ids = count(7_000_000_000_000_000_000)


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
        timestamp = timestamp or str(int(time.time()))
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
