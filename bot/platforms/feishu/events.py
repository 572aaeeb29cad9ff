"""Turning Feishu schema-2.0 event payloads (plain dicts) into the core's `Message`.

Shared by the webhook and the long connection, so both understand a message the same
way. Nothing here verifies anything: callers do that before. A payload that is not
what Feishu sends raises `BadEvent`, which the webhook answers with 400.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from ...message import Message
from .api import is_feishu_id
from .cards import CHOICE_KEY, REPLY_FIELD, TICKET_KEY

CHANNEL = "feishu"
MESSAGE_EVENT = "im.message.receive_v1"
CARD_EVENT = "card.action.trigger"
MEDIA_KINDS = {"image", "file", "sticker", "audio", "media", "location"}
_PLACEHOLDER = re.compile(r"@_user_\d+|@_all")


class BadEvent(ValueError):
    """Well-formed JSON that is not a Feishu event we can read."""


@dataclass(frozen=True)
class Inbound:
    """A message to answer: what the core sees, and where the answer goes."""

    message: Message
    reply_to: str            # the Feishu message_id the answer is threaded under
    delivery_ids: tuple[str, ...]   # every id a platform retry could repeat
    chat_id: str = ""        # the chat it was sent in (the staff group's replies are staff's)
    thread: str = ""         # the message it replies to, or its thread's first message


@dataclass(frozen=True)
class StaffAction:
    """A staff member pressed a button on a ticket card (reply with the typed text, close)."""

    ticket: str
    op: str                  # "reply" or "close"
    text: str
    operator: str            # the staff member's open_id
    card_message_id: str
    delivery_ids: tuple[str, ...]


def _obj(node: Any, name: str) -> dict[str, Any]:
    value = node.get(name) if isinstance(node, dict) else None
    if not isinstance(value, dict):
        raise BadEvent(f"missing object {name}")
    return value


def _str(node: dict[str, Any], name: str) -> str:
    value = node.get(name)
    if not isinstance(value, str) or not value:
        raise BadEvent(f"missing string {name}")
    return value


def _id(node: dict[str, Any], name: str) -> str:
    """An id that may go into an API call: Feishu's own shape only, never a path."""
    value = _str(node, name)
    if not is_feishu_id(value):
        raise BadEvent(f"{name} is not a Feishu id")
    return value


def created_at(payload: dict[str, Any]) -> float:
    """When Feishu created the event (header create_time, milliseconds), in seconds."""
    raw = header(payload).get("create_time")
    if not isinstance(raw, (str, int)) or not str(raw).isdigit() or len(str(raw)) > 15:
        raise BadEvent("header without a create_time")
    return int(raw) / 1000


def header(payload: dict[str, Any]) -> dict[str, Any]:
    """The schema-2.0 header; older schemas are refused (the app is set to 2.0)."""
    if payload.get("schema") != "2.0":
        raise BadEvent("not a schema 2.0 event")
    head = _obj(payload, "header")
    _id(head, "event_id")
    _str(head, "event_type")
    return head


@dataclass(frozen=True)
class Mention:
    key: str
    open_id: str


def mentions(message: dict[str, Any]) -> list[Mention]:
    found = []
    listed = message.get("mentions")
    for m in listed if isinstance(listed, list) else []:
        if isinstance(m, dict) and isinstance(m.get("key"), str):
            ident = m.get("id") if isinstance(m.get("id"), dict) else {}
            found.append(Mention(m["key"], str(ident.get("open_id") or "")))
    return found


def parse_message(payload: dict[str, Any]) -> tuple[Inbound, str, list[Mention]]:
    """The message, its chat type ("p2p" or "group") and its mentions."""
    head = header(payload)
    event = _obj(payload, "event")
    message = _obj(event, "message")
    sender = _obj(event, "sender")
    open_id = _id(_obj(sender, "sender_id"), "open_id")
    message_id = _id(message, "message_id")
    kind = _str(message, "message_type")
    chat_type = str(message.get("chat_type") or "p2p")
    base = dict(channel=CHANNEL, user_id=open_id, msg_id=message_id)
    if kind in ("text", "post"):
        text = _text_of(kind, _content(message))
        msg = Message(text=_PLACEHOLDER.sub(" ", text).strip(), **base)
    else:
        msg = Message(kind=kind if kind in MEDIA_KINDS else "unknown", **base)
    thread = message.get("root_id") or message.get("parent_id") or ""
    inbound = Inbound(msg, message_id, (f"evt:{head['event_id']}", f"msg:{message_id}"),
                      chat_id=str(message.get("chat_id") or ""), thread=str(thread))
    return inbound, chat_type, mentions(message)


def sender_is_app(payload: dict[str, Any]) -> bool:
    """Messages sent by bots (including this one) are never answered: no bot loops."""
    event = payload.get("event")
    sender = event.get("sender") if isinstance(event, dict) else None
    return isinstance(sender, dict) and sender.get("sender_type") == "app"


def parse_card_action(payload: dict[str, Any]) -> Inbound | StaffAction | None:
    """A choice button press, as if the student typed its digit; a ticket card's button
    (`StaffAction`); None for other buttons."""
    head = header(payload)
    event = _obj(payload, "event")
    open_id = _id(_obj(event, "operator"), "open_id")
    action = _obj(event, "action")
    context = _obj(event, "context")
    message_id = _id(context, "open_message_id")
    value = action.get("value")
    if isinstance(value, dict) and isinstance(value.get(TICKET_KEY), (str, int)):
        form = action.get("form_value") if isinstance(action.get("form_value"), dict) else {}
        typed = form.get(REPLY_FIELD) or action.get("input_value") or ""
        return StaffAction(str(value[TICKET_KEY]), str(value.get("op") or ""),
                           typed.strip() if isinstance(typed, str) else "", open_id, message_id,
                           (f"evt:{head['event_id']}",))
    choice = value.get(CHOICE_KEY) if isinstance(value, dict) else None
    if not isinstance(choice, str) or not choice.isdigit():
        return None
    msg = Message(channel=CHANNEL, user_id=open_id, text=choice)
    return Inbound(msg, message_id, (f"evt:{head['event_id']}",))


def _content(message: dict[str, Any]) -> Any:
    raw = message.get("content")
    if not isinstance(raw, str):
        raise BadEvent("message without content")
    try:
        return json.loads(raw)
    except ValueError:
        raise BadEvent("message content is not JSON") from None


def _text_of(kind: str, content: Any) -> str:
    if not isinstance(content, dict):
        raise BadEvent("message content is not an object")
    if kind == "text":
        text = content.get("text")
        return text if isinstance(text, str) else ""
    return post_text(content)


def post_text(content: dict[str, Any]) -> str:
    """Rich text: the title and every text run, paragraphs on their own lines.

    Received posts are `{title, content: [[runs]]}`; posts the client keeps per
    language (`{"zh_cn": {...}}`) are read from their first language.
    """
    if "content" not in content and content:
        first = next(iter(content.values()))
        content = first if isinstance(first, dict) else {}
    lines = [content["title"]] if isinstance(content.get("title"), str) and content["title"] else []
    paragraphs = content.get("content")
    for paragraph in paragraphs if isinstance(paragraphs, list) else []:
        if not isinstance(paragraph, list):
            continue
        runs = [run.get("text") for run in paragraph
                if isinstance(run, dict) and run.get("tag") in ("text", "a", "md")]
        line = "".join(r for r in runs if isinstance(r, str))
        if line.strip():
            lines.append(line)
    return "\n".join(lines)


def addressed_to_bot(found: list[Mention], bot_open_id: str) -> bool:
    """In a group the bot answers only when @-mentioned.

    Without a known bot open_id any @-mention counts: Feishu only delivers group
    messages that mention the bot unless the app was given the wider
    "read all group messages" permission.
    """
    if not bot_open_id:
        return bool(found)
    return any(m.open_id == bot_open_id for m in found)
