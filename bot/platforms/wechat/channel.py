"""WeChat official account webhook: verify, decrypt, de-duplicate, parse, render.

Only this package knows wechatpy and Flask request details; the core sees a `Message`
and gives back an answer already fitted to WeChat's size. Every malformed, replayed or
(in safe mode) unencrypted request is answered with a 4xx at once.

WeChat waits 5 s, so everything a request does counts against `reply_deadline` from the
moment it arrives, Redis calls included; Redis itself never makes a request wait long
(`store.guard`), and the FAQ answers without it.
"""
from __future__ import annotations

import logging
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from typing import Callable

from flask import Blueprint, Response, abort, request
from wechatpy.crypto import WeChatCrypto
from wechatpy.exceptions import InvalidSignatureException
from wechatpy.replies import TextReply, TransferCustomerServiceReply
from wechatpy.utils import check_signature

from ... import metrics
from ...context import BotContext
from ...dispatcher import Dispatcher
from ...message import Message
from ...store import TAKEN_OVER, ChatGlance, StoreUnavailable
from .inbound import CHANNEL, delivery_id, parse, read_xml, to_message  # noqa: F401

log = logging.getLogger(__name__)

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
        wechat = settings.channels.wechat
        self.ctx, self.dispatcher, self.executor = ctx, dispatcher, executor
        self.clock = ctx.clock
        self.deliveries = ctx.stores.deliveries
        self.token = cfg.secret("WECHAT_TOKEN") or ""
        aes_key, appid = cfg.secret("WECHAT_ENCODING_AES_KEY"), cfg.secret("WECHAT_APPID")
        self.crypto = WeChatCrypto(self.token, aes_key, appid) if aes_key and appid else None
        self.safe_mode = cfg.wechat_encrypt_mode == "safe"
        self.max_age = wechat.max_age_seconds
        self.deadline = wechat.reply_deadline
        self.lease = wechat.reply_deadline + 1.0     # a claim older than this: its process died
        self.max_reply_bytes = wechat.max_reply_bytes
        self.wait_for_first = settings.dedup.wait_for_first
        self.on_late_reply = on_late_reply     # set only when the answer can be pushed later
        self.holding_text = HOLDING_SENT_LATER if on_late_reply else HOLDING_TEXT

    # -- HTTP ----------------------------------------------------------------------------
    def blueprint(self) -> Blueprint:
        bp = Blueprint("wechat", __name__)
        bp.add_url_rule("/wechat", "verify", self.verify, methods=["GET"])
        bp.add_url_rule("/wechat", "receive", self.receive, methods=["POST"])
        return bp

    def _check_signature(self) -> tuple[str, str, int]:
        """The signed timestamp and nonce; 4xx unless signed by us and recent."""
        args = request.args
        signature, timestamp, nonce = args.get("signature"), args.get("timestamp"), args.get("nonce")
        if not (signature and timestamp and nonce):
            abort(400, "missing signature, timestamp or nonce")
        try:
            check_signature(self.token, signature, timestamp, nonce)
        except InvalidSignatureException:
            abort(403, "invalid signature")
        if not timestamp.isdigit() or len(timestamp) > 12:
            abort(400, "timestamp is not a number")
        if abs(self.clock.now().timestamp() - int(timestamp)) > self.max_age:
            abort(403, "timestamp too far from now: a replayed request, or a wrong clock")
        return timestamp, nonce, int(timestamp)

    def verify(self) -> Response:
        self._check_signature()
        return Response(request.args.get("echostr", ""), mimetype="text/plain")

    def receive(self) -> Response:
        deadline = self.clock.monotonic() + self.deadline
        timestamp, nonce, signed_at = self._check_signature()
        encrypted = request.args.get("encrypt_type", "raw").lower() == "aes"
        if self.safe_mode and not encrypted:
            abort(403, "safe mode: only encrypted messages are accepted")
        fields = read_xml(request.get_data(cache=False))
        if encrypted:
            fields = self._decrypt(fields, timestamp, nonce)
        parsed, msg, delivery = parse(fields)
        text = self._answer(msg, delivery, signed_at + self.max_age, deadline)
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
    def _decrypt(self, envelope: dict, timestamp: str, nonce: str) -> dict:
        """The inner message's fields; wechatpy takes the envelope as the dict already read."""
        if self.crypto is None:
            abort(400, "encrypted message but WECHAT_ENCODING_AES_KEY/WECHAT_APPID not set")
        msg_signature = request.args.get("msg_signature")
        if not msg_signature:
            abort(400, "missing msg_signature")
        try:
            plain = self.crypto.decrypt_message(envelope, msg_signature, timestamp, nonce)
        except InvalidSignatureException:
            abort(403, "invalid msg_signature")
        except Exception:  # bad base64, padding, length or app id: all mean "not for us"
            abort(400, "cannot decrypt")
        return read_xml(plain.encode("utf-8"))

    def _answer(self, msg: Message, delivery: str, replay_until: float, deadline: float) -> str:
        """Answer once per delivery; a platform retry gets the first answer, never a second.

        `replay_until`: until when a replay of this request would pass the age check, so
        how long its id must be remembered. `deadline`: when WeChat stops waiting.
        """
        def left() -> float:
            return max(0.0, deadline - self.clock.monotonic())

        deliveries = self.deliveries
        claimed, seen = deliveries.claim_and_glance(CHANNEL, delivery, self.lease, msg.student)
        if not claimed:
            metrics.dedup_retry(CHANNEL)
            first = deliveries.wait_for_reply(CHANNEL, delivery, min(self.wait_for_first, left()),
                                              self.lease)
            if first is not TAKEN_OVER:
                return first or ""
            seen = None          # read before the first delivery died: read it again
        future = self.executor.submit(self._answer_now, msg, delivery, replay_until, seen)
        try:
            return future.result(timeout=left())
        except FutureTimeout:
            log.warning("answer to a %s message took longer than %.1fs", CHANNEL, self.deadline)
        threading.Thread(target=self._holding, args=(delivery, replay_until), daemon=True).start()
        future.add_done_callback(lambda f: self._late(msg, delivery, f))
        return self.holding_text

    def _answer_now(self, msg: Message, delivery: str, replay_until: float,
                    seen: ChatGlance | None = None) -> str:
        # the message's bookkeeping goes with `done`; its chat's state was read with the claim
        with self.ctx.stores.deferred(seen):
            text = self._text(msg)
            self.deliveries.done(CHANNEL, delivery, replay_until, reply=text)
        return text

    def _holding(self, delivery: str, replay_until: float) -> None:
        """Past the deadline: keep the claim (no retry may answer again) and let a retry
        repeat the holding reply until the real answer replaces it."""
        self.deliveries.done(CHANNEL, delivery, replay_until, reply=self.holding_text,
                             keep_reply=True)

    def _text(self, msg: Message) -> str:
        answer = self.dispatcher.answer(msg, self.max_reply_bytes)
        if answer.reply.handoff and self.on_late_reply and answer.text:
            # The passive reply moves the chat to customer service; our own words
            # follow as a customer-service message.
            self.on_late_reply(msg, f"handoff:{msg.msg_id or msg.user_id}", answer.text)
            return TRANSFER + answer.text
        return answer.text

    def _late(self, msg: Message, delivery: str, future: Future) -> None:
        try:
            text = future.result()
            if self.on_late_reply and text and not text.startswith(TRANSFER):
                self.on_late_reply(msg, delivery, text)
        except StoreUnavailable:
            log.warning("a late answer could not be queued: Redis is not answering")
        except Exception:
            log.exception("a late answer failed")
