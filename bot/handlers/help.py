"""帮助: what the bot can do, in a few lines a student actually reads."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from .base import command

WORDS = {"帮助", "help", "菜单", "功能", "你能做什么", "你会什么", "怎么用", "使用说明", "?", "h"}

HELP_TEXT = (
    "我是就业助手，随时为您解答就业政策和手续问题。直接用一句话提问就行，例如：\n"
    "· 三方协议丢了怎么办\n"
    "· 档案怎么转\n"
    "· 选调生报名条件\n"
    "您还可以发送：\n"
    "· 订阅 Java 北京 —— 有合适的岗位时推送给您\n"
    "· 我的订阅 / 退订 1 —— 管理订阅\n"
    "· 查岗位 关键词 —— 搜索在招岗位\n"
    "· 招聘会 —— 近期招聘会和宣讲会，可设置提醒\n"
    "· 推送设置 —— 选择推送时间或暂停推送\n"
    "· 绑定 学号 姓名 —— 按学校登记的求职意向推送岗位（微信、飞书通用）\n"
    "· 我的信息 / 推荐 —— 查看修改求职意向；看看适合您的岗位\n"
    "· 人工 —— 请老师来回答；删除我的信息 —— 删除机器人保存的您的信息"
)


class HelpHandler:
    name = "help"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return command(msg).replace(" ", "") in WORDS or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        return Reply(HELP_TEXT)


handler = HelpHandler()
