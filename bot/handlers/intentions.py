"""我的信息 / 意向: the student's profile, and a short numbered dialog to change it.

The dialog asks for cities or regions, industries, job keywords and degree, one at a
time; "跳过" keeps a value, "不限" clears it, "退出" leaves at any step and what was
saved so far stays. Its state lives in the conversation store, so any process can take
the next answer. Nothing a student types is kept before they said yes to keeping it.
A question typed in the middle goes to the FAQ and the dialog waits.
"""
from __future__ import annotations

import unicodedata
from dataclasses import replace

from ..context import BotContext
from ..message import Message, Reply
from ..nlp.normalize import to_simplified
from ..people import DEGREE_NAMES, Profile, degree_name, degree_rank
from ..store import RedisError
from ..store.conversation import AWAITS_TEXT
from ..students.profiles import (FIELD_LABELS, describe, profile_of, record_of, save_profile,
                                 value_text)
from .args import looks_like_question, words
from .base import command

WORDS = {"我的信息", "意向", "求职意向", "我的意向", "修改意向", "填写意向", "我的资料", "个人信息",
         "就业意向", "修改信息"}
KIND = "intentions"
STEPS = ("want_cities", "want_industries", "want_keywords", "degree")
LEAVE = {"退出", "取消", "算了", "结束", "不填了", "不用了", "exit", "quit", "q"}
SKIP = {"跳过", "不变", "不改", "保持", "下一个", "下一步"}
CLEAR = {"不限", "无", "都可以", "没有", "随便", "都行", "清空"}
YES = {"1", "同意", "好", "好的", "可以", "是", "愿意", "ok"}
NO = {"2", "不同意", "不要", "否", "不愿意", "拒绝"}
MAX_WORDS = 8
CONSENT = ("填写求职意向后，我会按您的意向推送和推荐岗位。\n"
           "我会保存您填写的意向城市、行业、岗位和学历，只用于给您推荐岗位，不会给其他人看；"
           "随时发送“删除我的信息”即可全部删除。")
ASK = {
    "want_cities": "想在哪些城市或地区工作？可以写几个，用空格分开，例如：上海 杭州，或 长三角。",
    "want_industries": "想去哪些行业？例如：互联网 金融 教育。",
    "want_keywords": "想找什么岗位？写几个关键词，例如：Java 后端 数据分析。",
    "degree": "您的学历是？回复编号：1 专科　2 本科　3 硕士　4 博士",
}
STEP_HINT = "回复“跳过”不修改，“不限”表示没有要求，“退出”结束。"
MENU_FOOTER = "回复编号修改其中一项，回复“0”从头填写，回复“退出”结束。"


def _clean(text: str) -> str:
    return to_simplified(unicodedata.normalize("NFKC", text)).strip()


def _ask(ctx: BotContext, msg: Message, step: str, walk: bool) -> Reply:
    ctx.stores.conversation.set_dialog(msg.student, {"kind": KIND, "step": step, "walk": walk,
                                                     AWAITS_TEXT: True})
    n = STEPS.index(step) + 1
    head = f"（{n}/{len(STEPS)}）" if walk else ""
    return Reply(f"{head}{ASK[step]}\n{STEP_HINT}")


def show(ctx: BotContext, msg: Message) -> Reply:
    """The profile as the student may see it, numbered for the dialog's menu."""
    owner, profile = profile_of(ctx, msg.student)
    record = record_of(ctx, owner)
    if profile is None or (profile.empty and not profile.consent):
        ctx.stores.conversation.set_dialog(msg.student, {"kind": KIND, "step": "consent",
                                                         "then": STEPS[0], "walk": True,
                                                         AWAITS_TEXT: True})
        return Reply("您还没有填写求职意向。" + CONSENT + "\n回复 1 同意并开始填写，回复 2 不用了。")
    lines = describe(profile, record)
    source = "（来自学校的摸底调查，可以修改）" if profile.from_roster else ""
    items = tuple(f"{FIELD_LABELS[f]}：{value_text(profile, f)}" for f in STEPS)
    ctx.stores.conversation.set_dialog(msg.student, {"kind": KIND, "step": "menu"})
    head = "\n".join(["您的信息："] + lines + [f"求职意向{source}："]) if lines else \
        f"您的求职意向{source}："
    return Reply(head, items=items, footer=MENU_FOOTER)


def _parse_value(step: str, text: str) -> tuple[object, str | None]:
    """(value, problem) for one answer."""
    if step == "degree":
        digit = text.strip()
        if digit.isdigit() and int(digit) in DEGREE_NAMES:
            return DEGREE_NAMES[int(digit)], None
        if degree_rank(text):
            return degree_name(text), None
        return None, "请回复 1 到 4 的编号（1 专科　2 本科　3 硕士　4 博士）。"
    found = [w.removesuffix("市") if step == "want_cities" and len(w) > 2 else w
             for w in words(text)]
    if not found:
        return None, "没看到内容，请再写一次。"
    if len(found) > MAX_WORDS:
        return None, f"最多写 {MAX_WORDS} 个，请挑最想要的。"
    return tuple(dict.fromkeys(found)), None


class IntentionsHandler:
    """我的信息 / 意向: show the profile and open the dialog's menu."""

    name = "intentions"

    def match(self, msg: Message, ctx: BotContext) -> bool | None:
        return command(msg).replace(" ", "") in WORDS or None

    def handle(self, msg: Message, ctx: BotContext, found: bool) -> Reply:
        return show(ctx, msg)


class IntentionsDialog:
    """The answers to the dialog's questions, while it is open.

    It sits in the table twice. Before the numbered follow-ups it takes only what is
    unmistakably an answer (a digit, 跳过, 退出 …), so "2" answers the question just asked.
    After the FAQ it takes free text (a city, a keyword): the FAQ answers what it is sure
    of first, and leaves what it is not sure of to a dialog waiting for text (see
    `FaqHandler.match`). That way the dialog's state is read only for those messages,
    not for every question students ask.
    """

    def __init__(self, name: str, free_text: bool) -> None:
        self.name, self.free_text = name, free_text

    def match(self, msg: Message, ctx: BotContext) -> tuple[dict, str] | None:
        if msg.kind != "text":
            return None
        text = _clean(msg.text)
        if not text or len(text) > 60:
            return None
        keyword = text.isdigit() or text.lower() in LEAVE | YES | NO | SKIP | CLEAR
        if not (keyword or self.free_text) or (not keyword and looks_like_question(text)):
            return None
        try:
            state = ctx.stores.conversation.dialog(msg.student)
        except RedisError:      # no dialog can be read: the FAQ still answers
            return None
        if not state or state.get("kind") != KIND:
            return None
        if not keyword and not state.get(AWAITS_TEXT):
            return None
        return state, text

    def handle(self, msg: Message, ctx: BotContext, found: tuple[dict, str]) -> Reply:
        state, text = found
        conv = ctx.stores.conversation
        if text.lower() in LEAVE:
            conv.end_dialog(msg.student)
            return Reply("好的，已退出。已保存的内容不变，随时发送“意向”修改。")
        step, walk = state.get("step"), bool(state.get("walk"))
        owner, profile = profile_of(ctx, msg.student)
        profile = profile or Profile()
        if step == "consent":
            return self._consent(ctx, msg, text, state, owner, profile)
        if step == "menu":
            n = int(text)
            if not 0 <= n <= len(STEPS):
                return Reply(f"请回复 0 到 {len(STEPS)} 的编号。" + MENU_FOOTER)
            target, walk = (STEPS[0], True) if n == 0 else (STEPS[n - 1], False)
            if not profile.consent:
                conv.set_dialog(msg.student, {"kind": KIND, "step": "consent", "then": target,
                                              "walk": walk, AWAITS_TEXT: True})
                return Reply(CONSENT + "\n回复 1 同意并继续，回复 2 不用了。")
            return _ask(ctx, msg, target, walk)
        if step not in STEPS:
            conv.end_dialog(msg.student)
            return Reply("这个填写已经过期了，请重新发送“意向”。")
        if text in SKIP:
            return self._next(ctx, msg, step, walk, profile)
        if text in CLEAR:
            value: object = "" if step == "degree" else ()
        else:
            value, problem = _parse_value(step, text)
            if problem:
                return Reply(problem + "\n" + STEP_HINT)
        profile = save_profile(ctx, owner, profile.with_value(step, value))
        return self._next(ctx, msg, step, walk, profile)

    def _consent(self, ctx: BotContext, msg: Message, text: str, state: dict, owner,
                 profile: Profile) -> Reply:
        if text.lower() in YES:
            save_profile(ctx, owner, replace(profile, consent=True))
            return _ask(ctx, msg, state.get("then") or STEPS[0], bool(state.get("walk")))
        if text in NO:
            ctx.stores.conversation.end_dialog(msg.student)
            return Reply("好的，不保存任何信息。您仍然可以发送“订阅 关键词”接收岗位推送。")
        return Reply("还没有保存您写的内容：请先回复 1 同意保存，或回复 2 不用了。")

    def _next(self, ctx: BotContext, msg: Message, step: str, walk: bool,
              profile: Profile) -> Reply:
        at = STEPS.index(step)
        if walk and at + 1 < len(STEPS):
            return _ask(ctx, msg, STEPS[at + 1], True)
        ctx.stores.conversation.end_dialog(msg.student)
        summary = "\n".join(f"{FIELD_LABELS[f]}：{value_text(profile, f)}" for f in STEPS)
        tail = ("以后有符合意向的新岗位，会在每天的岗位汇总里推送给您；发送“推荐”看看现在适合您的岗位。"
                if profile.has_intentions else "填写意向城市、行业或岗位后，我才能按意向为您推送岗位。")
        return Reply(f"已保存。您的求职意向：\n{summary}\n{tail}")


handler = IntentionsHandler()
answer_keys = IntentionsDialog("intentions_keys", free_text=False)
answer_text = IntentionsDialog("intentions_text", free_text=True)
