"""Notices to Feishu as an interactive card to the student's open_id (an answer the reply
API would not take goes as the text it was).

`FeishuApi` handles the token and retries rate limits itself; what reaches this module
is the final answer: sent, worth retrying later, or never (the bot is gone for them).
"""
from __future__ import annotations

import logging

import requests

from ...delivery.transport import Outcome, Status
from ...records import Notice
from ...store import TicketStore
from .api import FeishuApi, FeishuApiError
from .cards import notice_card, ticket_card

log = logging.getLogger(__name__)

# Feishu: the bot is not visible to / was removed by the user; pushing again is pointless.
STOP_CODES = (230013, 230027, 99991672)


class FeishuTransport:
    channel = "feishu"

    def __init__(self, api: FeishuApi, tickets: TicketStore | None = None) -> None:
        self.api, self.tickets = api, tickets

    def deliver(self, notice: Notice) -> Outcome:
        """A card to the student's open_id; a ticket's card to the staff group's chat_id,
        remembering the card so a reply in its thread finds the ticket."""
        try:
            if notice.kind == "handoff":
                self._staff_card(notice)
            elif notice.kind == "answer":      # a reply Feishu would not take: as it was
                self.api.send(notice.user_id, "text", {"text": notice.text()},
                              receive_id_type="open_id")
            else:
                self.api.send(notice.user_id, "interactive", notice_card(notice),
                              receive_id_type="open_id")
        except FeishuApiError as exc:
            if exc.retryable:
                return Outcome(Status.RETRY, str(exc.code))
            stop = exc.code in STOP_CODES and notice.kind != "handoff"
            return Outcome(Status.DROP, str(exc.code), stop_student=stop)
        except requests.RequestException:
            return Outcome(Status.RETRY, "network")
        return Outcome(Status.SENT)

    def _staff_card(self, notice: Notice) -> None:
        """The ticket card; if Feishu refuses the card itself, the same words as text (a
        reply in its thread still reaches the ticket)."""
        try:
            data = self.api.send(notice.user_id, "interactive", ticket_card(notice),
                                 receive_id_type="chat_id")
        except FeishuApiError as exc:
            if exc.retryable:
                raise
            log.warning("staff card refused (code=%s msg=%s); sending text", exc.code, exc.msg)
            data = self.api.send(notice.user_id, "text", {"text": notice.text()},
                                 receive_id_type="chat_id")
        message_id = (data.get("data") or {}).get("message_id")
        if self.tickets is not None and message_id and notice.ref.isdigit():
            self.tickets.set_card(int(notice.ref), message_id)
