"""Reading one WeChat push: safe XML, the plain `Message`, and the id its retries share.

Everything here refuses rather than guesses: XML with a DTD or entities, broken UTF-8,
and a field the bot reads that is doubled or has elements inside (which wechatpy would
hand on as a list or a dict) all raise `abort(400)` before any handler sees them.
"""
from __future__ import annotations

from defusedxml import ElementTree as SafeET
from flask import abort
from wechatpy import parse_message

from ...message import Message

CHANNEL = "wechat"
MEDIA_KINDS = {"image", "voice", "video", "shortvideo", "location", "link", "file"}
# Fields the bot reads: each must appear at most once and hold text only.
TEXT_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId",
               "Event", "EventKey", "Recognition", "Encrypt", "MsgSignature", "TimeStamp", "Nonce")


def safe_xml(body: bytes) -> str:
    """The body as text, once it is known to be flat, entity-free, well-formed XML."""
    if not body.strip():
        abort(400, "empty body")
    try:
        text = body.decode("utf-8")
        root = SafeET.fromstring(text, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except Exception:  # defusedxml raises ParseError and its own DefusedXmlException kinds
        abort(400, "malformed or unsafe XML")
    seen: set[str] = set()
    for child in root:
        if child.tag not in TEXT_FIELDS:
            continue
        if child.tag in seen:
            abort(400, f"<{child.tag}> appears twice")
        if len(child):
            abort(400, f"<{child.tag}> holds elements instead of text")
        seen.add(child.tag)
    return text


def parse(xml: str):
    """wechatpy's message object, or 400 for XML that is not a WeChat message."""
    try:
        parsed = parse_message(xml)
        msg = to_message(parsed)
        delivery = delivery_id(parsed)
    except Exception:  # wechatpy raises KeyError/ValueError/… on odd but well-formed XML
        abort(400, "not a WeChat message")
    if not msg.user_id or not parsed.target:
        abort(400, "message without FromUserName or ToUserName")
    return parsed, msg, delivery


def _event(parsed) -> str | None:
    """The event name, also for events wechatpy 1.8 does not know (订阅通知 and newer)."""
    if parsed.type == "event":
        return parsed.event
    raw = getattr(parsed, "_data", {}) or {}
    if str(raw.get("MsgType", "")).lower() == "event":
        return str(raw.get("Event") or "unknown").lower()
    return None


def delivery_id(parsed) -> str:
    """MsgId for messages; events have none, so sender, time, event and its key identify
    them (two menu clicks in one second are two deliveries, not a retry)."""
    if getattr(parsed, "id", None):
        return f"msg:{parsed.id}"
    base = f"evt:{parsed.source}:{parsed.time}:{_event(parsed) or ''}"
    key = getattr(parsed, "key", None)
    return f"{base}:{key}" if key else base


def to_message(parsed) -> Message:
    kind = parsed.type
    base = dict(channel=CHANNEL, user_id=parsed.source, msg_id=str(getattr(parsed, "id", "") or ""))
    if kind == "text":
        return Message(text=parsed.content or "", **base)
    if kind == "voice" and getattr(parsed, "recognition", None):
        return Message(text=parsed.recognition, **base)
    event = _event(parsed)
    if event is not None:
        return Message(kind="event", event=event, event_key=getattr(parsed, "key", None), **base)
    return Message(kind=kind if kind in MEDIA_KINDS else "unknown", **base)
