"""Validation messages staff see: file:line, what is wrong, how to fix it."""
from __future__ import annotations

from datetime import date
from pathlib import Path

from bot.kb.loader import load_kb

GOOD = """\
- id: a-one
  category: 就业手续
  question: 三方协议丢失了怎么办？
  answer: 去补办。
"""


def write(kb: Path, name: str, text: str) -> None:
    (kb / "faq").mkdir(parents=True, exist_ok=True)
    (kb / "faq" / name).write_text(text, encoding="utf-8")


def messages(kb: Path, today=date(2026, 11, 22)) -> list[str]:
    return [str(p) for p in load_kb(kb, today=today).problems]


def test_valid_kb_loads(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    result = load_kb(tmp_path)
    assert result.kb is not None and result.problems == []
    assert result.kb.by_id("a-one").question == "三方协议丢失了怎么办？"


def test_yaml_syntax_error_names_file_and_line(tmp_path):
    write(tmp_path, "bad.yaml", GOOD + "- id: b\n  question: 问题: 冒号\n  answer: x\n")
    (msg,) = messages(tmp_path)
    assert msg.startswith(f"{tmp_path.name}/faq/bad.yaml:6: YAML 格式错误")
    assert "冒号" in msg and "引号" in msg
    assert load_kb(tmp_path).kb is None


def test_tab_indentation_is_explained(tmp_path):
    write(tmp_path, "tab.yaml", "- id: a\n\tquestion: x\n")
    (msg,) = messages(tmp_path)
    assert ":2:" in msg and "Tab" in msg


def test_unknown_field_suggests_the_right_name(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("  answer:", "  questoin: 另一个\n  answer:"))
    (msg,) = messages(tmp_path)
    assert msg.endswith("a.yaml:4: 未知字段“questoin”，您是不是想写“question”？")


def test_duplicate_ids_across_files(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    write(tmp_path, "b.yaml", "\n" + GOOD.replace("三方协议丢失", "档案"))
    (msg,) = messages(tmp_path)
    assert "b.yaml:2:" in msg and "a.yaml:1" in msg and "重复" in msg


def test_missing_and_empty_question_or_answer(tmp_path):
    write(tmp_path, "a.yaml", "- id: x-1\n  category: 手续\n  question: ''\n"
                              "- id: x-2\n  category: 手续\n  question: 有\n  answer: '   '\n")
    msgs = messages(tmp_path)
    assert any(":3:" in m and "“question”是空的" in m for m in msgs)
    assert any(":1:" in m and "缺少必填字段“answer”" in m for m in msgs)
    assert any(":7:" in m and "“answer”是空的" in m for m in msgs)


def test_same_question_text_in_two_entries(tmp_path):
    write(tmp_path, "a.yaml", GOOD + GOOD.replace("a-one", "a-two").replace("？", "?"))
    (msg,) = messages(tmp_path)
    assert ":5:" in msg and "相同" in msg and "a-one" in msg


def test_same_similar_phrasing_in_two_entries(tmp_path):
    second = ("- id: a-two\n  category: 就业手续\n  question: 三方协议怎么违约？\n"
              "  similar: [三方不想要了, 三方协议丢失了怎么办]\n  answer: 找单位。\n")
    write(tmp_path, "a.yaml", GOOD.replace("  answer:", "  similar: [三方不想要了]\n  answer:") + second)
    msgs = messages(tmp_path)
    assert len(msgs) == 2 and all("a.yaml:6:" in m and "a-one" in m for m in msgs)
    assert any("“三方不想要了”" in m for m in msgs) and any("“三方协议丢失了怎么办”" in m for m in msgs)
    assert load_kb(tmp_path).kb is None


def test_malformed_links(tmp_path):
    write(tmp_path, "a.yaml", GOOD + "  links: [{title: 网站, url: career.example}]\n"
          + GOOD.replace("a-one", "a-2").replace("丢失", "签") + "  links: [{url: https://x.cn}]\n")
    msgs = messages(tmp_path)
    assert any(":5:" in m and "不是有效网址" in m for m in msgs)
    assert any(":10:" in m and "缺少 title 或 url" in m for m in msgs)


def test_past_valid_until_is_only_a_warning(tmp_path):
    write(tmp_path, "a.yaml", GOOD + "  valid_until: 2025-08-31\n")
    result = load_kb(tmp_path, today=date(2026, 11, 22))
    assert result.kb is not None
    (msg,) = map(str, result.problems)
    assert ":5: 提醒：" in msg and "2025-08-31" in msg and "过期" in msg


def test_bad_id_and_bad_list_and_bad_date(tmp_path):
    write(tmp_path, "a.yaml", GOOD.replace("a-one", "A One") + "  similar: {a: b}\n"
          "  valid_until: 明年\n")
    msgs = messages(tmp_path)
    assert any("id“A One”格式不对" in m for m in msgs)
    assert any(":5:" in m and "“similar”应是一个列表" in m for m in msgs)
    assert any(":6:" in m and "应是日期" in m for m in msgs)


def test_not_a_list_and_not_utf8(tmp_path):
    write(tmp_path, "a.yaml", "id: x\n")
    (tmp_path / "faq" / "b.yaml").write_bytes("- id: 三方".encode("gbk"))
    msgs = messages(tmp_path)
    assert any("a.yaml:1: 文件应是一个列表" in m for m in msgs)
    assert any("b.yaml:1: 文件不是 UTF-8 编码" in m for m in msgs)


def test_synonym_variant_under_two_terms(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    (tmp_path / "synonyms.yaml").write_text("三方协议: [三方, 协议]\n档案: [协议]\n", encoding="utf-8")
    (msg,) = messages(tmp_path)
    assert "synonyms.yaml:2:" in msg and "“协议”同时是" in msg


def test_empty_faq_folder(tmp_path):
    (tmp_path / "faq").mkdir()
    (msg,) = messages(tmp_path)
    assert "没有找到任何问答文件" in msg


def test_questions_that_are_not_ours_load_and_their_mistakes_name_the_line(tmp_path):
    write(tmp_path, "a.yaml", GOOD)
    not_ours = tmp_path / "not_ours.yaml"
    not_ours.write_text("# 学生来问、但不归就业办答的问题\n- 饭卡在哪里充值\n- 宿舍空调坏了找谁修\n", encoding="utf-8")
    result = load_kb(tmp_path)
    assert result.problems == [] and result.kb.not_ours == ("饭卡在哪里充值", "宿舍空调坏了找谁修")
    assert result.kb.without_similar().not_ours == result.kb.not_ours

    not_ours.write_text("- 饭卡在哪里充值\n- 饭卡 在哪里充值？\n", encoding="utf-8")
    (msg,) = messages(tmp_path)
    assert msg.startswith(f"{tmp_path.name}/not_ours.yaml:2:") and "已经写过" in msg
    assert load_kb(tmp_path).kb.not_ours == ("饭卡在哪里充值",)      # a repeat only warns

    not_ours.write_text("- 饭卡在哪里充值\n-\n- [选课, 退课]\n- 三方协议丢失了怎么办\n", encoding="utf-8")
    msgs = messages(tmp_path)
    assert [m.split(": ", 1)[0] for m in msgs] == [f"{tmp_path.name}/not_ours.yaml:{n}"
                                                  for n in (2, 3, 4)]
    assert "不能是空的" in msgs[0] and "分成几项" in msgs[1]
    assert "问答 a-one 自己的问法" in msgs[2]                    # it would silence that entry
    assert load_kb(tmp_path).kb is None

    not_ours.write_text("饭卡: 后勤处\n", encoding="utf-8")
    (msg,) = messages(tmp_path)
    assert msg.startswith(f"{tmp_path.name}/not_ours.yaml:1:") and "每行一个" in msg

    not_ours.write_text("# 还没有\n", encoding="utf-8")                # an empty file is fine
    assert load_kb(tmp_path).kb.not_ours == ()
