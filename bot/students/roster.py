"""The roster staff import: the columns, their Chinese names, and the rule for a row.

Files are read by the shared reader (`jobs.importer`), so a roster comes in the same
formats, with the same per-line errors, as jobs and fairs. Only the listed fields are
kept (个人信息保护法: a phone number column is reported and left out, never stored).
Re-importing updates by 学号; a bound student's profile then takes the survey's new
values, except what the student changed themselves.
"""
from __future__ import annotations

import re
import unicodedata
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..context import BotContext
from ..jobs.importer import Row, read_rows
from ..jobs.ingest import ImportReport
from ..jobs.rules import RowError, as_list
from ..people import RosterRecord, degree_name, degree_rank
from .profiles import refresh_from_roster

FIELDS = {"student_no": "学号", "name": "姓名", "college": "学院", "major": "专业",
          "degree": "学历", "class_year": "届别", "origin": "生源地", "want_cities": "意向城市",
          "want_industries": "意向行业", "want_keywords": "意向岗位", "mentor": "帮扶导师",
          "priority": "重点帮扶"}
REQUIRED = ("student_no", "name")
LISTS = ("want_cities", "want_industries", "want_keywords")
ALIASES = {**{v: k for k, v in FIELDS.items()},
           "院系": "college", "学院名称": "college", "专业名称": "major", "学历层次": "degree",
           "培养层次": "degree", "毕业届别": "class_year", "届": "class_year", "毕业年份": "class_year",
           "生源所在地": "origin", "意向地区": "want_cities", "意向城市/地区": "want_cities",
           "意向就业城市": "want_cities", "意向职位": "want_keywords", "意向岗位类别": "want_keywords",
           "导师": "mentor", "帮扶老师": "mentor", "是否重点帮扶": "priority", "重点帮扶对象": "priority"}
YES = {"是", "y", "yes", "true", "1", "重点", "√"}
NO = {"否", "n", "no", "false", "0", "", "无"}
_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9\-]{2,31}")


def canonical_header(name: str) -> str:
    clean = unicodedata.normalize("NFKC", str(name)).strip()
    return ALIASES.get(clean, clean.lower())


def normalize_number(value: Any) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip().upper()


def _text(value: Any) -> str:
    return "" if value is None else unicodedata.normalize("NFKC", str(value)).strip()


def record_from_row(row: Mapping[str, Any]) -> tuple[RosterRecord, list[str]]:
    """A roster record from one row, and the column names it does not know."""
    data: dict[str, Any] = {}
    unknown = []
    for header, value in row.items():
        name = canonical_header(header)
        if name in FIELDS:
            data[name] = value
        elif _text(value):
            unknown.append(str(header))
    missing = [f"{n}（{FIELDS[n]}）" for n in REQUIRED if not _text(data.get(n))]
    if missing:
        raise RowError("缺少必填字段 " + "、".join(missing))
    number = normalize_number(data["student_no"])
    if not _NUMBER.fullmatch(number):
        raise RowError(f"学号“{data['student_no']}”只能由字母、数字和 - 组成，3 到 32 位")
    name = _text(data["name"])
    if len(name) > 40:
        raise RowError("姓名（name）超过 40 个字，请检查是否填错了列")
    kw: dict[str, Any] = {k: _text(data.get(k)) for k in FIELDS if k not in LISTS + ("priority",)}
    kw.update(student_no=number, name=name)
    for k in LISTS:
        kw[k] = tuple(as_list(data.get(k)))
    if kw["degree"]:
        if not degree_rank(kw["degree"]):
            raise RowError(f"学历（degree）“{kw['degree']}”请写 专科、本科、硕士 或 博士")
        kw["degree"] = degree_name(kw["degree"])
    flag = _text(data.get("priority")).lower()
    if flag not in YES | NO:
        raise RowError(f"重点帮扶（priority）“{data.get('priority')}”只能填 是 或 否")
    kw["priority"] = flag in YES
    return RosterRecord(**kw), unknown


def validate(rows: Iterable[Row], source: str) -> tuple[list[RosterRecord], list[str], list[str]]:
    """(good records, rejected "file:line: why", warnings)."""
    good: dict[str, RosterRecord] = {}
    lines: dict[str, int] = {}
    rejected, warnings, unknown_seen = [], [], set()
    for row in rows:
        where = f"{source}:{row.line}" if row.line else source
        if not isinstance(row.data, dict):
            rejected.append(f"{where}: 这一条不是“字段: 值”的形式")
            continue
        try:
            record, unknown = record_from_row(row.data)
        except RowError as exc:
            rejected.append(f"{where}: {exc}")
            continue
        if record.student_no in good:
            warnings.append(f"{where}: 学号“{record.student_no}”与第 {lines[record.student_no]} 行"
                            f"重复，以后出现的为准")
        good[record.student_no], lines[record.student_no] = record, row.line
        for name in unknown:
            if name not in unknown_seen:
                unknown_seen.add(name)
                warnings.append(f"{where}: 未知字段“{name}”：没有导入（名单只保存学号、姓名、"
                                f"学院、专业、学历、届别、生源地、意向、帮扶导师、重点帮扶）")
    return list(good.values()), rejected, warnings


def import_rows(ctx: BotContext, rows: Iterable[Row], source: str) -> ImportReport:
    report = ImportReport(source)
    records, report.rejected, report.warnings = validate(rows, source)
    report.added, report.updated = ctx.stores.roster.upsert(records)
    refresh_from_roster(ctx, records)
    return report


def import_file(ctx: BotContext, path: Path) -> ImportReport:
    return import_rows(ctx, read_rows(path), str(path))


def import_objects(ctx: BotContext, items: list[Any], source: str) -> ImportReport:
    """Objects from JSON (admin API, the console's upload); positions are 第 N 条."""
    return import_rows(ctx, [Row(i, item) for i, item in enumerate(items, 1)], source)
