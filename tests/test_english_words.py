"""English career words in a Chinese question (offer、CV、job fair) are read as the Chinese
terms a school's knowledge base is written in (bot/nlp/english.py)."""
from __future__ import annotations

from bot.kb.model import FaqEntry, KnowledgeBase
from bot.nlp.analyzer import Analyzer
from bot.nlp.english import EnglishReader
from bot.nlp.matcher import FaqMatcher


def test_english_words_are_read_in_chinese_longest_first():
    reader = EnglishReader()
    assert reader.read("hr说offer取消了") == "人事说录用通知取消了"
    assert reader.read("job fair 什么时候") == "招聘会 什么时候"      # not 工作 fair
    assert reader.read("想做part time") == "想做兼职"


def test_only_whole_english_words_are_read():
    reader = EnglishReader()
    assert reader.read("homework写完了") == "homework写完了"          # no "work" inside
    assert reader.read("offer2 到了") == "offer2 到了"
    assert reader.read("三方协议丢了") == "三方协议丢了"


def test_a_word_the_school_defines_itself_is_left_to_its_synonyms():
    analyzer = Analyzer({"offer": ["录用函"]}, [])
    a = analyzer.analyze("offer丢了怎么办")
    assert "录用通知" not in a.repaired and "offer" in a.canonical
    assert "offer" in analyzer.analyze("录用函丢了怎么办").canonical


def test_a_chinese_only_faq_answers_a_question_in_english_words():
    """Words alone (no meaning model): without the glossary "CV" meets nothing."""
    kb = KnowledgeBase((
        FaqEntry(id="resume", category="求职", question="简历怎么写？", answer="……"),
        FaqEntry(id="fair", category="求职", question="招聘会在哪里举办？", answer="……"),
        FaqEntry(id="archive", category="档案", question="档案寄到哪里？", answer="……"),
    ))
    matcher = FaqMatcher(kb)
    for question, expect in (("CV有模板吗", "resume"), ("job fair在哪", "fair")):
        result = matcher.match(question)
        assert result.best is not None and result.best.id == expect, question
        assert result.decision != "decline", question
