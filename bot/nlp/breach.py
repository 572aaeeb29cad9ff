"""Who breaks the agreement: the employer (公司把offer收回了) or the student (签完三方我后悔了).

Every career office answers the two apart (the employer owes the student; the student
owes the employer and needs a release letter), yet both questions say 违约 / 毁约 / 解约
and read alike to words and to the small meaning model. A question and an entry that
name the same side agree; naming opposite sides is evidence against the entry.
"""
from __future__ import annotations

import re
from typing import Iterable

_EMPLOYER = r"(?:用人单位|单位|公司|企业|医院|学校|hr|对方|老板|雇主|机构|厂)"
_EMPLOYER_BREAKS = re.compile(
    _EMPLOYER + r".{0,8}?(?:毁约|违约|反悔|变卦|取消|撤销|撤回|收回|不要我|不招|不录|不能录用"
                r"|辞退|解雇|不签|解除)", re.IGNORECASE)
# Said without naming the employer: only an employer withdraws a place or an offer.
_EMPLOYER_ALONE = re.compile(
    r"不要我|不招我|不录我|不录用我|不能录用|名额没了|撤销录用|取消录用|岗位(?:没了|取消|撤销|撤了)"
    r"|(?:offer|录用通知|录用).{0,4}?(?:取消|撤|收回|revoke|黄了)|撕.{0,2}?(?:offer|录用通知|三方)",
    re.IGNORECASE)
_STUDENT = r"(?:(?<![把让给叫要])我|本人|学生|自己|毕业生|个人)"
_STUDENT_BREAKS = re.compile(
    _STUDENT + r".{0,8}?(?:毁约|违约(?!金)|解约|反悔|后悔|不想去|放弃|解除)")
# Said without naming oneself: wanting out, or a better offer in hand.
_STUDENT_ALONE = re.compile(
    r"想(?:要)?(?:跟.{0,8}?)?(?:毁约|违约(?!金)|解约|反悔|换一家|换家|换单位|去另一家|换另一家)"
    r"|拿到(?:了)?(?:一个|一家)?更好的|renege", re.IGNORECASE)

EMPLOYER, NEITHER, STUDENT = 1, 0, -1


def breaker(text: str) -> int:
    """EMPLOYER or STUDENT when the text says which side breaks; NEITHER when it says
    neither or both (公司说我违约 names both: not evidence either way)."""
    employer = (_EMPLOYER_BREAKS.search(text) or _EMPLOYER_ALONE.search(text)) is not None
    student = (_STUDENT_BREAKS.search(text) or _STUDENT_ALONE.search(text)) is not None
    if employer == student:
        return NEITHER
    return EMPLOYER if employer else STUDENT


def entry_breaker(texts: Iterable[str]) -> int:
    """The side most of an entry's phrasings name."""
    total = sum(breaker(t) for t in texts)
    return (total > 0) - (total < 0)


def agreement(question: int, entry: int) -> float:
    """1 when question and entry name the same side, -1 opposite sides, 0 when either is silent."""
    return float(question * entry)
