"""Notices to WeChat: customer-service text, a template message or a subscribe message.

Which one is `push.wechat.mode`. A kind of notice with no template id configured, and a
late answer always, goes as customer-service text. Template and subscribe fields follow
WeChat's rules since 2023 (`fields`): one short line each, the details behind the link.

Error codes: 43004/43101 (unfollowed, refused) stop pushes to the student, except 43101
to a subscribe message, which only means this student holds no subscription for that
template (never given, or a one-time one used up): that notice is dropped, the student
stays. 45015 (outside the 48-hour window) is held until the student writes; 45009, -1
and network errors are retried with back-off; 40001/42001 are handled by the API client
(refresh once). Anything else (47003: a field WeChat refuses; 40037: a wrong template
id) is a permanent failure, recorded with its code.
"""
from __future__ import annotations

from dataclasses import dataclass, field, fields as dataclass_fields

from ...delivery.transport import Outcome, Status
from ...records import Notice
from ...settings import WeChatPushSettings
from .api import WeChatApi, WeChatApiError, WeChatNetworkError
from .fields import template_data

STOP = (43004, 43101)
HOLD_CODES = (45015, 45047)
RETRY_CODES = (45009, -1, 45011, 40001, 42001)
NOT_SUBSCRIBED = 43101          # to a subscribe message
HOW_NAMES = {"template": "模板消息", "subscribe": "订阅通知"}


@dataclass(frozen=True)
class Rendered:
    """What one notice becomes on WeChat: a text, or a template/subscribe message."""

    how: str                                   # "text", "template" or "subscribe"
    text: str = ""
    template_id: str = ""
    data: dict[str, dict[str, str]] = field(default_factory=dict)
    url: str = ""

    def describe(self) -> str:
        """What the student will see, for `push run --dry-run`."""
        if self.how == "text":
            return self.text
        lines = [f"（{HOW_NAMES[self.how]}，模板 {self.template_id}）"]
        lines += [f"{key}：{value['value']}" for key, value in self.data.items()]
        if self.url:
            lines.append(f"点开：{self.url}")
        return "\n".join(lines)


def render(notice: Notice, settings: WeChatPushSettings) -> Rendered:
    templates = {"template": settings.template, "subscribe": settings.subscribe}.get(settings.mode)
    kinds = {f.name for f in dataclass_fields(templates)} if templates is not None else set()
    spec = getattr(templates, notice.kind) if notice.kind in kinds else None
    if spec is None or not spec.id:
        return Rendered("text", text=notice.text())
    return Rendered(settings.mode, template_id=spec.id, data=template_data(spec.fields, notice),
                    url=notice.url)


class WeChatTransport:
    channel = "wechat"

    def __init__(self, api: WeChatApi, settings: WeChatPushSettings) -> None:
        self.api, self.settings = api, settings

    def deliver(self, notice: Notice) -> Outcome:
        out = render(notice, self.settings)
        try:
            if out.how == "template":
                self.api.send_template(notice.user_id, out.template_id, out.data, out.url)
            elif out.how == "subscribe":
                self.api.send_subscribe(notice.user_id, out.template_id, out.data, out.url)
            else:
                self.api.send_text(notice.user_id, out.text)
        except WeChatApiError as exc:
            code = exc.errcode
            if code == NOT_SUBSCRIBED and out.how == "subscribe":
                return Outcome(Status.DROP, "not_subscribed")
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
