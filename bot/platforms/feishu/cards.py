"""Rendering for Feishu: replies and push notices as interactive cards, else text.

Replies use a card for two shapes: numbered choices ("您是不是想问"), where each choice
becomes a button that acts like typing its digit, and answers with links, where each
link becomes a button. Everything else is a plain text message, which Feishu shows
more compactly. Notices are always a card with a title and a "查看详情" button. Texts go
in as `plain_text`, so nothing in a KB answer or a job title is read as markdown.
"""
from __future__ import annotations

from typing import Any

from ...message import Reply
from ...records import Notice

CHOICE_KEY = "choice"          # the button value key a card callback carries back
TICKET_KEY = "ticket"          # …on a ticket card: the ticket id (and "op": reply | close)
REPLY_FIELD = "reply"          # the ticket card's text box


def render(reply: Reply) -> tuple[str, dict[str, Any]]:
    """(msg_type, content) for the send/reply API."""
    if reply.items:
        return "interactive", choices_card(reply)
    if reply.links:
        return "interactive", links_card(reply)
    return "text", {"text": reply.as_text()}


def _div(text: str) -> dict[str, Any]:
    return {"tag": "div", "text": {"tag": "plain_text", "content": text}}


def _note(text: str) -> dict[str, Any]:
    return {"tag": "note", "elements": [{"tag": "plain_text", "content": text}]}


def _button(label: str, **extra: Any) -> dict[str, Any]:
    return {"tag": "button", "text": {"tag": "plain_text", "content": label}, **extra}


def choices_card(reply: Reply) -> dict[str, Any]:
    """One button per choice, one per row so long questions stay readable.

    Pressing button n does what typing n does, so the reply's own footer
    ("回复数字…") stays true and is kept.
    """
    elements: list[dict[str, Any]] = [_div(reply.text)] if reply.text else []
    for n, item in enumerate(reply.items, 1):
        elements.append({"tag": "action", "actions": [
            _button(f"{n}. {item}", type="default", value={CHOICE_KEY: str(n)})]})
    if reply.links:
        elements.append(_links_action(reply))
    if reply.footer:
        elements.append(_note(reply.footer))
    return {"config": {"wide_screen_mode": True, "update_multi": False}, "elements": elements}


def links_card(reply: Reply) -> dict[str, Any]:
    elements: list[dict[str, Any]] = [_div(reply.text)] if reply.text else []
    elements.append(_links_action(reply))
    if reply.footer:
        elements.append(_note(reply.footer))
    return {"config": {"wide_screen_mode": True}, "elements": elements}


def _links_action(reply: Reply) -> dict[str, Any]:
    return {"tag": "action", "layout": "flow", "actions": [
        _button(link.title, type="primary", url=link.url) for link in reply.links]}


def notice_card(notice: Notice) -> dict[str, Any]:
    """A job digest or fair reminder: title in the header, body, details button, footer."""
    reason = notice.reason if notice.reason and notice.kind != "digest" else ""
    elements: list[dict[str, Any]] = [_div(notice.summary + (f"\n\n{reason}" if reason else ""))]
    if notice.url:
        elements.append({"tag": "action", "actions": [
            _button("查看详情", type="primary", url=notice.url)]})
    if notice.footer:
        elements.append(_note(notice.footer))
    return {"config": {"wide_screen_mode": True},
            "header": {"template": "blue", "title": {"tag": "plain_text", "content": notice.title}},
            "elements": elements}


def ticket_card(notice: Notice) -> dict[str, Any]:
    """The staff group's card for a ticket: what the student asked and who they are, a box
    to write the reply in, and a button to close it. Replying in the card's thread works
    too (the webhook maps the thread back to the ticket)."""
    ticket = notice.ref
    header_color = "red" if "重点帮扶" in notice.title else "orange"
    form = {"tag": "form", "name": f"ticket-{ticket}", "elements": [
        {"tag": "input", "name": REPLY_FIELD, "max_length": 1000,
         "placeholder": {"tag": "plain_text", "content": "写给学生的回复"}},
        _button("发送给学生", type="primary", action_type="form_submit",
                name=f"ticket-{ticket}-send", value={TICKET_KEY: ticket, "op": "reply"})]}
    close = {"tag": "action", "actions": [
        _button("关闭工单", type="default", value={TICKET_KEY: ticket, "op": "close"})]}
    return {"config": {"wide_screen_mode": True},
            "header": {"template": header_color,
                       "title": {"tag": "plain_text", "content": notice.title}},
            "elements": [_div(notice.summary), form, close, _note(notice.footer)]}
