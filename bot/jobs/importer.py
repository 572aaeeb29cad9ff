"""Reading staff files (CSV, XLSX, YAML, JSON) into rows, each with its line number.

Only reading happens here: what a row means is the schema's and the rules' business,
storing is `ingest`'s. Staff save sheets from Excel on Chinese Windows (GBK, or UTF-8
with a BOM), from WPS, or as .xlsx; all of these read the same. A file that cannot be
read at all says why in Chinese and what to do.
"""
from __future__ import annotations

import csv
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from .values import text

SUFFIXES = (".csv", ".xlsx", ".yaml", ".yml", ".json")


@dataclass
class Row:
    line: int
    data: Any                  # a mapping of header -> value; anything else is rejected


class FileError(Exception):
    """The whole file cannot be read; the message names the file and the problem."""


def read_rows(path: Path) -> list[Row]:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise FileError(f"{path}: 无法读取文件：{exc.strerror or exc}") from exc
    return read_bytes(data, path.name, str(path))


def read_bytes(data: bytes, filename: str, name: str | None = None) -> list[Row]:
    """Rows of an uploaded or read file; `filename` decides the format, `name` the messages."""
    name = name or filename
    suffix = Path(filename).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        if suffix in (".csv", ".xlsx", ".xlsm", ""):
            return xlsx_rows(data, name)
        raise FileError(f"{name}: 这是一个压缩文件或 Excel 文件，请另存为 .xlsx 或 .csv 后再导入")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise FileError(f"{name}: 这是旧版 Excel（.xls）文件，请在 Excel 里“另存为”.xlsx 或 CSV 后再导入")
    if suffix in (".xlsx", ".xlsm"):
        raise FileError(f"{name}: 文件扩展名是 .xlsx，但内容不是 Excel 表格，请用 Excel 重新保存")
    if suffix not in SUFFIXES:
        raise FileError(f"{name}: 只支持 .csv、.xlsx、.yaml、.yml、.json 文件")
    content = decode(data, name)
    if suffix == ".csv":
        return csv_rows(content)
    if suffix in (".yaml", ".yml"):
        return yaml_rows(content, name)
    return json_rows(content, name)


def decode(data: bytes, name: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM (Excel's "Unicode text"), else GBK.

    GB18030 is read as the superset of GBK, so characters GBK lacks do not fail a file.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise FileError(f"{name}: 无法识别文件编码（支持 UTF-8 和 GBK）：请在 Excel 里"
                        f"“另存为”CSV UTF-8，或直接上传 .xlsx") from exc


def _delimiter(content: str) -> str:
    first = content.split("\n", 1)[0]
    return "\t" if first.count("\t") > first.count(",") else ","


def csv_rows(content: str) -> list[Row]:
    reader = csv.reader(io.StringIO(content), delimiter=_delimiter(content))
    headers: list[str] | None = None
    rows = []
    for record in reader:
        if not any(cell.strip() for cell in record):
            continue
        if headers is None:
            headers = [cell.strip() for cell in record]
            continue
        rows.append(Row(reader.line_num, _mapping(headers, record)))
    return rows


def _mapping(headers: list[str], values: list[Any]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for i, value in enumerate(values):
        header = headers[i] if i < len(headers) else ""
        if not header:
            if text(value):
                data.setdefault("(多余的列)", []).append(text(value))
            continue
        data[header] = value.strip() if isinstance(value, str) else value
    if "(多余的列)" in data:
        data["(多余的列)"] = "、".join(data["(多余的列)"])
    return data


def xlsx_rows(data: bytes, name: str) -> list[Row]:
    """The first worksheet: the first non-empty row is the header, lines are Excel's rows."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError) as exc:
        raise FileError(f"{name}: 无法打开这个 Excel 文件（{exc}）：请用 Excel 重新保存为 .xlsx") from exc
    try:
        sheet = book.worksheets[0]
        sheet.reset_dimensions()      # some writers store a wrong size; read what is there
        headers: list[str] | None = None
        rows = []
        for number, cells in enumerate(sheet.iter_rows(values_only=True), start=1):
            if not any(text(c) for c in cells):
                continue
            if headers is None:
                headers = [text(c) for c in cells]
                continue
            rows.append(Row(number, _mapping(headers, list(cells))))
        return rows
    finally:
        book.close()


def yaml_rows(content: str, name: str) -> list[Row]:
    try:
        node = yaml.compose(content)
        data = yaml.safe_load(content)
    except yaml.YAMLError as exc:
        raise FileError(f"{name}: YAML 格式错误：{exc}") from exc
    if data is None:
        return []
    if not isinstance(data, list):
        raise FileError(f"{name}: 文件应该是一个列表（每条以“- ”开头）")
    lines = [n.start_mark.line + 1 for n in node.value]
    return [Row(line, item) for line, item in zip(lines, data)]


def json_rows(content: str, name: str) -> list[Row]:
    try:
        data = json.loads(content)
    except json.JSONDecodeError as exc:
        raise FileError(f"{name}:{exc.lineno}: JSON 格式错误：{exc.msg}") from exc
    if isinstance(data, dict) and isinstance(data.get("items"), list):
        data = data["items"]
    if not isinstance(data, list):
        raise FileError(f"{name}: 文件应该是一个 JSON 数组 [ {{…}}, {{…}} ]")
    lines = _json_object_lines(content)
    return [Row(lines[i] if i < len(lines) else 0, item) for i, item in enumerate(data)]


def _json_object_lines(content: str) -> list[int]:
    """Line of each element of the outermost array: JSON parsers do not keep positions."""
    lines, depth, line, in_str, esc = [], 0, 1, False, False
    for ch in content:
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
