"""The field rules staff must follow for jobs and fairs, with Chinese explanations.

Rules live here, not in the file reader, so the CLI import, the admin API and the feed
all accept and reject exactly the same things, with the same words.
"""
from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any, Callable, Iterable, Mapping, TypeVar

from ..clock import SHANGHAI
from ..records import Fair, Job
from .importer import Row

LIST_SPLIT = re.compile(r"[;；、]")
URL = re.compile(r"^https?://\S+$")

JOB_REQUIRED = ("id", "title", "company", "city", "url")
JOB_OPTIONAL = ("industry", "majors", "degree", "type", "tags", "salary", "deadline",
                "published_at", "description")
JOB_LISTS = ("majors", "tags")
JOB_TYPES = ("全职", "实习")

FAIR_REQUIRED = ("id", "title", "starts_at", "location", "url")
FAIR_OPTIONAL = ("kind", "ends_at", "companies", "industries", "description")
FAIR_LISTS = ("companies", "industries")
FAIR_KINDS = ("双选会", "宣讲会", "空中宣讲")

FIELD_NAMES = {
    "id": "编号", "title": "标题", "company": "公司", "city": "城市", "url": "链接",
    "industry": "行业", "majors": "专业", "degree": "学历", "type": "类型", "tags": "标签",
    "salary": "薪资", "deadline": "截止日期", "published_at": "发布时间", "description": "说明",
    "starts_at": "开始时间", "ends_at": "结束时间", "location": "地点", "kind": "类别",
    "companies": "参会单位", "industries": "行业",
}

T = TypeVar("T")


class RowError(Exception):
    """One row is unusable; the message says what is wrong in Chinese."""


def parse_datetime(value: Any, name: str) -> datetime:
    """ISO-like date-times; without an offset they are Asia/Shanghai, as staff write them."""
    if isinstance(value, datetime):
        dt = value
    elif isinstance(value, date):
        dt = datetime(value.year, value.month, value.day)
    else:
        text = str(value).strip().replace("/", "-")
        try:
            dt = datetime.fromisoformat(text)
        except ValueError:
            raise RowError(f"{name}（{FIELD_NAMES.get(name, name)}）“{value}”不是有效的时间，"
                           f"请写成 2026-12-01 14:00 这样的格式") from None
    return dt.replace(tzinfo=SHANGHAI) if dt.tzinfo is None else dt


def parse_date(value: Any, name: str) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip().replace("/", "-"))
    except ValueError:
        raise RowError(f"{name}（{FIELD_NAMES.get(name, name)}）“{value}”不是有效的日期，"
                       f"请写成 2026-12-31 这样的格式") from None


def as_list(value: Any) -> list[str]:
    if value is None or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    return [p.strip() for p in LIST_SPLIT.split(str(value)) if p.strip()]


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def _check(row: Mapping[str, Any], required: tuple[str, ...], known: tuple[str, ...]
           ) -> tuple[dict[str, Any], list[str]]:
    missing = [f"{n}（{FIELD_NAMES[n]}）" for n in required if not _text(row.get(n))]
    if missing:
        raise RowError("缺少必填字段 " + "、".join(missing))
    unknown = [str(k) for k in row if k not in known]
    out = {k: row[k] for k in known if k in row and row[k] not in (None, "")}
    if not re.fullmatch(r"[\w.\-]{1,64}", _text(row["id"])):
        raise RowError(f"id（编号）“{row['id']}”只能用字母、数字、-、_、.，最长 64 个字符")
    if not URL.match(_text(row["url"])):
        raise RowError(f"url（链接）“{row['url']}”应以 http:// 或 https:// 开头")
    return out, unknown


def _fields(row: Mapping[str, Any], required: tuple[str, ...], optional: tuple[str, ...],
            lists: tuple[str, ...]) -> tuple[dict[str, Any], dict[str, Any], list[str]]:
    """(raw values, constructor arguments as text and lists, unknown column names).

    Columns the schema does not know are kept in `extra`, not dropped.
    """
    values, unknown = _check(row, required, required + optional)
    kw: dict[str, Any] = {k: _text(v) for k, v in values.items() if k not in lists}
    for k in lists:
        kw[k] = as_list(values.get(k))
    kw["extra"] = {k: _text(row[k]) for k in unknown}
    return values, kw, unknown


def job_from_row(row: Mapping[str, Any]) -> tuple[Job, list[str]]:
    """A job from an import row, and the names of columns the schema does not know."""
    values, kw, unknown = _fields(row, JOB_REQUIRED, JOB_OPTIONAL, JOB_LISTS)
    if kw.get("type") and kw["type"] not in JOB_TYPES:
        raise RowError(f"type（类型）“{kw['type']}”只能是 全职 或 实习")
    if "deadline" in values:
        kw["deadline"] = parse_date(values["deadline"], "deadline").isoformat()
    if "published_at" in values:
        kw["published_at"] = parse_datetime(values["published_at"], "published_at").isoformat()
    return Job(**kw), unknown


def fair_from_row(row: Mapping[str, Any]) -> tuple[Fair, list[str]]:
    values, kw, unknown = _fields(row, FAIR_REQUIRED, FAIR_OPTIONAL, FAIR_LISTS)
    if kw.get("kind") and kw["kind"] not in FAIR_KINDS:
        raise RowError(f"kind（类别）“{kw['kind']}”只能是 {' / '.join(FAIR_KINDS)}")
    start = parse_datetime(values["starts_at"], "starts_at")
    kw["starts_at"] = start.isoformat()
    if "ends_at" in values:
        end = parse_datetime(values["ends_at"], "ends_at")
        if end < start:
            raise RowError("ends_at（结束时间）早于 starts_at（开始时间）")
        kw["ends_at"] = end.isoformat()
    return Fair(**kw), unknown


def validate(rows: Iterable[Row], source: str,
             build: Callable[[Mapping[str, Any]], tuple[T, list[str]]]
             ) -> tuple[list[T], list[str], list[str]]:
    """(good items, rejected "file:line: why", warnings) for `rows`."""
    good: list[T] = []
    rejected: list[str] = []
    warnings: list[str] = []
    unknown_seen: set[str] = set()
    ids: dict[str, int] = {}
    for row in rows:
        where = f"{source}:{row.line}" if row.line else source
        if not isinstance(row.data, dict):
            rejected.append(f"{where}: 这一条不是“字段: 值”的形式")
            continue
        try:
            item, unknown = build(row.data)
        except RowError as exc:
            rejected.append(f"{where}: {exc}")
            continue
        item_id = getattr(item, "id")
        if item_id in ids:
            warnings.append(f"{where}: id“{item_id}”与第 {ids[item_id]} 行重复，以后出现的为准")
        ids[item_id] = row.line
        for name in unknown:
            if name not in unknown_seen:
                unknown_seen.add(name)
                warnings.append(f"{where}: 未知字段“{name}”：已原样保存在 extra 里，"
                                f"不参与匹配；如果是拼写错误请改正后重新导入")
        good.append(item)
    return good, rejected, warnings
