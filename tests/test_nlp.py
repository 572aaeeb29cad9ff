"""Normalization, synonyms and homophone repair, on the small knowledge base."""
from __future__ import annotations

import pytest

from bot.nlp.normalize import fold, normalize

from .support.builders import SAMPLE_KB, SMALL_KB, shared_provider


@pytest.fixture(scope="module")
def matcher():
    return shared_provider(SMALL_KB).current.matcher


def test_fold_handles_width_script_case_punctuation_and_emoji():
    assert fold("ＯＦＦＥＲ，三方協議！！😀") == "offer 三方协议"


def test_courtesies_are_removed():
    assert normalize("老师您好，请问一下三方丢了怎么办？谢谢老师") == "三方丢了怎么办"
    assert normalize("谢谢") == ""


@pytest.mark.parametrize("typed,canonical", [
    ("三方丢了", "三方协议丢失"),          # synonym variants
    ("就业协议书", "三方协议"),
    ("三方协意弄丢", "三方协议丢失"),      # homophone typo
    ("选掉生条件", "选调生条件"),
    ("档按怎么转", "档案怎么转"),
])
def test_variants_and_homophones_become_canonical_terms(matcher, typed, canonical):
    assert matcher.analyzer.analyze(typed).canonical == canonical


def test_real_words_are_not_taken_for_homophones(matcher):
    assert "补办" not in matcher.analyzer.analyze("我不办了").canonical


@pytest.mark.parametrize("q,expect", [
    ("三方丢了咋办", "tripartite-lost"),
    ("三方協議遺失了怎麼辦", "tripartite-lost"),
    ("老师好，想问下三方协议怎么签呀", "tripartite-sign"),
    ("选掉生报名要什么条件", "xuandiao-conditions"),
])
def test_matches(matcher, q, expect):
    result = matcher.match(q)
    assert result.best.id == expect and result.decision != "decline"
    assert 0.0 <= result.score <= 1.0


@pytest.mark.parametrize("q", ["食堂几点开门", "帮我写论文", "今天天气怎么样", "讲个笑话"])
def test_off_topic_is_declined(q):
    sample = shared_provider(SAMPLE_KB).current.matcher
    assert sample.match(q).decision == "decline"


def test_empty_and_punctuation_only_questions(matcher):
    for q in ["", "？？？", "😀😀", "   "]:
        result = matcher.match(q)
        assert result.decision == "decline" and result.candidates == ()


def test_close_top_two_are_offered_as_a_choice_even_when_both_are_near_certain():
    """Confidences near 1 hardly differ (0.990 vs 0.985); their log-odds still do."""
    from bot.nlp.model import Candidate, Thresholds, decide

    t = Thresholds(answer=0.7, suggest=0.4, margin=0.8)
    a = shared_provider(SMALL_KB).current.matcher.analyzer.analyze("三方协议丢了以后怎么补办")
    top = Candidate("a", 0.990, logit=4.60)
    assert decide([top, Candidate("b", 0.985, logit=4.19)], t, a) == "suggest"  # gap 0.41
    assert decide([top, Candidate("b", 0.950, logit=2.94)], t, a) == "answer"   # gap 1.66
    assert decide([Candidate("a", 0.5, logit=0.0)], t, a) == "suggest"
    assert decide([Candidate("a", 0.3, logit=-0.85)], t, a) == "decline"


def test_sample_kb_answers_a_clear_question_and_offers_a_choice_for_an_ambiguous_one():
    sample = shared_provider(SAMPLE_KB).current.matcher
    clear = sample.match("三方丢了咋办")
    assert clear.decision == "answer" and clear.answer_id == "tripartite-lost"
    ambiguous = sample.match("户口怎么迁")  # where to move it, or how: two entries
    assert ambiguous.decision == "suggest"
    assert {c.id for c in ambiguous.candidates[:2]} == {"hukou-options", "hukou-move-procedure"}
