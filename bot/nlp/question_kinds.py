"""What kind of answer a question wants, read from its question words.

Question words are stopwords for content, yet 什么是三方协议 and 三方协议怎么签 want
different answers; each family of question words becomes one feature instead.
"""
from __future__ import annotations

import re

# Order matters only for readability; every family that occurs is reported.
FAMILIES: dict[str, tuple[str, ...]] = {
    "what": ("什么是", "是什么", "是啥", "啥是", "啥叫", "什么叫", "叫什么", "干嘛的", "干什么的",
             "有什么用", "有啥用", "什么意思", "啥意思", "是干嘛", "指什么", "定义", "介绍"),
    "how": ("怎么", "如何", "怎样", "咋", "流程", "步骤", "手续", "办理"),
    "fix": ("怎么办", "咋办", "咋整", "怎么处理", "如何处理", "补救"),
    "where": ("哪里", "在哪", "哪儿", "去哪", "哪个地方", "几楼", "地址", "地点"),
    "when": ("什么时候", "何时", "几号", "几月", "截止", "多久", "时间", "期限", "deadline"),
    "can": ("能不能", "可以吗", "可不可以", "能否", "行不行", "是否", "能吗", "可以不", "行吗", "会不会"),
    "howmuch": ("多少钱", "多少", "金额", "标准", "几万", "几千"),
    "why": ("为什么", "为啥", "干嘛要", "有必要", "非要", "必须"),
}
_PATTERNS = {name: re.compile("|".join(map(re.escape, words))) for name, words in FAMILIES.items()}


def question_kinds(text: str) -> list[str]:
    """The question-word families present in `text` (already folded and simplified)."""
    return [name for name, pattern in _PATTERNS.items() if pattern.search(text)]


# Families a request for a list can carry: 双选会什么时候开, 招聘会在哪 are answered by it.
_LIST_FAMILIES = frozenset({"when", "where"})
_ALTERNATIVE = re.compile("还是|哪个好|哪个更|哪一个好|比较好|区别")
_YES_NO = re.compile("(吗|嘛|么|不)$")
# How long something lasts is no request for a list, though its words are "when" words.
_DURATION = re.compile("多久|多长时间|多长")
# 我适合做什么工作 asks for advice, not for a list of jobs.
_SUITS = re.compile("适合(?:我)?(?:做|干|找|去|从事)?(?:什么|啥|哪)")
# Who to ask, whether something is so, what it leads to: questions no list answers.
_ABOUT = re.compile("谁|是不是|是否|有没有必要|影响|后果|前景|好不好|难不难|怎么样|咋样|算不算|要不要")
# Paperwork and support (档案, 户口, 帮扶, 补贴, 招聘网站): no list of jobs or fairs answers it.
_PAPERWORK = re.compile("档案|户口|户籍|落户|组织关系|党员|执业|证明|盖章|三方|协议|违约|报到证|"
                        "帮扶|扶持|政策|照顾|补贴|补助|网站|渠道|平台|有人管|会管|还管")
# 找工作太难了: a feeling about jobs, not a request for them.
_FEELING = re.compile("太[^原仓]{1,3}了|好难|真难|好累|焦虑|迷茫|崩溃|emo")
# How things usually go (双选会一般几月开, 往年秋招什么时候): general knowledge, not the
# current list; and where to look something up (招聘信息在哪看): a channel, not a list.
_USUALLY = re.compile("一般|通常|往年|每年|历年|大概")
_WHERE_TO_LOOK = re.compile("(?:哪|哪里|哪儿)(?:里)?(?:可以|能)?(?:看|查|找|发|搜|获取|了解)|发在哪")
# For jobs, "where" asks for a list only as "where is there" (哪里有 java 岗位); 档案寄回
# 哪里 asks where to send something.
_WHERE_THERE_IS = re.compile("哪(?:里|儿|些地方)?(?:还)?有")
# A company or a fair coming (腾讯今年还来宣讲吗) is a question of whether there is one.
_COMES = re.compile("(?<![将未原后以])来(?:我们|咱们|我|本)?(?:学校|校|学院)?"
                    "(?:宣讲|招聘|招人|办|开|吗|么|嘛|不)")


def asks_about(text: str, where_lists: bool = True) -> bool:
    """A question about something (how, why, whether, which of two), not a request for a
    list: 计算机专业还好找工作吗, 留在北京还是回老家工作 against 有没有北京的岗位 and
    寒假实习有吗. A yes/no question asks for a list only when what it asks is whether
    there is (有). `text` folded as `normalize` folds it. `where_lists`: a "where" is
    answered by the list (招聘会在哪), as for fairs; for jobs only "where is there" is.
    """
    text = text.strip()
    # 华为什么时候来宣讲 asks when, not why.
    kinds = set(question_kinds(text.replace("为什么时候", "什么时候")))
    listed = _LIST_FAMILIES if where_lists or _WHERE_THERE_IS.search(text) else {"when"}
    if kinds - listed:
        return True
    if any(p.search(text) for p in (_ALTERNATIVE, _DURATION, _SUITS, _ABOUT, _FEELING, _USUALLY,
                                     _WHERE_TO_LOOK, _PAPERWORK)):
        return True
    return bool(_YES_NO.search(text)) and "有" not in text and not _COMES.search(text)
