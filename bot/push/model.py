"""Jobs, fairs and notices as plain values, with the field rules staff must follow.

Rules live here, not in the importer, so the CLI import, the admin API and the feed all
accept and reject exactly the same things, with the same Chinese explanations.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from typing import Any, Mapping

from ..clock import SHANGHAI

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


@dataclass
class Job:
    id: str
    title: str
    company: str
    city: str
    url: str
    industry: str = ""
    majors: list[str] = field(default_factory=list)
    degree: str = ""
    type: str = ""
    tags: list[str] = field(default_factory=list)
    salary: str = ""
    deadline: str = ""                # ISO date
    published_at: str = ""            # ISO datetime with offset
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> tuple["Job", list[str]]:
        """A job from an import row, and the names of columns the schema does not know."""
        values, kw, unknown = _fields(row, JOB_REQUIRED, JOB_OPTIONAL, JOB_LISTS)
        if kw.get("type") and kw["type"] not in JOB_TYPES:
            raise RowError(f"type（类型）“{kw['type']}”只能是 全职 或 实习")
        if "deadline" in values:
            kw["deadline"] = parse_date(values["deadline"], "deadline").isoformat()
        if "published_at" in values:
            kw["published_at"] = parse_datetime(values["published_at"], "published_at").isoformat()
        return cls(**kw), unknown

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Job":
        return cls(**json.loads(raw))

    def line(self) -> str:
        bits = [self.title, self.company, self.city] + ([self.salary] if self.salary else [])
        return "｜".join(bits)


@dataclass
class Fair:
    id: str
    title: str
    starts_at: str                    # ISO datetime with offset
    location: str
    url: str
    kind: str = ""
    ends_at: str = ""
    companies: list[str] = field(default_factory=list)
    industries: list[str] = field(default_factory=list)
    description: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_row(cls, row: Mapping[str, Any]) -> tuple["Fair", list[str]]:
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
        return cls(**kw), unknown

    @property
    def start(self) -> datetime:
        return datetime.fromisoformat(self.starts_at)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, raw: str) -> "Fair":
        return cls(**json.loads(raw))

    def line(self) -> str:
        when = self.start.astimezone(SHANGHAI).strftime("%m月%d日 %H:%M")
        kind = f"【{self.kind}】" if self.kind else ""
        return f"{kind}{self.title}｜{when}｜{self.location}"
