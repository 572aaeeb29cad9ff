"""An in-process tester for command behaviour, in the spirit of WeRoBot's WeTest.

`BotTester(ctx).send("订阅 Java")` runs the text through the same dispatcher the
channels use and returns what the student would read (cut to WeChat's size), without
signatures or HTTP: channel behaviour is tested through real payloads elsewhere.
"""
from __future__ import annotations

from bot.context import BotContext
from bot.dispatcher import Dispatcher
from bot.message import Message
from bot.records import StudentKey


class BotTester:
    def __init__(self, ctx: BotContext, channel: str = "wechat", user: str = "oStudent1") -> None:
        self.ctx, self.channel, self.user = ctx, channel, user
        self.dispatcher = Dispatcher(ctx)
        self.max_bytes = (ctx.settings.channels.wechat.max_reply_bytes if channel == "wechat"
                          else ctx.settings.channels.feishu.max_reply_bytes)

    @property
    def student(self) -> StudentKey:
        return StudentKey(self.channel, self.user)

    def as_user(self, user: str) -> "BotTester":
        return BotTester(self.ctx, self.channel, user)

    def send(self, text: str) -> str:
        """What the student reads after sending `text`."""
        return self._run(Message(self.channel, self.user, text))

    def ask(self, text: str, user: str | None = None) -> str:
        """`send`, as `user` when given (the same call shape as the WeChat test client)."""
        return (self.as_user(user) if user else self).send(text)

    def event(self, event: str, key: str | None = None) -> str:
        """What the student reads after a platform event (follow, menu click, …)."""
        return self._run(Message(self.channel, self.user, kind="event", event=event, event_key=key))

    def _run(self, msg: Message) -> str:
        return self.dispatcher.answer(msg, self.max_bytes).text
