"""Notices to Feishu as an interactive card to the student's open_id.

`FeishuApi` handles the token and retries rate limits itself; what reaches this module
is the final answer: sent, worth retrying later, or never (the bot is gone for them).
"""
from __future__ import annotations

import requests

from ...delivery.transport import Outcome, Status
from ...records import Notice
from .api import FeishuApi, FeishuApiError
from .cards import notice_card

# Feishu: the bot is not visible to / was removed by the user; pushing again is pointless.
STOP_CODES = (230013, 230027, 99991672)


class FeishuTransport:
    channel = "feishu"

    def __init__(self, api: FeishuApi) -> None:
        self.api = api

    def deliver(self, notice: Notice) -> Outcome:
        try:
            self.api.send(notice.user_id, "interactive", notice_card(notice),
                          receive_id_type="open_id")
        except FeishuApiError as exc:
            if exc.retryable:
                return Outcome(Status.RETRY, str(exc.code))
            return Outcome(Status.DROP, str(exc.code), stop_student=exc.code in STOP_CODES)
        except requests.RequestException:
            return Outcome(Status.RETRY, "network")
        return Outcome(Status.SENT)
