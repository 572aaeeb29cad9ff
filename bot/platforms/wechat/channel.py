"""WeChat official account webhook: verify, decrypt, de-duplicate, parse, render.

Only this package knows wechatpy and Flask request details; the core sees a `Message`
and gives back an answer already fitted to WeChat's size. Every malformed request is
answered with a 4xx at once.
"""
from __future__ import annotations

import logging
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable

from defusedxml import ElementTree as SafeET
from flask import Blueprint, Response, abort, request
from wechatpy import parse_message
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply, TransferCustomerServiceReply
from wechatpy.utils import check_signature

from ...context import BotContext
from ...dispatcher import Dispatcher
from ...message import Message

log = logging.getLogger(__name__)

CHANNEL = "wechat"
MEDIA_KINDS = {"image", "voice", "video", "shortvideo", "location", "link", "file"}
HOLDING_TEXT = "您的问题我正在查，请稍等片刻后再发一次。"
HOLDING_SENT_LATER = "您的问题我正在查，答案查好后会单独发给您。"
# Marks an answer that hands the chat to the official account's customer-service tool
# (`handoff.wechat_transfer`); kept with the saved answer, so a retry is answered alike.
TRANSFER = "\x00transfer\x00"


class WeChatChannel:
    def __init__(self, ctx: BotContext, dispatcher: Dispatcher,
                 executor: ThreadPoolExecutor,
                 on_late_reply: Callable[[Message, str, str], None] | None = None) -> None:
        cfg, settings = ctx.config, ctx.settings
        self.ctx, self.dispatcher, self.executor = ctx, dispatcher, executor
        self.deliveries = ctx.stores.deliveries
        self.token = cfg.secret("WECHAT_TOKEN") or ""
        aes_key, appid = cfg.secret("WECHAT_ENCODING_AES_KEY"), cfg.secret("WECHAT_APPID")
        self.crypto = WeChatCrypto(self.token, aes_key, appid) if aes_key and appid else None
        self.deadline = settings.channels.wechat.reply_deadline
        self.max_reply_bytes = settings.channels.wechat.max_reply_bytes
        self.wait_for_first = settings.dedup.wait_for_first
        self.on_late_reply = on_late_reply     # set only when the answer can be pushed later
        self.holding_text = HOLDING_SENT_LATER if on_late_reply else HOLDING_TEXT

    # -- HTTP ----------------------------------------------------------------------------
    def blueprint(self) -> Blueprint:
        bp = Blueprint("wechat", __name__)
        bp.add_url_rule("/wechat", "verify", self.verify, methods=["GET"])
        bp.add_url_rule("/wechat", "receive", self.receive, methods=["POST"])
        return bp

    def _check_signature(self) -> tuple[str, str]:
        args = request.args
        signature, timestamp, nonce = args.get("signature"), args.get("timestamp"), args.get("nonce")
        if not (signature and timestamp and nonce):
            abort(400, "missing signature, timestamp or nonce")
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            abort(403, "invalid signature")
        return timestamp, nonce

    def verify(self) -> Response:
        self._check_signature()
        return Response(request.args.get("echostr", ""), mimetype="text/plain")

    def receive(self) -> Response:
        timestamp, nonce = self._check_signature()
        xml = self._safe_xml(request.get_data(cache=False))
        encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
        if encrypted:
            xml = self._decrypt(xml, timestamp, nonce)
        try:
            parsed = parse_message(xml)
            msg, delivery = to_message(parsed), delivery_id(parsed)
        except Exception:  # wechatpy raises KeyError/ValueError/… on odd but well-formed XML
            abort(400, "not a WeChat message")
        if not msg.user_id or not parsed.target:
            abort(400, "message without FromUserName or ToUserName")
        text = self._answer(msg, delivery)
        if not text:
            return Response("success", mimetype="text/plain")
        if text.startswith(TRANSFER):
            reply = TransferCustomerServiceReply(source=parsed.target, target=parsed.source).render()
        else:
            reply = TextReply(source=parsed.target, target=parsed.source, content=text).render()
        if encrypted:
            reply = self.crypto.encrypt_message(reply, nonce, timestamp)
        return Response(reply, mimetype="application/xml")

    # -- pieces ----------------------------------------------------------------------------
    @staticmethod
    def _safe_xml(body: bytes) -> str:
        """Refuse DTDs, entities and broken UTF-8 before any XML parser sees the body."""
        if not body.strip():
            abort(400, "empty body")
        try:
            text = body.decode("utf-8")
            SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
        except Exception:  # defusedxml raises ParseError and its own DefusedXmlException kinds
            abort(400, "malformed or unsafe XML")
        return text

    def _decrypt(self, xml: str, timestamp: str, nonce: str) -> str:
        if self.crypto is None:
            abort(400, "encrypted message but WECHAT_ENCODING_AES_KEY/WECHAT_APPID not set")
        msg_signature = request.args.get("msg_signature")
        if not msg_signature:
            abort(400, "missing msg_signature")
        try:
            plain = self.crypto.decrypt_message(xml, msg_signature, timestamp, nonce)
        except InvalidSignatureException:
            abort(403, "invalid msg_signature")
        except Exception:  # bad base64, padding, length or app id: all mean "not for us"
            abort(400, "cannot decrypt")
        return self._safe_xml(plain.encode("utf-8"))

    def _answer(self, msg: Message, delivery: str) -> str:
        """Answer once per delivery; a platform retry gets the first answer, never a second."""
        deliveries = self.deliveries
        if not deliveries.claim(CHANNEL, delivery):
            return deliveries.wait_for_reply(CHANNEL, delivery, self.wait_for_first) or ""
        future = self.executor.submit(self._text, msg)
        try:
            text = future.result(timeout=self.deadline)
        except FutureTimeout:
            log.warning("answer to %s took longer than %.1fs", msg.user_id, self.deadline)
            future.add_done_callback(lambda f: self._late(msg, delivery, f))
            return self.holding_text
        deliveries.save_reply(CHANNEL, delivery, text)
        return text

    def _text(self, msg: Message) -> str:
        answer = self.dispatcher.answer(msg, self.max_reply_bytes)
        if answer.reply.handoff and self.on_late_reply and answer.text:
            # The passive reply moves the chat to customer service; our own words
            # follow as a customer-service message.
            self.on_late_reply(msg, f"handoff:{msg.msg_id or msg.user_id}", answer.text)
            return TRANSFER + answer.text
        return answer.text

    def _late(self, msg: Message, delivery: str, future: Future) -> None:
        text = future.result()
        self.deliveries.save_reply(CHANNEL, delivery, text)
        if self.on_late_reply and text and not text.startswith(TRANSFER):
            self.on_late_reply(msg, delivery, text)


def delivery_id(parsed) -> str:
    """MsgId for messages; events have none, so sender + time + event identify them."""
    if getattr(parsed, "id", None):
        return f"msg:{parsed.id}"
    return f"evt:{parsed.source}:{parsed.time}:{getattr(parsed, 'event', '')}"


def to_message(parsed) -> Message:
    kind = parsed.type
    base = dict(channel=CHANNEL, user_id=parsed.source, msg_id=str(getattr(parsed, "id", "") or ""))
    if kind == "text":
        return Message(text=parsed.content or "", **base)
    if kind == "voice" and getattr(parsed, "recognition", None):
        return Message(text=parsed.recognition, **base)
    if kind == "event":
        return Message(kind="event", event=parsed.event, event_key=getattr(parsed, "key", None),
                       **base)
    return Message(kind=kind if kind in MEDIA_KINDS else "unknown", **base)
