"""绑定 <学号> <姓名>: link this chat to the student's roster record."""
from __future__ import annotations

from ..context import BotContext
from ..message import Message, Reply
from ..students.binding import bind, parse, wait_text
from ..students.profiles import describe
from .args import command_rest, looks_like_question

PREFIXES = ("绑定", "绑定学号", "学号绑定", "绑定学籍")
USAGE = "请发送“绑定 学号 姓名”，例如：绑定 2022012345 张三"
CHANNEL_NAMES = {"wechat": "微信", "feishu": "飞书"}


class BindHandler:
    name = "bind"

    def match(self, msg: Message, ctx: BotContext) -> str | None:
        rest = command_rest(msg, PREFIXES)
        if rest is None or looks_like_question(rest):    # 绑定学号有什么用: the FAQ's
            return None
        return rest

    def handle(self, msg: Message, ctx: BotContext, found: str) -> Reply:
        parsed = parse(found)
        if parsed is None:
            return Reply(USAGE, private=True)
        number, name = parsed
        result = bind(ctx, msg.student, number, name)
        here = CHANNEL_NAMES.get(msg.channel, "这个账号")
        if result.outcome == "wait":
            return Reply(f"尝试次数太多了，请 {wait_text(result.wait_seconds)}后再试。如果确认学号和"
                         "姓名都没错，请联系就业指导中心老师核对名单。", private=True)
        if result.outcome == "mismatch":
            return Reply("学号和姓名对不上，请检查后重新发送。\n" + USAGE +
                         "\n如果确认无误，可能名单里还没有您，请联系就业指导中心老师。", private=True)
        if result.outcome == "other":
            return Reply(f"这个{here}已经绑定了另一个学号。如需更换，请先发送“删除我的信息”，"
                         "再重新绑定。", private=True)
        record = result.record
        assert record is not None
        if result.outcome == "same":
            return Reply(f"您已经绑定过了，{record.name}同学。发送“我的信息”查看。", private=True)
        lines = [f"绑定成功，{record.name}同学！"]
        if result.outcome == "joined":
            lines.append(f"您在微信和飞书上是同一个人：订阅、推送设置和求职意向都是共用的，"
                         f"刚才在{here}上的订阅和提醒也已合并。")
        lines += describe(None, record)[1:]
        lines.append("我会按您的求职意向推送合适的岗位：发送“我的信息”查看或修改意向，"
                     "“推荐”看看现在适合您的岗位，“删除我的信息”可随时删除。")
        return Reply("\n".join(lines), private=True)


handler = BindHandler()
