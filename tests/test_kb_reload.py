"""Staff edits are picked up without a restart; a broken edit never replaces a good KB."""
from __future__ import annotations

import os

from bot.app import create_app
from bot.knowledge import KnowledgeProvider
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds

from .support.clients import wechat_client as client_for

NEW_ENTRY = """
- id: health-check
  category: 就业手续
  question: 入职体检去哪里做？
  keywords: [入职体检]
  answer: 入职体检一般在单位指定的二甲以上医院做，带好身份证和照片。
"""


def _touch(path):
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def test_edit_is_picked_up_and_broken_edit_keeps_last_good(kb_copy, caplog):
    provider = KnowledgeProvider(kb_copy, MatcherBuilder(fixed=Thresholds()))
    provider.reload()
    assert provider.check() is False
    before = provider.current
    assert before.matcher.match("入职体检去哪做").answer_id is None

    faq = kb_copy / "faq" / "shouxu.yaml"
    good_text = faq.read_text(encoding="utf-8") + NEW_ENTRY
    faq.write_text(good_text, encoding="utf-8")
    _touch(faq)
    assert provider.check() is True
    assert provider.current.matcher.match("入职体检去哪做").answer_id == "health-check"

    faq.write_text(good_text + "- id: broken\n  question: [unclosed\n", encoding="utf-8")
    _touch(faq)
    assert provider.check() is True
    assert provider.current.matcher.match("入职体检去哪做").answer_id == "health-check"
    assert any("shouxu.yaml:" in r.getMessage() and "YAML 格式错误" in r.getMessage()
               for r in caplog.records)
    assert any(not p.warning for p in provider.last_problems)


def test_running_app_answers_from_the_edited_kb(kb_copy, make_ctx):
    provider = KnowledgeProvider(kb_copy, MatcherBuilder(fixed=Thresholds()))
    app = create_app(ctx=make_ctx(kb_dir=kb_copy, provider=provider))
    wx = client_for(app)
    faq = kb_copy / "faq" / "shouxu.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + NEW_ENTRY, encoding="utf-8")
    _touch(faq)
    provider.check()
    assert "二甲以上医院" in wx.ask("入职体检在哪做", user="oReload")


def test_two_knowledge_bases_in_one_process_do_not_share_words(kb_copy, tmp_path):
    other = tmp_path / "other"
    (other / "faq").mkdir(parents=True)
    (other / "faq" / "a.yaml").write_text(
        "- id: only-here\n  category: 其他\n  question: 鲲鹏计划是什么？\n"
        "  keywords: [鲲鹏计划]\n  answer: 这是另一个知识库。\n", encoding="utf-8")
    a = KnowledgeProvider(kb_copy, MatcherBuilder(fixed=Thresholds()))
    b = KnowledgeProvider(other, MatcherBuilder(fixed=Thresholds()))
    a.reload(), b.reload()
    assert "鲲鹏计划" in b.current.matcher.analyzer.analyze("鲲鹏计划的介绍").tokens
    assert "鲲鹏计划" not in a.current.matcher.analyzer.analyze("鲲鹏计划的介绍").tokens
    # 选调 is a word of the first knowledge base's own synonyms, not a shipped career term.
    assert "选调" in a.current.matcher.analyzer.terms.canonical
    assert "选调" not in b.current.matcher.analyzer.terms.canonical
