"""A notice as its student will see it, for `push run --dry-run`: the text, or a WeChat
template or subscribe message field by field, or a Feishu card's title and body."""
from __future__ import annotations

from ..records import Notice
from ..settings import PushSettings
from .wechat.transport import render


def preview(notice: Notice, push: PushSettings) -> str:
    if notice.channel == "wechat":
        return render(notice, push.wechat).describe()
    return f"（卡片）{notice.title}\n{notice.text().removeprefix(notice.title).lstrip()}"
