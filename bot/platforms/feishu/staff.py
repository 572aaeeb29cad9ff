"""Staff answering tickets from Feishu: a reply in a ticket card's thread, or the card's
own reply box and close button. The staff member is told in the thread what became of
the reply (sent, kept for the student's next message, or failed).

Only messages in the staff group (`handoff.feishu_chat_id`) come here; there the bot
answers nothing else, so staff can talk among themselves. Feishu delivers a group
message to the bot only when it @-mentions the bot, unless the app has the "read all
group messages" permission (README: 转人工和工单).
"""
from __future__ import annotations

import logging
from typing import Any

from ...handoff.desk import StaffDesk
from .api import FeishuApi, FeishuApiError
from .events import Inbound, StaffAction

log = logging.getLogger(__name__)

CLOSE_WORDS = {"关闭", "关闭工单", "结束", "已处理", "close"}


class StaffReplies:
    def __init__(self, group: str, desk: StaffDesk | None, api: FeishuApi) -> None:
        self.group, self.desk, self.api = group, desk, api

    def in_staff_group(self, inbound: Inbound) -> bool:
        return bool(self.group) and inbound.chat_id == self.group

    @staticmethod
    def who(open_id: str) -> str:
        return f"飞书用户 {open_id}"

    def toast(self, action: StaffAction) -> dict[str, Any]:
        text = "正在发送给学生，结果会回复在卡片下方" if action.op == "reply" else "好的"
        return {"toast": {"type": "info", "content": text}}

    def thread_message(self, inbound: Inbound) -> None:
        """A staff message in a ticket card's thread is the reply to that student."""
        if self.desk is None or not inbound.thread:
            return
        ticket = self.desk.by_card(inbound.thread)
        if ticket is None:
            return
        staff = self.who(inbound.message.user_id)
        if inbound.message.text.strip().lower() in CLOSE_WORDS:
            self.desk.close(ticket.id, staff)
            self._tell(inbound.reply_to, f"工单 #{ticket.id} 已关闭。")
            return
        outcome = self.desk.reply(ticket.id, inbound.message.text, staff)
        self._tell(inbound.reply_to, f"工单 #{ticket.id}：{outcome.message}")

    def card_action(self, action: StaffAction) -> None:
        if self.desk is None:
            return
        ticket = self.desk.get(action.ticket)
        if ticket is None or (ticket.card_message_id
                              and ticket.card_message_id != action.card_message_id):
            return                      # only the ticket's own card acts on it
        staff = self.who(action.operator)
        if action.op == "close":
            ticket = self.desk.close(action.ticket, staff)
            if ticket is not None:
                self._tell(action.card_message_id, f"工单 #{ticket.id} 已关闭。")
            return
        if action.op == "reply":
            outcome = self.desk.reply(action.ticket, action.text, staff)
            said = f"\n回复内容：{action.text}" if action.text else ""
            self._tell(action.card_message_id, f"工单 #{action.ticket}：{outcome.message}{said}")

    def _tell(self, message_id: str, text: str) -> None:
        try:
            self.api.reply(message_id, "text", {"text": text})
        except FeishuApiError as exc:
            log.error("could not tell staff in thread %s: code=%s msg=%s", message_id,
                      exc.code, exc.msg)
