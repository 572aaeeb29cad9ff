"""Who breaks the agreement: said in the question, said by the entries, and weighed in matching."""
from __future__ import annotations

import pytest

from bot.kb.model import FaqEntry, KnowledgeBase
from bot.nlp.analyzer import Analyzer
from bot.nlp.breach import EMPLOYER, NEITHER, STUDENT, breaker, entry_breaker
from bot.nlp.builder import MatcherBuilder


@pytest.mark.parametrize("text,side", [
    ("公司把我offer收回了，毁约了，我该怎么办", EMPLOYER),
    ("医院那边突然通知说不招我了", EMPLOYER),
    ("单位单方面解除协议能要赔偿吗", EMPLOYER),
    ("hr说录用取消了", EMPLOYER),
    ("签完三方我后悔了 想去另一家", STUDENT),
    ("学生违约要交违约金吗", STUDENT),
    ("我想解约换一家公司", STUDENT),
    ("面试都过了 结果对方说岗位取消了", EMPLOYER),   # no employer named: only one withdraws a place
    ("offer被撤了还能找谁", EMPLOYER),
    ("单位毁约 我能拿到违约金吗", EMPLOYER),          # receiving 违约金 is not breaking
    ("已经签了一家 又拿到一个更好的 怎么办", STUDENT),   # no 我 named: a better offer in hand
    ("想跟现在这家毁约", STUDENT),
    ("公司说我违约了要我赔钱", NEITHER),      # names both sides: no evidence either way
    ("三方协议丢了怎么办", NEITHER),
])
def test_the_side_that_breaks_is_read_from_the_question(text, side):
    assert breaker(text) == side


def test_an_entry_is_on_the_side_most_of_its_phrasings_name():
    assert entry_breaker(["用人单位违约怎么办", "公司毁约了怎么办", "三方签了能改吗"]) == EMPLOYER
    assert entry_breaker(["学生违约怎么办", "我想违约"]) == STUDENT
    assert entry_breaker(["违约金怎么算"]) == NEITHER


def entry(eid: str, question: str, answer: str, *similar: str) -> FaqEntry:
    return FaqEntry(eid, "签约", question, answer, similar=similar)


BOTH_SIDES = KnowledgeBase((
    entry("employer", "用人单位违约怎么办", "单位单方面毁约的，可以要求对方按协议支付违约金，"
          "并请就业指导中心出面协调。"),
    entry("student", "学生违约怎么办", "毕业生要解约的，先和单位协商，取得单位同意解约的函，"
          "按协议交违约金后到就业指导中心办理解约手续。"),
    entry("lost", "三方协议丢了怎么办", "写一份情况说明，到就业指导中心补办。"),
))


@pytest.mark.parametrize("question,right,wrong", [
    ("公司突然说不要我了 协议都签了", "employer", "student"),
    ("签了协议我又后悔了 想违约换一家", "student", "employer"),
])
def test_the_side_named_counts_for_the_entry_on_that_side_and_against_the_other(
        tmp_path, question, right, wrong):
    matcher, _ = MatcherBuilder(data_dir=tmp_path).full(BOTH_SIDES)
    a = matcher.analyzer.analyze(question)
    candidates, semantic = matcher.rank(a, force="semantic")
    assert semantic
    side = {c.id: dict(c.features)["breaker"] for c in candidates}
    assert side[right] == 1.0 and side[wrong] == -1.0
    assert candidates[0].id == right


def test_a_student_named_as_the_object_is_not_the_one_breaking():
    """公司把我…毁约了: 我 is whom the company let down, as the matcher reads the question
    (offer read in Chinese, punctuation gone), not the side that breaks."""
    analyzer = Analyzer({}, [])
    for q in ("公司把我offer收回了，毁约了，我该怎么办", "hr让我别来了 说公司取消录用了"):
        assert breaker(analyzer.analyze(q).repaired) == EMPLOYER, q
