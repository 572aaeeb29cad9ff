"""Reading a staff-edited YAML file into nodes that remember their lines.

A YAML error becomes one `Problem` that says, in Chinese, what the usual cause is (a Tab,
a ": " inside text, a missing quote) and where, so a non-programmer can fix it.
"""
from __future__ import annotations

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


def compose(path: Path, name: str, problems: list[Problem]) -> yaml.Node | None:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        problems.append(Problem(name, 1, "文件不是 UTF-8 编码：请用“另存为 UTF-8”重新保存"))
        return None
    except OSError as exc:
        problems.append(Problem(name, 1, f"无法读取文件：{exc.strerror}"))
        return None
    try:
        return yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        problems.append(Problem(name, line, explain_yaml_error(exc, text, line)))
    except yaml.YAMLError as exc:
        problems.append(Problem(name, 1, f"YAML 格式错误：{exc}"))
    return None


def explain_yaml_error(exc: yaml.MarkedYAMLError, text: str, line: int) -> str:
    problem = exc.problem or ""
    lines = text.splitlines()
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
    return f"YAML 格式错误（{problem or exc}）：{hint}"


def construct(node: yaml.Node) -> Any:
    return yaml.SafeLoader("").construct_object(node, deep=True)


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1
