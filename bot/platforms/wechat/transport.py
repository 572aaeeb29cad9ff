"""Notices to WeChat: customer-service text or a template message, by configuration.

Error codes: 43004/43101 (unfollowed, refused) stop pushes to the student; 45015
(outside the 48-hour window) is held until the student writes; 45009, -1 and network
errors are retried with back-off; 40001/42001 are handled by the API client (refresh
once). Anything else is a permanent failure, recorded with its code.
"""
from __future__ import annotations

from ...delivery.transport import Outcome, Status
from ...records import Notice
from ...settings import WeChatPushSettings
from .api import WeChatApi, WeChatApiError, WeChatNetworkError

STOP = (43004, 43101)
HOLD_CODES = (45015, 45047)
FIELD_LIMIT = 20        # WeChat shows at most 20 characters of a template field (since 2023)
RETRY_CODES = (45009, -1, 45011, 40001, 42001)


class WeChatTransport:
    channel = "wechat"

    def __init__(self, api: WeChatApi, settings: WeChatPushSettings) -> None:
        self.api, self.settings = api, settings

    def deliver(self, notice: Notice) -> Outcome:
        try:
            if self._as_template(notice):
                self._template(notice)
            else:
                self.api.send_text(notice.user_id, notice.text())
        except WeChatApiError as exc:
            code = exc.errcode
            if code in STOP:
                return Outcome(Status.DROP, str(code), stop_student=True)
            if code in HOLD_CODES:
                return Outcome(Status.HOLD, str(code))
            if code in RETRY_CODES:
                return Outcome(Status.RETRY, str(code))
            return Outcome(Status.DROP, str(code))
        except WeChatNetworkError:
            return Outcome(Status.RETRY, "network")
        return Outcome(Status.SENT)

    def _as_template(self, notice: Notice) -> bool:
        """Template mode for pushes (not answers or staff replies: those are a conversation);
        a broadcast with no template of its own goes as text."""
        if self.settings.mode != "template" or notice.kind not in ("digest", "reminder", "broadcast"):
            return False
        return notice.kind != "broadcast" or bool(self.settings.template.broadcast_id)

    def _template(self, notice: Notice) -> None:
        template = self.settings.template
        template_id = getattr(template, f"{notice.kind}_id", "")
        if not template_id:
            raise WeChatApiError(40037, f"no template id configured for {notice.kind}")
        parts = {"title": notice.title, "summary": notice.summary, "time": notice.time,
                 "reason": notice.reason, "footer": notice.footer}
        data = {name: _field(parts.get(part, "")) for name, part in template.fields.items()}
        self.api.send_template(notice.user_id, template_id, data, notice.url)


def _field(value: str) -> str:
    """One template field within WeChat's 20 characters; the details are behind the link."""
    value = " ".join(value.split())
    return value if len(value) <= FIELD_LIMIT else value[:FIELD_LIMIT - 1] + "…"
