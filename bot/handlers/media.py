"""Pictures, voice, files…: say kindly what the bot can read."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply

NAMES = {"image": "图片", "voice": "语音", "video": "视频", "shortvideo": "视频",
         "location": "位置", "link": "链接", "file": "文件", "sticker": "表情",
         "audio": "语音", "media": "文件"}


class MediaHandler:
    name = "media"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        return msg.kind if msg.kind not in ("text", "event") else None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        what = NAMES.get(found, "这类消息")
        return Reply(f"收到您的{what}啦，不过我目前只看得懂文字。"
                     "请直接打字提问，例如“三方协议丢了怎么办”，或发送“帮助”看看我能做什么。")


handler = MediaHandler()
