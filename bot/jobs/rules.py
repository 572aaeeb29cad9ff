"""The field rules staff must follow for jobs and fairs, with Chinese explanations.

Rules live here, not in the file reader, so the CLI import, the console upload, the admin
API and the feed all accept and reject exactly the same things, with the same words.
A row without an id gets one made from what identifies it (company, title and city for a
job; title and start for a fair), so importing the same sheet twice updates it.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Callable, Generic, Iterable, Mapping, TypeVar

from ..records import Fair, Job
from .importer import Row
from .schema import FAIRS, JOBS, Schema
from .values import ValueProblem, as_list, read_date, read_datetime, text

URL = re.compile(r"^https?://\S+$")
ID = re.compile(r"[\w.\-]{1,64}")
JOB_TYPES = ("全职", "实习")
FAIR_KINDS = ("双选会", "宣讲会", "空中宣讲")

T = TypeVar("T")


class RowError(Exception):
    """One row is unusable; the message says what is wrong in Chinese."""


def parse_datetime(value: Any, name: str, schema: Schema = FAIRS) -> datetime:
    """A date-time as staff write it; without an offset it is Asia/Shanghai."""
    try:
        return read_datetime(value)
    except ValueProblem:
        raise RowError(f"{schema.name(name)}“{text(value)}”不是有效的时间，"
                       f"请写成 2026-12-01 14:00 或 2026/12/1 14:00 这样的格式") from None


def parse_date(value: Any, name: str, schema: Schema = JOBS) -> date:
    try:
        return read_date(value)
    except ValueProblem:
        raise RowError(f"{schema.name(name)}“{text(value)}”不是有效的日期，"
                       f"请写成 2026-12-31 这样的格式") from None


def content_id(prefix: str, *parts: str) -> str:
    """A stable id from the text that identifies a row (case, width and spaces ignored)."""
    key = "\x1f".join("".join(unicodedata.normalize("NFKC", p).lower().split()) for p in parts)
    return f"{prefix}-{hashlib.sha1(key.encode('utf-8')).hexdigest()[:12]}"


def _fields(values: Mapping[str, Any], schema: Schema) -> dict[str, Any]:
    """Constructor arguments as text and lists; checks what every kind of row shares."""
    missing = [schema.name(n) for n in schema.required if not text(values.get(n))]
    if missing:
        raise RowError("缺少必填字段 " + "、".join(missing))
    kw: dict[str, Any] = {}
    for name in schema.fields:
        if name in schema.lists:
            kw[name] = as_list(values.get(name))
        elif text(values.get(name)):
            kw[name] = text(values[name])
    if "id" in kw and not ID.fullmatch(kw["id"]):
        raise RowError(f"id（编号）“{kw['id']}”只能用字母、数字、-、_、.，最长 64 个字符")
    if not URL.match(kw["url"]):
        raise RowError(f"url（链接）“{kw['url']}”应以 http:// 或 https:// 开头")
    return kw


def job_from_values(values: Mapping[str, Any]) -> Job:
    """A job from a row's values by field name (headers already mapped)."""
    kw = _fields(values, JOBS)
    if kw.get("type") and kw["type"] not in JOB_TYPES:
        raise RowError(f"type（类型）“{kw['type']}”只能是 全职 或 实习")
    if kw.get("deadline"):
        kw["deadline"] = parse_date(values["deadline"], "deadline").isoformat()
    if kw.get("published_at"):
        kw["published_at"] = parse_datetime(values["published_at"], "published_at",
                                            JOBS).isoformat()
    kw.setdefault("id", content_id("job", kw["company"], kw["title"], kw["city"]))
    return Job(**kw)


def fair_from_values(values: Mapping[str, Any]) -> Fair:
    kw = _fields(values, FAIRS)
    if kw.get("kind") and kw["kind"] not in FAIR_KINDS:
        raise RowError(f"kind（类别）“{kw['kind']}”只能是 {' / '.join(FAIR_KINDS)}")
    start = parse_datetime(values["starts_at"], "starts_at")
    kw["starts_at"] = start.isoformat()
    if kw.get("ends_at"):
        end = parse_datetime(values["ends_at"], "ends_at")
        if end < start:
            raise RowError("ends_at（结束时间）早于 starts_at（开始时间）")
        kw["ends_at"] = end.isoformat()
    kw.setdefault("id", content_id("fair", kw["title"], kw["starts_at"]))
    return Fair(**kw)


@dataclass
class Checked(Generic[T]):
    """One row after the rules: its item, or why it was rejected."""

    line: int
    item: T | None = None
    error: str = ""


@dataclass
class Validation(Generic[T]):
    checked: list[Checked[T]] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)      # "file:line: why"
    warnings: list[str] = field(default_factory=list)

    @property
    def good(self) -> list[T]:
        """The usable items, a later row with the same id winning over an earlier one."""
        latest: dict[str, T] = {}
        for c in self.checked:
            if c.item is not None:
                latest.pop(getattr(c.item, "id"), None)
                latest[getattr(c.item, "id")] = c.item
        return list(latest.values())


def _where(source: str, line: int) -> str:
    return f"{source}:{line}" if line else source


def validate(rows: Iterable[Row], source: str, schema: Schema,
             build: Callable[[Mapping[str, Any]], T]) -> Validation[T]:
    """Every row through `schema`'s headers and `build`'s rules, with messages by line."""
    out: Validation[T] = Validation()
    rows = list(rows)
    headers: list[str] = []
    for row in rows:
        if isinstance(row.data, dict):
            headers.extend(str(h) for h in row.data if str(h) not in headers)
    columns = schema.columns(headers)
    first_line = rows[0].line if rows else 0
    for header in columns.unknown:
        out.warnings.append(
            f"{_where(source, first_line)}: 未知字段“{header}”：已原样保存在 extra 里，"
            f"不参与匹配；如果是拼写错误请改正后重新导入")
    for header, earlier, name in columns.doubled:
        out.warnings.append(f"{source}: 列“{header}”和“{earlier}”都是 {schema.name(name)}，"
                            f"只用了“{earlier}”")
    ids: dict[str, int] = {}
    for row in rows:
        where = _where(source, row.line)
        if not isinstance(row.data, dict):
            message = "这一条不是“字段: 值”的形式"
            out.checked.append(Checked(row.line, error=message))
            out.rejected.append(f"{where}: {message}")
            continue
        values, unknown = columns.apply(row.data)
        try:
            item = build(values)
        except RowError as exc:
            out.checked.append(Checked(row.line, error=str(exc)))
            out.rejected.append(f"{where}: {exc}")
            continue
        if unknown and hasattr(item, "extra"):
            item.extra = {str(k): text(v) for k, v in unknown.items() if text(v)}
        item_id = getattr(item, "id")
        if item_id in ids:
            out.warnings.append(f"{where}: 与第 {ids[item_id]} 行是同一条（id“{item_id}”），"
                                f"以后出现的为准")
        ids[item_id] = row.line
        out.checked.append(Checked(row.line, item))
    return out
