"""Reading job and fair files (CSV, YAML, JSON) row by row, with line numbers.

Staff are not programmers: every bad row is reported with its line and what is wrong,
and the good rows are still imported, so one typo never blocks a whole batch.
"""
from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable

import yaml

from .model import Fair, Job, RowError


@dataclass
class Row:
    line: int
    data: dict[str, Any]


@dataclass
class ImportReport:
    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)      # "file:line: why"
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.source}：新增 {len(self.added)} 条，更新 {len(self.updated)} 条，"
                f"拒绝 {len(self.rejected)} 条")

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "rejected": self.rejected,
                "warnings": self.warnings}


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


def validate(rows: Iterable[Row], source: str, build: Callable[[dict], tuple[Any, list[str]]],
             report: ImportReport) -> list[Any]:
    """Good items, with bad rows and unknown columns recorded in `report`."""
    good, unknown_seen, ids = [], set(), {}
    for row in rows:
        where = f"{source}:{row.line}" if row.line else source
        if not isinstance(row.data, dict):
            report.rejected.append(f"{where}: 这一条不是“字段: 值”的形式")
            continue
        try:
            item, unknown = build(row.data)
        except RowError as exc:
            report.rejected.append(f"{where}: {exc}")
            continue
        if item.id in ids:
            report.warnings.append(f"{where}: id“{item.id}”与第 {ids[item.id]} 行重复，以后出现的为准")
        ids[item.id] = row.line
        for name in unknown:
            if name not in unknown_seen:
                unknown_seen.add(name)
                report.warnings.append(f"{where}: 未知字段“{name}”：已原样保存在 extra 里，"
                                       f"不参与匹配；如果是拼写错误请改正后重新导入")
        good.append(item)
    return good


def build_job(row: dict) -> tuple[Job, list[str]]:
    return Job.from_row(row)


def build_fair(row: dict) -> tuple[Fair, list[str]]:
    return Fair.from_row(row)
