"""A hot reload of a large knowledge base does only the work its edit calls for.

An edit to one file re-parses that file alone and embeds only the texts it changed; the
answers after such a reload are those of the edited files, and nothing of a deleted
file or a renamed id is left behind.
"""
from __future__ import annotations

import os
from pathlib import Path

from bot.kb.model import FaqEntry
from bot.knowledge import KnowledgeProvider
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds
from bot.nlp.semantic import answer_sentences

FILES = {
    "a.yaml": [("archive-move", "档案怎么转到人才市场？", "档案转递请到学院办公室办理转档手续，带好报到证。"),
               ("hukou-move", "户口迁移需要什么材料？", "户口迁移需要户口迁移证和报到证，到保卫处办理。")],
    "b.yaml": [("subsidy-apply", "求职补贴怎么申请？", "求职创业补贴每年十月在学院申请，需要低保或困难证明。"),
               ("gap-year", "毕业后暂不就业档案放哪里？", "暂不就业可以把档案留在学校两年，期间随时可以办理派遣。")],
    "c.yaml": [("selection-exam", "选调生考试什么时候报名？", "选调生报名一般在每年十一月，请关注省委组织部的公告。"),
               ("military-enlist", "大学生参军入伍有什么优待？", "参军入伍可以享受学费补偿，退役后考研还有加分政策。")],
}


def _write(kb: Path, name: str, rows: list[tuple[str, str, str]]) -> None:
    text = "".join(f"- id: {i}\n  category: 就业手续\n  question: {q}\n  answer: {a}\n"
                   for i, q, a in rows)
    path = kb / "faq" / name
    path.write_text(text, encoding="utf-8")
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))


def _kb(tmp_path: Path) -> Path:
    kb = tmp_path / "knowledge"
    (kb / "faq").mkdir(parents=True)
    for name, rows in FILES.items():
        _write(kb, name, rows)
    return kb


def _provider(tmp_path: Path, kb: Path) -> KnowledgeProvider:
    provider = KnowledgeProvider(kb, MatcherBuilder(fixed=Thresholds(), data_dir=tmp_path / "data"))
    provider.reload()
    return provider


def test_editing_one_file_reparses_and_reembeds_only_that_file(tmp_path):
    kb = _kb(tmp_path)
    provider = _provider(tmp_path, kb)
    assert sorted(provider.files.parsed) == [f"knowledge/faq/{n}" for n in sorted(FILES)]
    store = provider.builder.meaning().store
    first, analyzer = store.embedded, provider.current.matcher.analyzer
    assert first > 0

    new_answer = "求职补贴改为每年九月在线申请，登录就业网上传困难证明即可。"
    _write(kb, "b.yaml", [("subsidy-apply", "求职补贴怎么申请？", new_answer), FILES["b.yaml"][1]])
    assert provider.check() is True
    assert provider.files.parsed == ["knowledge/faq/b.yaml"]
    edited = FaqEntry(id="subsidy-apply", category="就业手续", question="求职补贴怎么申请？",
                      answer=new_answer)
    # The edited entry's question with its answer, and each sentence of the new answer:
    # nothing of the unchanged entries is embedded again.
    assert store.embedded - first == 1 + len(answer_sentences(edited))
    # The vocabulary did not change, so no text of the other files was analysed again.
    assert provider.current.matcher.analyzer is analyzer
    assert provider.check() is False and provider.files.parsed == ["knowledge/faq/b.yaml"]


def test_answers_after_an_incremental_reload_are_the_edited_ones(tmp_path):
    kb = _kb(tmp_path)
    provider = _provider(tmp_path, kb)
    assert provider.current.matcher.match("大学生参军入伍有什么优待").answer_id == "military-enlist"

    new_answer = "求职补贴改为每年九月在线申请，登录就业网上传困难证明即可。"
    _write(kb, "b.yaml", [("subsidy-apply", "求职补贴怎么申请？", new_answer), FILES["b.yaml"][1]])
    _write(kb, "a.yaml", [("archive-transfer", *FILES["a.yaml"][0][1:]), FILES["a.yaml"][1]])
    (kb / "faq" / "c.yaml").unlink()
    assert provider.check() is True
    loaded = provider.current
    assert loaded.kb.by_id("subsidy-apply").answer == new_answer
    assert loaded.matcher.match("求职补贴怎么申请").answer_id == "subsidy-apply"
    assert loaded.kb.by_id("archive-move") is None
    assert loaded.matcher.match("档案怎么转到人才市场").answer_id == "archive-transfer"
    assert loaded.kb.by_id("military-enlist") is None and loaded.kb.by_id("selection-exam") is None
    ids = {c.id for c in loaded.matcher.match("大学生参军入伍有什么优待").candidates}
    assert not ids & {"military-enlist", "selection-exam"}
    assert len(loaded.kb.entries) == 4 and loaded.matcher.index.entries == list(loaded.kb.entries)
