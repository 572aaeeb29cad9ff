"""Profile-aware answers: when the best FAQ entries differ only by `audience`.

Some rules differ for 本科生 and 研究生, or by 生源地 (a province). When the entries the
matcher ranks first are such variants (each with its own `audience`), the bot answers
the one that fits the student's profile; when it does not know (or more than one
fits), it asks which applies, as a numbered list. This is a step after matching,
applied to the matcher's candidates: the matcher itself is untouched.
"""
from __future__ import annotations

from ..context import BotContext
from ..kb.model import FaqEntry
from ..message import Message, Reply
from ..nlp.matcher import MatchResult
from ..people import Profile, degree_rank
from ..store import RedisError
from ..store.conversation import Choice
from ..students.profiles import profile_of

ASK = "这个问题对不同的学生规定不一样，请问您是？"
ASK_FOOTER = "回复数字查看对应的答案。"
DEGREE_FACTS = {1: ("专科", "高职", "大专"), 2: ("本科",), 3: ("研究生", "硕士"),
                4: ("研究生", "博士")}
PROVINCES = ("北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏",
             "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西",
             "海南", "重庆", "四川", "贵州", "云南", "西藏", "陕西", "甘肃", "青海", "宁夏",
             "新疆", "香港", "澳门", "台湾")


def variants(result: MatchResult, entries: list[FaqEntry]) -> list[FaqEntry]:
    """The top-ranked entries that each name a different audience (at least two), else []."""
    out: list[FaqEntry] = []
    for entry in entries:
        if not entry.audience or any(e.audience == entry.audience for e in out):
            break
        out.append(entry)
    return out if len(out) >= 2 else []


def facts(profile: Profile | None) -> set[str]:
    """Words an `audience` may use that describe this student."""
    if profile is None:
        return set()
    out = set(DEGREE_FACTS.get(degree_rank(profile.degree), ()))
    out.update(p for p in PROVINCES if p in profile.origin)
    return out


def fits(audience: str, known: set[str]) -> bool:
    return any(word in audience for word in known)


def by_audience(msg: Message, ctx: BotContext, result: MatchResult,
                entries: list[FaqEntry]) -> FaqEntry | Reply | None:
    """The entry that fits the student, a "which applies" question, or None (no variants)."""
    found = variants(result, entries)
    if not found:
        return None
    try:
        _, profile = profile_of(ctx, msg.student)
    except RedisError:
        profile = None
    fitting = [e for e in found if fits(e.audience or "", facts(profile))]
    if len(fitting) == 1:
        return fitting[0]
    found.sort(key=lambda e: (e.file, e.line))          # in the order staff wrote them
    ctx.stores.conversation.set_choices(msg.student, [Choice(e.audience or e.question, "faq", e.id)
                                                      for e in found])
    return Reply(ASK, items=tuple(e.audience or e.question for e in found), footer=ASK_FOOTER)
