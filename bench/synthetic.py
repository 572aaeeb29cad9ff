"""Filler FAQ entries, to measure matching speed at 1,000 and 5,000 entries.

Generated from career-office vocabulary so the index has realistic postings; a fixed
seed keeps runs comparable.
"""
from __future__ import annotations

import random

from bot.kb.model import FaqEntry, KnowledgeBase

PLACES = ["北京", "上海", "广州", "深圳", "杭州", "成都", "武汉", "西安", "南京", "重庆", "天津",
          "苏州", "长沙", "郑州", "青岛", "合肥", "厦门", "昆明", "沈阳", "济南"]
SUBJECTS = ["实习单位", "用人单位", "人才中心", "学院", "辅导员", "研究生院", "国企", "外企", "事业单位",
            "民营企业", "街道社区", "部队", "医院", "中小学", "科研院所", "银行", "律所", "出版社"]
THINGS = ["证明", "材料", "公章", "介绍信", "登记表", "合同", "协议", "回执", "档案袋", "成绩单",
          "体检表", "政审表", "推荐信", "承诺书", "申请表", "报名表", "户籍卡", "派遣函"]
ACTIONS = ["开具", "盖章", "邮寄", "补办", "更正", "提交", "审核", "查询", "撤回", "延期", "领取",
           "打印", "签字", "备案", "公示", "退回"]
ASKS = ["怎么{a}", "在哪里{a}", "{a}需要多久", "可以代{a}吗", "{a}要带什么", "能不能线上{a}"]


def filler_entries(n: int, seed: int = 7) -> list[FaqEntry]:
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        p, s, t, a = (rng.choice(PLACES), rng.choice(SUBJECTS), rng.choice(THINGS),
                      rng.choice(ACTIONS))
        q = f"{p}{s}的{t}" + rng.choice(ASKS).format(a=a) + "？"
        if q in seen:
            continue
        seen.add(q)
        i = len(out)
        out.append(FaqEntry(
            id=f"filler-{i}", category="其他", question=q,
            similar=(f"{s}{t}{a}", f"{p}的{t}怎么{a}"),
            keywords=(t, a), answer=f"请联系{p}{s}办理{t}{a}。",
        ))
    return out


def enlarged(kb: KnowledgeBase, total: int) -> KnowledgeBase:
    extra = max(0, total - len(kb.entries))
    return KnowledgeBase(kb.entries + tuple(filler_entries(extra)), kb.synonyms)


def distinct_entries(n: int, seed: int = 11) -> list[FaqEntry]:
    """Filler entries that `kb check` accepts: no phrasing shared by two entries, so a
    knowledge base of 20,000 of them loads as a school's would."""
    rng = random.Random(seed)
    out, seen = [], set()
    while len(out) < n:
        p, s, t, a = (rng.choice(PLACES), rng.choice(SUBJECTS), rng.choice(THINGS),
                      rng.choice(ACTIONS))
        if (p, s, t, a) in seen:
            continue
        seen.add((p, s, t, a))
        i = len(out)
        out.append(FaqEntry(
            id=f"filler-{i}", category="其他",
            question=f"{p}{s}的{t}" + rng.choice(ASKS).format(a=a) + "？",
            similar=(f"{p}{s}{t}{a}", f"{p}的{s}{t}{a}流程"),
            keywords=(t, a), answer=f"请联系{p}{s}办理{t}{a}，工作日带好身份证件前往办理。",
        ))
    return out
