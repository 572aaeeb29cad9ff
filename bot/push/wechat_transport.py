"""Notices to WeChat: customer-service text or a template message, by configuration.

Error codes, as the issue asks: 43004/43101 (unfollowed, refused) stop pushes to the
student; 45015 (outside the 48-hour window) is held until the student writes; 45009,
-1 and network errors are retried with back-off; 40001/42001 are handled by the API
client (refresh once). Anything else is a permanent failure, recorded with its code.
"""
from __future__ import annotations

from ..config import Config
from ..platforms.wechat_api import WeChatApi, WeChatApiError, WeChatNetworkError
from .notice import Notice
from .transport import DROP, HOLD, RETRY, SENT, Outcome

STOP = (43004, 43101)
HOLD_CODES = (45015, 45047)
RETRY_CODES = (45009, -1, 45011)


class WeChatTransport:
    channel = "wechat"

    def __init__(self, api: WeChatApi, config: Config) -> None:
        self.api = api
        self.mode = str(config.get("push.wechat.mode", "custom"))
        self.template = config.get("push.wechat.template", {}) or {}

    def deliver(self, notice: Notice) -> Outcome:
        try:
            if self.mode == "template" and notice.kind != "answer":
                self._template(notice)
            else:
                self.api.send_text(notice.user_id, notice.text())
        except WeChatApiError as exc:
            code = exc.errcode
            if code in STOP:
                return Outcome(DROP, str(code), stop_student=True)
            if code in HOLD_CODES:
                return Outcome(HOLD, str(code))
            if code in RETRY_CODES or code in (40001, 42001):
                return Outcome(RETRY, str(code))
            return Outcome(DROP, str(code))
        except WeChatNetworkError:
            return Outcome(RETRY, "network")
        return Outcome(SENT)

    def _template(self, notice: Notice) -> None:
        template_id = self.template.get(f"{notice.kind}_id") or ""
        if not template_id:
            raise WeChatApiError(40037, f"no template id configured for {notice.kind}")
        parts = {"title": notice.title, "summary": notice.summary, "time": notice.time,
                 "reason": notice.reason, "footer": notice.footer}
        fields = self.template.get("fields") or {}
        data = {name: parts.get(part, "") for name, part in fields.items()}
        self.api.send_template(notice.user_id, template_id, data, notice.url)
