"""Feishu bot: verify, decrypt, de-duplicate and parse events; answer off the request path.

Feishu wants an answer to its POST within a few seconds and retries otherwise, so the
webhook acknowledges at once with `{}` and the answer goes out through the reply API
from a worker thread. The long connection (`feishu_ws`) hands its events to the same
`handle_event`, so both modes parse, de-duplicate and answer identically.

Only this package knows Flask and lark-oapi (imported by the long connection only); the
core sees a `Message` and gives back an answer already fitted to Feishu's size. Every
malformed request gets a 4xx at once, and so does one further from now than `max_age_seconds`, by its signed request time and
by its event's create_time: a captured request cannot be replayed, and Feishu's own late
retries (after 1 h and 6 h) find the event too old rather than forgotten. Event ids are
remembered until create_time + max_age, as long as any copy could still be accepted.
"""
from __future__ import annotations

import hashlib
import hmac
import json
import logging
import threading
from typing import Any

from flask import Blueprint, Response, abort, jsonify, request

from ... import metrics
from ...answer_pool import AnswerPool
from ...context import BotContext
from ...delivery.late import LateReply
from ...dispatcher import Answer, Dispatcher
from ...handoff.desk import StaffDesk
from ...store import StoreUnavailable
from .api import FeishuApi, FeishuApiError
from .cards import render
from .crypto import EventCipher
from .events import (CARD_EVENT, CHANNEL, MESSAGE_EVENT, BadEvent, Inbound, Mention,
                     StaffAction, addressed_to_bot, created_at, header, parse_card_action,
                     parse_message, sender_is_app)
from .staff import StaffReplies

log = logging.getLogger(__name__)

CARD_TOAST = {"toast": {"type": "info", "content": "好的，马上为您解答"}}
# The claim of an event lasts this long unanswered: the acknowledgement follows the claim at
# once, and Feishu retries an unacknowledged event after 5 s, which then finds it lapsed.
ACK_LEASE = 2.0
SIGNATURE_HEADERS = ("X-Lark-Request-Timestamp", "X-Lark-Request-Nonce", "X-Lark-Signature")


class FeishuChannel:
    def __init__(self, ctx: BotContext, dispatcher: Dispatcher, executor: AnswerPool,
                 api: FeishuApi | None = None, desk: StaffDesk | None = None,
                 on_failed_reply: LateReply | None = None) -> None:
        cfg, settings = ctx.config, ctx.settings.channels.feishu
        self.ctx, self.dispatcher, self.executor = ctx, dispatcher, executor
        # Where an answer goes that the reply API would not take for now (`delivery/late.py`).
        self.on_failed_reply = on_failed_reply
        self.api = api or FeishuApi(cfg, ctx.stores.tokens, ctx.clock)
        self.verification_token = cfg.secret("FEISHU_VERIFICATION_TOKEN") or ""
        self.encrypt_key = cfg.secret("FEISHU_ENCRYPT_KEY") or ""
        self.cipher = EventCipher(self.encrypt_key) if self.encrypt_key else None
        self.bot_open_id = settings.bot_open_id
        self.max_reply_bytes = settings.max_reply_bytes
        self.max_age = settings.max_age_seconds
        self.staff = StaffReplies(ctx.settings.handoff.feishu_chat_id, desk, self.api)
        self._id_lock = threading.Lock()
        if not (self.verification_token or self.encrypt_key):
            log.warning("neither FEISHU_VERIFICATION_TOKEN nor FEISHU_ENCRYPT_KEY is set: "
                        "anyone who knows the /feishu URL can post events")

    # -- HTTP --------------------------------------------------------------------------------
    def blueprint(self) -> Blueprint:
        bp = Blueprint("feishu", __name__)
        bp.add_url_rule("/feishu", "receive", self.receive, methods=["POST"])
        return bp

    def receive(self) -> Response:
        raw = request.get_data(cache=False)
        if not raw.strip():
            abort(400, "empty body")
        signed_at = self._check_signature(raw)
        outer = _json_object(raw)
        payload = self._decrypt(outer["encrypt"]) if "encrypt" in outer else outer
        if payload.get("type") == "url_verification":
            self._check_token(payload.get("token"))
            challenge = payload.get("challenge")
            if not isinstance(challenge, str):
                abort(400, "url_verification without challenge")
            return jsonify(challenge=challenge)
        if self.encrypt_key and signed_at is None:
            abort(401, "missing X-Lark-Signature")
        try:
            self._check_token(header(payload).get("token"))
            created, now = created_at(payload), self.ctx.clock.now().timestamp()
            for when in (created, signed_at if signed_at is not None else created):
                if abs(now - when) > self.max_age:
                    abort(403, "request time too far from now: a replayed request, or a wrong clock")
            return jsonify(self.handle_event(payload, created + self.max_age))
        except BadEvent as exc:
            abort(400, f"not a Feishu event: {exc}")

    def _check_signature(self, raw: bytes) -> float | None:
        """The signed request time when signed correctly; None when unsigned (only
        url_verification may be)."""
        if not self.encrypt_key:
            return None
        timestamp, nonce, signature = (request.headers.get(h) for h in SIGNATURE_HEADERS)
        if not (timestamp or nonce or signature):
            return None
        if not (timestamp and nonce and signature):
            abort(401, "incomplete signature headers")
        expected = hashlib.sha256((timestamp + nonce + self.encrypt_key).encode() + raw).hexdigest()
        if not hmac.compare_digest(expected, signature.lower()):
            abort(403, "invalid signature")
        if not timestamp.isdigit() or len(timestamp) > 12:
            abort(400, "X-Lark-Request-Timestamp is not a number")
        return float(timestamp)

    def _check_token(self, token: Any) -> None:
        if not self.verification_token:
            return
        if not isinstance(token, str) or not hmac.compare_digest(
                token.encode(), self.verification_token.encode()):
            abort(403, "invalid verification token")

    def _decrypt(self, encrypted: Any) -> dict[str, Any]:
        if self.cipher is None:
            abort(400, "encrypted event but FEISHU_ENCRYPT_KEY is not set")
        if not isinstance(encrypted, str) or not encrypted:
            abort(400, "encrypt is not a string")
        try:
            plain = self.cipher.decrypt_str(encrypted)
        except (ValueError, UnicodeDecodeError):   # bad base64, length, padding or key
            abort(400, "cannot decrypt")
        return _json_object(plain.encode("utf-8"))

    # -- events (webhook and long connection) ----------------------------------------------
    def handle_event(self, payload: dict[str, Any],
                     replay_until: float | None = None) -> dict[str, Any]:
        """Accept one verified schema-2.0 event; returns the body Feishu gets back.

        `replay_until`: until when this request could be replayed past the age check (its
        ids are remembered that long); by default the event's create_time plus max_age.
        """
        event_type = header(payload)["event_type"]
        if replay_until is None:
            replay_until = _created_or_now(payload, self.ctx.clock.now().timestamp()) + self.max_age
        if event_type == MESSAGE_EVENT:
            if not sender_is_app(payload):
                inbound, chat_type, found = parse_message(payload)
                if self._claim(inbound):
                    if self.staff.in_staff_group(inbound):
                        self._run(self.staff.thread_message, inbound, replay_until)
                    else:
                        self._submit(inbound, chat_type == "group", found, replay_until)
            return {}
        if event_type == CARD_EVENT:
            parsed = parse_card_action(payload)
            if isinstance(parsed, StaffAction):
                if self._claim(parsed):
                    self._run(self.staff.card_action, parsed, replay_until)
                return self.staff.toast(parsed)
            if parsed is not None and self._claim(parsed):
                self._submit(parsed, False, [], replay_until)
            return CARD_TOAST
        return {}

    def _claim(self, item: Inbound | StaffAction) -> bool:
        """First delivery of both its event_id and message_id; retries act never."""
        if self.ctx.stores.deliveries.claim_all(CHANNEL, item.delivery_ids, ACK_LEASE):
            return True
        metrics.dedup_retry(CHANNEL)
        return False

    def _run(self, work: Any, item: Inbound | StaffAction, replay_until: float) -> None:
        """`work(item)` off the request path, in the answer pool (drained at a stop)."""
        self.executor.submit(work, item)
        for delivery in item.delivery_ids:      # accepted: from now on a retry is a duplicate
            self.ctx.stores.deliveries.done(CHANNEL, delivery, replay_until)

    def _submit(self, inbound: Inbound, in_group: bool, found: list[Mention],
                replay_until: float) -> None:
        self._run(lambda item: self._answer(item, in_group, found), inbound, replay_until)

    def wait_idle(self, timeout: float | None = None) -> bool:
        """Block until every accepted event is answered (tests; a stop drains the pool)."""
        return self.executor.drain(timeout)

    # -- answering (worker thread) -------------------------------------------------------------
    def _answer(self, inbound: Inbound, in_group: bool, found: list[Mention]) -> None:
        msg = inbound.message
        try:
            if in_group and not addressed_to_bot(found, self._bot_open_id()):
                return
            answer = self.dispatcher.answer(msg, self.max_reply_bytes)
            if answer.silent:
                return
            self._deliver(inbound, answer)
        except Exception:
            log.exception("could not answer Feishu message %s from %s",
                          inbound.reply_to, msg.user_id)

    def _bot_open_id(self) -> str:
        """Configured, or asked from Feishu once per process (workers share the answer)."""
        with self._id_lock:
            if not self.bot_open_id:
                try:
                    self.bot_open_id = self.api.bot_open_id()
                except FeishuApiError as exc:
                    log.warning("bot open_id unknown (%s); any @-mention counts", exc)
            return self.bot_open_id

    def _deliver(self, inbound: Inbound, answer: Answer) -> None:
        """Reply in the chat. When Feishu cannot take it now (rate limit, server error,
        network: `FeishuApi` wraps them all, after its own retries), the answer goes to
        the outbox and is sent as a message later."""
        try:
            self._reply(inbound.reply_to, answer)
        except FeishuApiError as exc:
            if exc.retryable:
                self._later(inbound, answer.page.text, f"code={exc.code}")
            else:
                log.error("Feishu reply to %s failed: code=%s msg=%s", inbound.reply_to,
                          exc.code, exc.msg)

    def _reply(self, message_id: str, answer: Answer) -> None:
        """As a card, or as text; a card Feishu refuses is sent again as text."""
        page = answer.page
        if page.cut:
            self.api.reply(message_id, "text", {"text": page.text})
            return
        msg_type, content = render(answer.reply)
        try:
            self.api.reply(message_id, msg_type, content)
        except FeishuApiError as exc:
            if exc.retryable or msg_type == "text":
                raise
            log.warning("card refused (code=%s msg=%s); sending text", exc.code, exc.msg)
            self.api.reply(message_id, "text", {"text": page.text})

    def _later(self, inbound: Inbound, text: str, why: str) -> None:
        if self.on_failed_reply is None:
            log.error("Feishu reply to %s failed (%s) and this bot cannot push: the answer "
                      "is lost", inbound.reply_to, why)
            return
        try:
            self.on_failed_reply(inbound.message, inbound.delivery_ids[0], text)
            log.warning("Feishu reply to %s failed (%s); the answer is sent later as a message",
                        inbound.reply_to, why)
        except StoreUnavailable:
            log.error("Feishu reply to %s failed (%s) and Redis is not answering: the answer "
                      "is lost", inbound.reply_to, why)


def _created_or_now(payload: dict[str, Any], now: float) -> float:
    try:
        return created_at(payload)
    except BadEvent:
        return now


def _json_object(raw: bytes) -> dict[str, Any]:
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):   # deep nesting: RecursionError
        abort(400, "body is not JSON")
    if not isinstance(data, dict):
        abort(400, "body is not a JSON object")
    return data
