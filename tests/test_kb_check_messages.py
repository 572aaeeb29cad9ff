"""What `kb check` tells staff about the mistakes a Chinese keyboard and copy-paste make,
and about sample values (example.edu.cn, 010-00000000) that would reach students."""
from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from bot.config import load_config
from bot.kb.loader import load_kb
from bot.placeholders import settings_warnings

from .support.builders import SMALL_KB, settings_line
from .support.clients import run_cli

ENTRY = "- id: {id}\n  category: 就业手续\n  question: {q}\n  answer: {a}\n"
TWO = ENTRY.format(id="a-one", q="三方协议丢了怎么办", a="补办。") + \
      ENTRY.format(id="a-two", q="档案怎么转", a="转出。")


def problems(tmp_path: Path, text: str) -> list[str]:
    (tmp_path / "faq").mkdir(exist_ok=True)
    (tmp_path / "faq" / "a.yaml").write_text(text, encoding="utf-8")
    return [str(p) for p in load_kb(tmp_path, today=date(2026, 11, 22)).problems]


def test_a_full_width_colon_is_reported_on_its_own_line(tmp_path):
    [msg] = problems(tmp_path, TWO.replace("  question: 三方", "  question：三方"))
    assert msg == (f"{tmp_path.name}/faq/a.yaml:3: 字段名“question”后面用了中文冒号“：”："
                   "字段名后面要用英文冒号加空格，写成“question: ……”")


def test_a_missing_dash_gives_one_message_that_keeps_the_data(tmp_path):
    text = TWO.replace("- id: a-two", "  id: a-two").replace("  question: 档案怎么转",
                                                            "  question: 档案怎么转\n  similar: [档案转移]")
    [msg] = problems(tmp_path, text)
    assert msg.startswith(f"{tmp_path.name}/faq/a.yaml:5: 这里的“id”像是新的一条问答的开头，但行首少了“- ”")
    assert "写成“- id: …”" in msg and "删掉" not in msg


def test_a_field_really_written_twice_names_both_lines(tmp_path):
    [msg] = problems(tmp_path, TWO.replace("  answer: 补办。", "  answer: 补办。\n  answer: 去补办。"))
    assert msg.endswith("a.yaml:5: 字段“answer”在同一条问答里写了两次（第 4 行和第 5 行）："
                        "请保留正确的那一个，删掉另一个")


@pytest.mark.parametrize("space, name", [("\u3000", "全角空格（U+3000"), ("\u00a0", "不换行空格（U+00A0")])
@pytest.mark.parametrize("where", ["\u2423 question: 三方", "  question:\u2423三方", "  question\u2423: 三方"])
def test_look_alike_spaces_are_named(tmp_path, space, name, where):
    text = TWO.replace("  question: 三方", where.replace("\u2423", space))
    msgs = problems(tmp_path, text)
    assert msgs and msgs[0].startswith(f"{tmp_path.name}/faq/a.yaml:3: ") and name in msgs[0], msgs
    assert len(msgs) == 1 and "缩进没有对齐" not in msgs[0]


def test_a_paragraph_indented_with_full_width_spaces_is_fine(tmp_path):
    text = TWO.replace("  answer: 补办。", "  answer: |\n    \u3000\u3000第一段。\n    \u3000\u3000第二段。")
    assert problems(tmp_path, text) == []


def test_sample_links_and_phones_in_answers_are_warnings_with_their_line(tmp_path):
    text = TWO.replace("补办。", "补办，电话 010-00000000。").replace(
        "  answer: 转出。", "  answer: 转出。\n  links: [{title: 说明, url: https://career.example.edu.cn/dangan}]")
    result_problems = problems(tmp_path, text)
    assert result_problems == [
        f"{tmp_path.name}/faq/a.yaml:4: 提醒：电话“010-00000000”是示例值，学生打过去没人接：请换成本校真实的电话",
        f"{tmp_path.name}/faq/a.yaml:9: 提醒：链接“https://career.example.edu.cn/dangan”是示例值，"
        "学生点开是打不开的：请换成本校真实的网址"]
    assert load_kb(tmp_path).kb is not None                    # warnings, not errors


def test_contact_settings_with_sample_values_are_named_with_their_line():
    lines = settings_warnings(load_config(env={}))
    assert [line.split(" 提醒：")[0] for line in lines] == [settings_line("phone:"), settings_line("email:")]
    assert "contact.phone：电话“010-00000000”是示例值" in lines[0]
    assert settings_warnings(load_config(env={"BOT_CONTACT__PHONE": "010-62751234",
                                              "BOT_CONTACT__EMAIL": "jyzx@pku.edu.cn"})) == []


def test_template_settings_wechat_ignores_are_named():
    config = load_config({"push": {"wechat": {"mode": "subscribe", "subscribe": {
        "digest": {"id": "T", "fields": {"first": "title"}}, "reminder": {"id": "R"},
        "broadcast": {"id": "B"}}}}}, env={"BOT_CONTACT__PHONE": "1", "BOT_CONTACT__EMAIL": "x@y.cn"})
    [line] = settings_warnings(config)
    assert "push.wechat.subscribe.digest.fields 里的 first 自 2023 年 5 月起微信不再显示" in line


def test_kb_check_prints_warnings_and_still_passes():
    r = run_cli("kb", "check", "--quick", "--kb", str(SMALL_KB))
    assert r.returncode == 0, r.stderr
    out = r.stdout.splitlines()
    assert "kb_small/faq/jiceng.yaml:20: 提醒：链接“https://career.example.edu.cn/szyf”是示例值，" \
           "学生点开是打不开的：请换成本校真实的网址" in out
    assert any(line.startswith(settings_line("phone:") + " 提醒：contact.phone") for line in out)
    assert out[-1].startswith("知识库检查通过：6 条问答") and out[-1].endswith("配置里 2 条提醒。")
