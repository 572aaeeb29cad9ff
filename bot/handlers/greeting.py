"""Greetings, thanks and lone emoji: a message that is only courtesy gets a courteous answer."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import strip_polite
from ..text import only_emoji
from .base import command

THANKS = ("谢谢", "多谢", "感谢", "thanks", "thx", "好的", "ok", "收到", "明白了", "懂了")
SMALL_TALK = {"在吗", "在不在", "有人吗", "嗨", "哈喽", "hello", "hi", "您好", "你好", "老师好",
              "好的", "ok", "收到", "明白了", "懂了", "嗯", "嗯嗯", "哦", "哦哦"}


class GreetingHandler:
    name = "greeting"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        if msg.kind == "text" and msg.text.strip() and only_emoji(msg.text):
            return "emoji"              # 👍, [强], 😂😂: a reaction, not a question
        text = command(msg)
        if not text:
            return None
        compact = text.replace(" ", "")
        if compact in SMALL_TALK or not strip_polite(text):
            return "thanks" if any(t in compact for t in THANKS) else "hello"
        return None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        if found == "emoji":
            return Reply("收到～有问题随时问我，例如“三方协议丢了怎么办”，或发送“帮助”看看我能做什么。")
        if found == "thanks":
            return Reply("不客气！还有其他问题随时问我。")
        return Reply("您好！我是就业助手，就业手续、政策、招聘信息都可以问我，"
                     "例如“三方协议怎么签”。发送“帮助”查看我能做的事。")


handler = GreetingHandler()
