"""Reading one WeChat push: safe XML, the plain `Message`, and the id its retries share.

Everything here refuses rather than guesses: XML with a DTD or entities, broken UTF-8,
and a field the bot reads that is doubled or has elements inside (which wechatpy would
hand on as a list or a dict) all raise `abort(400)` before any handler sees them.

Each XML document is parsed once, by defusedxml (the entity and DTD protection), into
the same dict xmltodict would give; wechatpy's crypto and message classes are handed
that dict, so they never parse the body a second time (a profile found the body parsed
twice per message, four times when encrypted).
"""
from __future__ import annotations

from typing import Any

from defusedxml import ElementTree as SafeET
from flask import abort
from wechatpy.events import EVENT_TYPES
from wechatpy.messages import MESSAGE_TYPES, UnknownMessage

from ...message import Message

CHANNEL = "wechat"
MEDIA_KINDS = {"image", "voice", "video", "shortvideo", "location", "link", "file"}
# Fields the bot reads: each must appear at most once and hold text only.
TEXT_FIELDS = ("ToUserName", "FromUserName", "CreateTime", "MsgType", "Content", "MsgId",
               "Event", "EventKey", "Recognition", "Encrypt", "MsgSignature", "TimeStamp", "Nonce")


def _value(elem) -> Any:
    """One element as xmltodict gives it (its defaults): stripped text or None, a dict of
    children (a repeated child becomes a list), attributes as "@name", mixed text as "#text"."""
    out: dict[str, Any] = {f"@{k}": v for k, v in elem.attrib.items()}
    text = [elem.text or ""]
    for child in elem:
        value = _value(child)
        if child.tag in out:
            prior = out[child.tag]
            out[child.tag] = prior + [value] if isinstance(prior, list) else [prior, value]
        else:
            out[child.tag] = value
        text.append(child.tail or "")
    data = "".join(text).strip() or None
    if not out:
        return data
    if data is not None:
        out["#text"] = data
    return out


def read_xml(body: bytes) -> dict[str, Any]:
    """The document under <xml> as a dict, once it is known to be flat where the bot reads
    it, entity-free, well-formed XML; 400 otherwise (also for another root or no fields)."""
    if not body.strip():
        abort(400, "empty body")
    try:
        root = SafeET.fromstring(body.decode("utf-8"), forbid_dtd=True, forbid_entities=True,
                                 forbid_external=True)
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
    fields = _value(root)
    if root.tag != "xml" or not isinstance(fields, dict):
        abort(400, "not a WeChat message")
    return fields


def message_object(fields: dict[str, Any]):
    """wechatpy's message or event object for `fields`: `wechatpy.parse_message` without
    its own XML parse (the same type dispatch, on a copy of the dict)."""
    message = dict(fields)
    message_type = message["MsgType"].lower()
    if message_type != "event" and not message_type.startswith("device_"):
        return MESSAGE_TYPES.get(message_type, UnknownMessage)(message)
    event_type = message["Event"].lower() if "Event" in message else None
    if event_type is None and message_type.startswith("device_"):
        event_type = message_type
    elif message_type.startswith("device_"):
        event_type = f"device_{event_type}"
    if event_type == "subscribe" and message.get("EventKey"):
        event_key = message["EventKey"]
        if event_key.startswith(("scanbarcode|", "scanimage|")):
            event_type = message["Event"] = "subscribe_scan_product"
        elif event_key.startswith("qrscene_"):
            event_type = message["Event"] = "subscribe_scan"
            message["EventKey"] = event_key[len("qrscene_"):]
    return EVENT_TYPES.get(event_type, UnknownMessage)(message)


def parse(fields: dict[str, Any]):
    """wechatpy's message object, or 400 for XML that is not a WeChat message."""
    try:
        parsed = message_object(fields)
        msg = to_message(parsed)
        delivery = delivery_id(parsed)
    except Exception:  # KeyError/ValueError/AttributeError/… on odd but well-formed XML
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
