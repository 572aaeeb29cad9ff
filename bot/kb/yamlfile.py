"""Reading a staff-edited YAML file into nodes that remember their lines.

A YAML error becomes one `Problem` that says, in Chinese, what the usual cause is (a Tab,
a ": " inside text, a missing quote) and where, so a non-programmer can fix it.
"""
from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass(frozen=True)
class Problem:
    file: str
    line: int
    message: str
    warning: bool = False

    def __str__(self) -> str:
        prefix = "提醒：" if self.warning else ""
        return f"{self.file}:{self.line}: {prefix}{self.message}"


# libyaml's parser, when PyYAML was built with it (its wheels are): the same nodes with the
# same line marks, several times faster than the pure-Python one. Its error messages are
# worded differently, so a file it refuses is parsed again by the pure-Python parser,
# whose messages `explain_yaml_error` knows.
FAST_LOADER = getattr(yaml, "CSafeLoader", None) if yaml.__with_libyaml__ else None


def compose(path: Path, name: str, problems: list[Problem]) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(name, 1, "文件不是 UTF-8 编码：请用“另存为 UTF-8”重新保存"))
        return None
    except OSError as exc:
        problems.append(Problem(name, 1, f"无法读取文件：{exc.strerror}"))
        return None
    if FAST_LOADER is not None:
        try:
            return yaml.compose(text, Loader=FAST_LOADER)
        except yaml.YAMLError:
            pass                      # explained below, in the pure-Python parser's words
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(name, *explain_yaml_error(exc, text, line)))
    except yaml.YAMLError as exc:
        problems.append(Problem(name, 1, f"YAML 格式错误：{exc}"))
    return None


# Characters that look like a space (or nothing) but are not one to YAML; they come with
# text copied from Word, web pages and chat windows, and with a Chinese input method.
INVISIBLE = {"\u3000": "全角空格（U+3000，中文输入法打出的空格）",
             "\u00a0": "不换行空格（U+00A0，常见于从网页或 Word 复制的文字）",
             "\u200b": "零宽空格（U+200B，看不见）", "\ufeff": "零宽不换行空格（U+FEFF，看不见）",
             "\u2002": "特殊空格（U+2002）", "\u2003": "特殊空格（U+2003）",
             "\u2009": "窄空格（U+2009）", "\u202f": "窄不换行空格（U+202F）"}
_INV = "".join(INVISIBLE)
_LEAD = re.compile(f"[ \t\\-{_INV}]*")
# A key's line: what comes before the key, the key, what comes before and after its colon.
_KEY_LINE = re.compile(f"^([ \t\\-{_INV}]*)([A-Za-z_][A-Za-z0-9_]*)([ \t{_INV}]*)([:：])([ \t{_INV}]*)")


def invisible_in(text: str) -> str | None:
    """The name of the first look-alike space in `text`, or None."""
    return next((INVISIBLE[ch] for ch in text if ch in INVISIBLE), None)


def explain_yaml_error(exc: yaml.MarkedYAMLError, text: str, line: int) -> tuple[int, str]:
    """(line, message): the line the mistake is on, which YAML often reports one late."""
    problem = exc.problem or ""
    lines = text.splitlines()
    near = [n for n in (line, line - 1, line - 2) if 0 < n <= len(lines)]
    for n in near:
        text_n = lines[n - 1]
        m = _KEY_LINE.match(text_n)
        around = m.group(1) + m.group(3) + m.group(5) if m else ""
        # An answer's paragraph may start with a full-width space: only a key's line, or
        # the very line YAML stopped at, is suspected.
        odd = invisible_in(around if m else _LEAD.match(text_n).group(0) if n == line else "")
        if odd:
            where = f"字段名“{m.group(2)}”前后" if m else "这一行开头的缩进里"
            return n, (f"{where}有一个{odd}，看起来像空格，YAML 却不认：请删掉它，"
                       "重新用半角空格（英文输入法的空格键）")
        if m and m.group(4) == "：":
            return n, (f"字段名“{m.group(2)}”后面用了中文冒号“：”：字段名后面要用英文冒号加空格，"
                       f"写成“{m.group(2)}: ……”")
    src = lines[line - 1] if 0 < line <= len(lines) else ""
    if "\t" in src or "'\\t'" in problem:
        hint = "这一行用了 Tab 键缩进，请改用空格"
    elif "mapping values are not allowed" in problem:
        hint = "这一行的内容里有“: ”（冒号加空格），请把整段文字用英文双引号括起来，或改用中文冒号“：”"
    elif "expected <block end>" in problem or "did not find expected" in problem:
        hint = "缩进没有对齐，或者上一行的引号/括号没有配对，请检查这一行和上一行"
    elif "found undefined alias" in problem or "found character" in problem:
        hint = "这一行以特殊符号（如 * & ! % @ `）开头，请把整段文字用英文双引号括起来"
    elif "found unexpected end of stream" in problem or "end of the stream" in problem:
        hint = "引号没有配对：请检查文件末尾附近的引号"
    else:
        hint = "请检查这一行的缩进、冒号和引号"
    return line, f"YAML 格式错误（{problem or exc}）：{hint}"


_constructor = threading.local()


def construct(node: yaml.Node) -> Any:
    """The Python value of a node (one constructor per thread: making one per value cost
    more than the parsing)."""
    loader = getattr(_constructor, "loader", None)
    if loader is None:
        loader = _constructor.loader = yaml.SafeLoader("")
    try:
        return loader.construct_object(node, deep=True)
    finally:
        loader.constructed_objects.clear()
        loader.recursive_objects.clear()


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1
