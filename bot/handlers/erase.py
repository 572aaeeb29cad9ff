"""删除我的信息: erase everything personal the bot keeps, after a confirmation."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from ..students.erase import erase_chat
from .base import command

WORDS = {"删除我的信息", "删除信息", "删除个人信息", "删除我的数据", "注销", "清除我的信息",
         "删除我的资料", "解除绑定", "解绑"}
CONFIRM = {"确认删除", "确定删除", "确认"}
KIND = "erase"
ASK = ("确定要删除吗？将删除机器人保存的您的全部个人信息：学号绑定（微信和飞书都会解除）、"
       "学校导入的您的名单信息、求职意向、订阅、推送设置、招聘会提醒、待发送的推送、"
       "和老师的对话工单。删除后无法恢复，岗位推送也会停止。\n"
       "确认请回复“确认删除”；不删除的话不用理会这条消息。")
DONE = ("已删除您的全部个人信息，也不会再给您推送。以后想用的话，重新发送“绑定 学号 姓名”"
        "或“订阅 关键词”即可。")


class EraseHandler:
    name = "erase"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        text = command(msg).replace(" ", "")
        if text in WORDS:
            return "ask"
        if text in CONFIRM:
            state = ctx.stores.conversation.dialog(msg.student)
            if state and state.get("kind") == KIND:
                return "do"
        return None

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        if found == "ask":
            ctx.stores.conversation.set_dialog(msg.student, {"kind": KIND})
            return Reply(ASK)
        erase_chat(ctx, msg.student)
        return Reply(DONE, private=True)


handler = EraseHandler()
