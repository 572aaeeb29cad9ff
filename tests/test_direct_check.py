"""The direct-answer check: a question next to an entry's topic gets a list, not the entry
stated as fact; paraphrases of an entry are still answered."""
from __future__ import annotations

import numpy as np
import pytest

from bench.direct_check import KEEP, Row, fit
from bench.placement import DEV
from bot.kb.loader import load_kb
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import CHECK_NAMES, DIRECT_CHECK, Candidate, DirectCheck, Thresholds, decide

from .support.builders import SMALL_KB, shared_provider

DEV_SCHOOL = DEV / "kb_dev_caijing"
FIXED = Thresholds(answer=0.7, suggest=0.3, margin=1.5, source="config")


@pytest.fixture(scope="module")
def caijing(tmp_path_factory):
    """A dev school's knowledge base with fixed thresholds, so only the check differs."""
    builder = MatcherBuilder(fixed=FIXED, data_dir=tmp_path_factory.mktemp("data"))
    return builder.full(load_kb(DEV_SCHOOL).kb)[0]


def test_a_question_on_a_topic_next_to_an_entry_is_listed_not_answered(caijing):
    """The KB explains support for the CPA exam, not what its audit paper covers."""
    q = "注会审计那科主要考哪些章节？"
    assert caijing.with_check(None).match(q).decision == "answer"
    result = caijing.match(q)
    assert result.decision == "suggest"
    assert [c.id for c in caijing.suggestions(result)][:1] == ["cpa-zhichi"]


@pytest.mark.parametrize("q,expect", [
    ("签好的那份就业协议我想反悔 不去那家了 要怎么弄", "xieyi-xuesheng-weiyue"),
    ("毕业后学校会把我的人事材料寄到哪去", "dangan-quxiang"),
    ("我们团队想进学校那个给创业项目免费提供工位的地方 怎么进", "chuangye-fuhua"),
])
def test_paraphrases_of_an_entry_are_still_answered(caijing, q, expect):
    result = caijing.match(q)
    assert result.semantic and result.decision == "answer" and result.answer_id == expect


def _candidate(features: dict[str, float]) -> Candidate:
    return Candidate("a", 0.99, tuple(features.items()), logit=4.6)


def test_the_check_turns_an_answer_into_a_list_and_never_declines():
    analysis = shared_provider(SMALL_KB).current.matcher.analyzer.analyze("三方协议丢了以后怎么补办")
    t = Thresholds(answer=0.7, suggest=0.4, margin=0.8)
    doubt = DirectCheck({"emb": 1.0}, bias=0.0, floor=0.9)
    assert decide([_candidate({"emb": 0.5})], t, analysis, doubt) == "suggest"
    assert decide([_candidate({"emb": 0.95})], t, analysis, doubt) == "answer"
    assert decide([_candidate({"emb": 0.5})], t, analysis, None) == "answer"
    assert decide([Candidate("a", 0.3, (("emb", 0.5),))], t, analysis, doubt) == "decline"


def test_a_candidate_scored_by_words_alone_is_not_checked():
    """Words were sure, so the meaning model was not consulted: no meaning features."""
    doubt = DirectCheck({"emb": 1.0}, bias=0.0, floor=0.9)
    assert doubt.allows(_candidate({"cos": 0.99}))
    assert not doubt.allows(_candidate({"cos": 0.99, "emb": 0.1}))


def test_the_shipped_check_reads_every_meaning_feature():
    """A refit that renames a feature must refit the check too, or it would be skipped."""
    assert set(DIRECT_CHECK.weights) == set(CHECK_NAMES)
    assert any(abs(w) > 0 for w in DIRECT_CHECK.weights.values())


def test_the_check_reads_how_close_the_question_is_to_career_worded_offtopic_ones(caijing):
    """The memory of questions in dev schools' career words that their FAQs did not
    answer reaches the check; closer to them counts against answering directly."""
    result = caijing.match("注会审计那科主要考哪些章节？")
    features = dict(result.best.features)
    assert 0.0 < features["near_off"] <= 1.0 and 0.0 < features["use_near_off"] <= 1.0
    top = result.best
    closer = Candidate(top.id, top.score, tuple((n, v + 0.05 if n in ("near_off", "use_near_off") else v)
                                                for n, v in top.features), top.logit)
    value = lambda c: sum(w * dict(c.features)[n] for n, w in DIRECT_CHECK.weights.items())
    assert value(closer) < value(top)


def _row(x, right: bool, near=(("other", 0.0, 0.0),), group="g") -> Row:
    return Row(group, "full", tuple(x), near, right, not right)


def test_fitting_lets_through_the_share_of_right_answers_it_promises():
    rng = np.random.default_rng(7)
    good = rng.normal(1.0, 0.5, size=(400, 2))
    bad = rng.normal(-1.0, 0.5, size=(40, 2))
    rows = [_row(x, True) for x in good] + [_row(x, False) for x in bad]
    w, b, floor = fit(rows)
    passed = good @ w[:2] + b >= floor
    assert passed.mean() >= KEEP - 1 / len(good)
    assert (bad @ w[:2] + b < floor).mean() > 0.9
    assert w[0] > 0 and w[1] > 0


def test_a_rows_own_school_is_left_out_of_its_memory():
    """A dev school's question is in the shipped memory word for word; fitted with it,
    the check would learn that only a perfect match counts."""
    row = _row((0.5,), False, near=(("g", 1.0, 1.0), ("h", 0.4, 0.6), ("k", 0.7, 0.2)))
    assert row.features({"g"}) == (0.5, 0.7, 0.6)
    assert row.features({"g", "k"}) == (0.5, 0.4, 0.6)
    assert row.features({"g", "h", "k"}) == (0.5, 0.0, 0.0)
    # Fitted on rows whose only tell is their own school's memory, the check learns nothing.
    rng = np.random.default_rng(3)
    rows = [_row(rng.normal(0, 1, 1), True, near=(("g", 0.2, 0.2), ("h", 0.3, 0.3))) for _ in range(200)]
    rows += [_row(rng.normal(0, 1, 1), False, near=(("g", 1.0, 1.0), ("h", 0.3, 0.3))) for _ in range(50)]
    w, _, _ = fit(rows)
    assert abs(w[1]) < 1e-6 and abs(w[2]) < 1e-6


def test_the_second_batch_of_career_worded_questions_is_never_fitted_on():
    rows = [_row((float(i),), i % 2 == 0) for i in range(40)]
    unfitted = [Row("g", "full", (100.0,), (("other", 0.0, 0.0),), False, True, fitted=False)] * 30
    assert np.allclose(fit(rows)[0], fit(rows + unfitted)[0])


def test_the_self_test_reports_as_direct_only_what_the_check_lets_through():
    """`kb check` says how many of the KB's own held-out phrasings would be answered
    directly; a phrasing the check turns into a list is not one of them."""
    from bot.nlp.model import MatchResult
    from bot.nlp.thresholds import place

    analysis = shared_provider(SMALL_KB).current.matcher.analyzer.analyze("三方协议丢了以后怎么补办")
    low = MatchResult(analysis, (Candidate("b", 0.05, (("emb", 0.2),), logit=-3.0),), "decline")
    held = MatchResult(analysis, (Candidate("a", 0.99, (("emb", 0.5),), logit=4.6),), "answer")
    doubt = DirectCheck({"emb": 1.0}, bias=0.0, floor=0.9)
    _, unchecked = place([low] * 20, [(held, "a")], Thresholds())
    t, checked = place([low] * 20, [(held, "a")], Thresholds(), doubt)
    assert held.score >= t.answer
    assert unchecked.held_out_direct == 1.0 and checked.held_out_direct == 0.0
    assert checked.held_out_first == 1.0


def test_a_refitted_check_invalidates_the_cached_self_test(monkeypatch):
    """The cached report says how many would be answered directly, which the check decides."""
    from bot.nlp import check_weights
    from bot.nlp.thresholds import fingerprint

    kb = load_kb(SMALL_KB).kb
    before = fingerprint(kb, "m")
    monkeypatch.setattr(check_weights, "CHECK_FLOOR", check_weights.CHECK_FLOOR + 0.5)
    assert fingerprint(kb, "m") != before
