"""Reading job and fair files (CSV, YAML, JSON) into rows, each with its line number.

Only reading happens here: the rules for a row are in `rules`, storing in `ingest`.
Staff are not programmers, so a file that cannot be read at all says why in Chinese.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml


@dataclass
class Row:
    line: int
    data: dict[str, Any]


class FileError(Exception):
    """The whole file cannot be read; the message names the file and the problem."""


def read_rows(path: Path) -> list[Row]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise FileError(f"{path}: 无法读取文件（请保存为 UTF-8 编码）：{exc}") from exc
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return csv_rows(text)
    if suffix in (".yaml", ".yml"):
        return yaml_rows(text, str(path))
    if suffix == ".json":
        return json_rows(text, str(path))
    raise FileError(f"{path}: 只支持 .csv、.yaml、.yml、.json 文件")


def csv_rows(text: str) -> list[Row]:
    reader = csv.DictReader(io.StringIO(text))
    rows = []
    for record in reader:
        data = {(k or "").strip(): v for k, v in record.items() if k is not None}
        if None in record:
            data["(多余的列)"] = "、".join(record[None])
        if any((v or "").strip() for v in data.values() if isinstance(v, str)):
            rows.append(Row(reader.line_num, data))
    return rows


def yaml_rows(text: str, name: str) -> list[Row]:
    try:
        node = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise FileError(f"{name}: YAML 格式错误：{exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise FileError(f"{name}: 文件应该是一个列表（每条以“- ”开头）")
    lines = [n.start_mark.line + 1 for n in node.value]
    return [Row(line, item) for line, item in zip(lines, data)]


def json_rows(text: str, name: str) -> list[Row]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FileError(f"{name}:{exc.lineno}: JSON 格式错误：{exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise FileError(f"{name}: 文件应该是一个 JSON 数组 [ {{…}}, {{…}} ]")
    lines = _json_object_lines(text)
    return [Row(lines[i] if i < len(lines) else 0, item) for i, item in enumerate(data)]


def _json_object_lines(text: str) -> list[int]:
    """Line of each element of the outermost array: JSON parsers do not keep positions."""
    lines, depth, line, in_str, esc = [], 0, 1, False, False
    for ch in text:
        if ch == "\n":
            line += 1
        if in_str:
            esc = (ch == "\\") and not esc
            if ch == '"' and not esc:
                in_str = False
            continue
        if ch == '"':
            in_str, esc = True, False
            if depth == 1:
                lines.append(line)
        elif ch in "[{":
            if depth == 1:
                lines.append(line)
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif depth == 1 and not ch.isspace() and ch != ",":
            if not lines or lines[-1] != line:
                lines.append(line)
    return lines
