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
_STUDENT = r"(?:(?<![把让给叫要])我|本人|学生|自己|毕业生|个人)"
_STUDENT_BREAKS = re.compile(
    _STUDENT + r".{0,8}?(?:毁约|违约|解约|反悔|后悔|不想去|放弃|解除)")

EMPLOYER, NEITHER, STUDENT = 1, 0, -1


def breaker(text: str) -> int:
    """EMPLOYER or STUDENT when the text says which side breaks; NEITHER when it says
    neither or both (公司说我违约 names both: not evidence either way)."""
    employer = _EMPLOYER_BREAKS.search(text) is not None
    student = _STUDENT_BREAKS.search(text) is not None
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
