"""The roster staff import: the rule for a row, through the shared reader and schema.

Files are read by `jobs.importer` and headers mapped by the `ROSTER` schema
(`jobs.schema`: 学号, 姓名, 意向城市 … and the spellings offices use), so a roster comes
in the same formats, with the same per-line errors, as jobs and fairs. Only the listed
fields are kept (个人信息保护法): a 手机号 column is reported and left out, never stored.
Re-importing updates by 学号; a bound student's profile then takes the survey's new
values, except what the student changed themselves. A preview (`write=False`) says what
would happen without writing, for the console's upload.
"""
from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Iterable, Mapping

from ..context import BotContext
from ..jobs.importer import Row, read_bytes, read_rows
from ..jobs.ingest import ImportReport, RowOutcome
from ..jobs.rules import RowError
from ..jobs.schema import ROSTER
from ..jobs.values import as_list, clean, text
from ..people import LIST_FIELDS, RosterRecord, degree_name, degree_rank
from .profiles import refresh_from_roster

SCHEMA = ROSTER.with_aliases({
    "学院名称": "college", "专业名称": "major", "学历层次": "degree", "意向城市/地区": "want_cities",
    "意向就业城市": "want_cities", "意向就业地区": "want_cities", "意向岗位类别": "want_keywords",
    "意向就业行业": "want_industries", "帮扶老师": "mentor", "重点帮扶对象": "priority"})
YES = {"是", "y", "yes", "true", "1", "重点", "√"}
NO = {"否", "n", "no", "false", "0", "", "无", "不是"}
_NUMBER = re.compile(r"[A-Z0-9][A-Z0-9\-]{2,31}")
KEPT = "、".join(SCHEMA.labels[f] for f in SCHEMA.fields)


def normalize_number(value: Any) -> str:
    """A 学号 in one spelling: full width folded, upper case (2022010001.0 from Excel too)."""
    return clean(text(value)).upper()


def record_from_values(values: Mapping[str, Any]) -> RosterRecord:
    """A roster record from a row's values by field name (headers already mapped)."""
    missing = [SCHEMA.name(n) for n in SCHEMA.required if not text(values.get(n))]
    if missing:
        raise RowError("缺少必填字段 " + "、".join(missing))
    number = normalize_number(values["student_no"])
    if not _NUMBER.fullmatch(number):
        raise RowError(f"学号“{text(values['student_no'])}”只能由字母、数字和 - 组成，3 到 32 位")
    name = clean(values["name"])
    if len(name) > 40:
        raise RowError("姓名（name）超过 40 个字，请检查是否填错了列")
    kw: dict[str, Any] = {f: clean(text(values.get(f))) for f in SCHEMA.optional
                          if f not in LIST_FIELDS and f != "priority"}
    for f in LIST_FIELDS:
        kw[f] = tuple(clean(v) for v in as_list(values.get(f)))
    if kw["degree"]:
        if not degree_rank(kw["degree"]):
            raise RowError(f"学历（degree）“{kw['degree']}”请写 专科、本科、硕士 或 博士")
        kw["degree"] = degree_name(kw["degree"])
    flag = clean(text(values.get("priority"))).lower()
    if flag not in YES | NO:
        raise RowError(f"重点帮扶（priority）“{text(values.get('priority'))}”只能填 是 或 否")
    return RosterRecord(student_no=number, name=name, priority=flag in YES, **kw)


def _where(source: str, line: int) -> str:
    return f"{source}:{line}" if line else source


def import_rows(ctx: BotContext, rows: Iterable[Row], source: str,
                write: bool = True) -> ImportReport:
    rows = list(rows)
    report = ImportReport(source, written=write)
    headers: list[str] = []
    for row in rows:
        if isinstance(row.data, dict):
            headers.extend(str(h) for h in row.data if str(h) not in headers)
    columns = SCHEMA.columns(headers)
    first = _where(source, rows[0].line if rows else 0)
    for header in columns.unknown:
        report.warnings.append(f"{first}: 未知字段“{header}”：没有导入（名单只保存{KEPT}）")
    for header, earlier, name in columns.doubled:
        report.warnings.append(f"{source}: 列“{header}”和“{earlier}”都是 {SCHEMA.name(name)}，"
                               f"只用了“{earlier}”")
    good: dict[str, RosterRecord] = {}
    lines: dict[str, int] = {}
    for row in rows:
        where = _where(source, row.line)
        try:
            if not isinstance(row.data, dict):
                raise RowError("这一条不是“字段: 值”的形式")
            record = record_from_values(columns.apply(row.data)[0])
        except RowError as exc:
            report.rejected.append(f"{where}: {exc}")
            report.rows.append(RowOutcome(row.line, "rejected", message=str(exc)))
            continue
        if record.student_no in good:
            report.warnings.append(f"{where}: 学号“{record.student_no}”与第 "
                                   f"{lines[record.student_no]} 行重复，以后出现的为准")
        good[record.student_no], lines[record.student_no] = record, row.line
        report.rows.append(RowOutcome(row.line, "", record.student_no, record.name))
    known = ctx.stores.roster.existing(list(good))
    for outcome in report.rows:
        if outcome.status == "":
            outcome.status = "updated" if outcome.id in known else "added"
    report.added = [n for n in good if n not in known]
    report.updated = [n for n in good if n in known]
    if write and good:
        ctx.stores.roster.upsert(good.values())
        refresh_from_roster(ctx, list(good.values()))
    return report


def import_file(ctx: BotContext, path: Path, write: bool = True) -> ImportReport:
    return import_rows(ctx, read_rows(path), str(path), write)


def import_upload(ctx: BotContext, data: bytes, filename: str, write: bool = True) -> ImportReport:
    """A file staff uploaded in the console (raises FileError when it cannot be read)."""
    return import_rows(ctx, read_bytes(data, filename), filename, write)


def import_objects(ctx: BotContext, items: list[Any], source: str,
                   write: bool = True) -> ImportReport:
    """Objects from JSON (admin API); positions are reported as 第 N 条."""
    return import_rows(ctx, [Row(i, item) for i, item in enumerate(items, 1)], source, write)
