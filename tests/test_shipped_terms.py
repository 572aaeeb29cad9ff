"""Career-office words every school shares (三方 = 就业协议书) are shipped beneath each
school's own synonyms (bot/nlp/thesaurus.py): the school's file always wins."""
from __future__ import annotations

from bot.kb.model import FaqEntry, KnowledgeBase
from bot.nlp.analyzer import Analyzer
from bot.nlp.matcher import FaqMatcher
from bot.nlp.thesaurus import groups_met, shipped_groups, with_shipped_terms


def test_shipped_groups_are_exact_and_disjoint():
    seen: set[str] = set()
    for group in shipped_groups():
        assert all(len(w) > 1 for w in group), group
        assert not seen & set(group), group
        seen |= set(group)


def test_a_school_without_synonyms_gets_the_shipped_ones():
    analyzer = Analyzer({}, [])
    assert (analyzer.analyze("三方丢了").canonical
            == analyzer.analyze("就业协议书丢了").canonical)


def test_a_group_the_school_names_joins_the_schools_term():
    merged = with_shipped_terms({"网签": ["线上签约"]})
    assert "网上签约" in merged["网签"] and "在线签约" in merged["网签"]
    assert "网上签约" not in merged
    analyzer = Analyzer({"网签": ["线上签约"]}, [])
    assert analyzer.analyze("在线签约怎么操作").canonical.startswith("网签")


def test_a_keyword_of_the_school_stays_a_word_of_its_own():
    """Staff who made 保研 a keyword of one entry keep it apart from 推免."""
    merged = with_shipped_terms({}, keywords=["保研"])
    assert "保研" not in merged.get("推免", [])
    analyzer = Analyzer({}, ["保研"])
    assert "保研" in analyzer.analyze("保研名额").canonical


def test_a_faq_written_in_full_names_answers_a_students_short_word():
    """Words alone (no meaning model): 教资 and 国考 meet the page's full names. Without
    the shipped groups each of these questions only gets a list to choose from."""
    kb = KnowledgeBase((
        FaqEntry(id="cert", category="证书", question="教师资格证什么时候报名？", answer="……"),
        FaqEntry(id="recruit", category="证书", question="教师招聘考试什么时候报名？", answer="……"),
        FaqEntry(id="exam", category="公职", question="国家公务员考试怎么准备？", answer="……"),
        FaqEntry(id="prov", category="公职", question="省公务员考试怎么准备？", answer="……"),
        FaqEntry(id="archive", category="档案", question="档案寄到哪里？", answer="……"),
    ))
    matcher = FaqMatcher(kb)
    for question, expect in (("教资啥时候报", "cert"), ("教招啥时候报", "recruit"),
                             ("国考咋准备", "exam")):
        result = matcher.match(question)
        assert result.best is not None and result.best.id == expect, question
        assert result.decision == "answer", question


def test_staff_are_told_which_shipped_groups_their_knowledge_base_uses():
    met = groups_met(["就业协议书丢了怎么补办？", "请联系学院辅导员。"])
    assert [g[0] for g in met] == ["三方协议", "辅导员", "丢失"]
    assert groups_met(["食堂几点开门"]) == []


def test_students_colloquial_names_fold_into_the_term():
    """人事材料, 材料袋 and 搞没了 are how students say 档案 and 丢失 at midnight; a school
    that pasted its FAQ page never lists them."""
    analyzer = Analyzer({}, [])
    assert (analyzer.analyze("人事材料搞没了").canonical
            == analyzer.analyze("档案丢失").canonical)
    assert (analyzer.analyze("就业那份协议弄丢了").canonical
            == analyzer.analyze("三方协议遗失").canonical)
    assert analyzer.analyze("找不到工作").canonical == "找不到工作"


def test_a_variant_inside_a_longer_word_is_left_alone():
    """考公 in 考公务员 once read 公务员考试务员; a variant counts only where the
    segmenter cuts around it."""
    analyzer = Analyzer({}, [])
    assert "档案室" in analyzer.analyze("档案室几点开门").canonical
    assert "学校招聘会" in analyzer.analyze("学校招聘会在哪开").canonical
    assert "保留学籍" in analyzer.analyze("入伍能保留学籍吗").canonical
    assert "务员" not in analyzer.analyze("想考公务员要什么条件").canonical.replace("公务员考试", "")
    assert analyzer.analyze("大学生参军入伍有什么优惠").canonical == "大学生应征入伍有什么优惠"
