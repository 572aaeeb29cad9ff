"""Notices to Feishu as an interactive card to the student's open_id.

`FeishuApi` handles the token and retries rate limits itself; what reaches this module
is the final answer: sent, worth retrying later, or never (the bot is gone for them).
"""
from __future__ import annotations

from typing import Any

import requests

from ..platforms.feishu_api import FeishuApi, FeishuApiError
from .notice import Notice
from .transport import DROP, RETRY, SENT, Outcome

# Feishu: the bot is not visible to / was removed by the user; pushing again is pointless.
STOP_CODES = (230013, 230027, 99991672)


def card(notice: Notice) -> dict[str, Any]:
    body = notice.summary + (f"\n\n{notice.reason}" if notice.reason and notice.kind != "digest" else "")
    elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "lark_md", "content": body}}]
    if notice.url:
        elements.append({"tag": "action", "actions": [{
            "tag": "button", "type": "primary", "url": notice.url,
            "text": {"tag": "plain_text", "content": "查看详情"}}]})
    if notice.footer:
        elements.append({"tag": "note", "elements": [{"tag": "plain_text", "content": notice.footer}]})
    return {"config": {"wide_screen_mode": True},
            "header": {"template": "blue", "title": {"tag": "plain_text", "content": notice.title}},
            "elements": elements}


class FeishuTransport:
    channel = "feishu"

    def __init__(self, api: FeishuApi) -> None:
        self.api = api

    def deliver(self, notice: Notice) -> Outcome:
        try:
            self.api.send(notice.user_id, "interactive", card(notice), receive_id_type="open_id")
        except FeishuApiError as exc:
            if exc.retryable:
                return Outcome(RETRY, str(exc.code))
            return Outcome(DROP, str(exc.code), stop_student=exc.code in STOP_CODES)
        except requests.RequestException:
            return Outcome(RETRY, "network")
        return Outcome(SENT)
