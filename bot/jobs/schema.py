"""What a sheet of jobs, fairs or students may hold, and the column names staff write.

A `Schema` names its fields (required, optional, which ones are lists), their Chinese
labels for messages, and the header spellings that mean each field. Staff sheets come
from Excel, from other offices and from companies, so 岗位名称, 职位 and title all land
in `title`. The reader stays generic: any importer (the roster too) plugs in its own
schema with `Schema(...)` or extends one with `with_aliases`.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

# Header spellings shared by every sheet.
COMMON_ALIASES: dict[str, str] = {
    "编号": "id", "序号id": "id", "唯一编号": "id",
    "链接": "url", "网址": "url", "网页": "url", "详情链接": "url", "报名链接": "url",
    "投递链接": "url", "投递网址": "url", "地址链接": "url",
    "说明": "description", "描述": "description", "详情": "description", "备注": "description",
    "简介": "description",
}

# Removed from a header before it is looked up: "截止日期（必填）", "*公司", "城市 ".
_NOTE = re.compile(r"[(（\[【].*?[)）\]】]|[*＊:：\s]")


def header_key(header: Any) -> str:
    """A header as looked up: full-width folded, notes and marks removed, lower case."""
    text = unicodedata.normalize("NFKC", str(header or ""))
    return _NOTE.sub("", text).strip().lower()


@dataclass(frozen=True)
class Schema:
    """The fields of one kind of row and how staff may spell their column headers."""

    kind: str                          # "jobs", "fairs", "roster"
    label: str                         # 岗位, 招聘会, 学生名单 (for messages)
    required: tuple[str, ...]
    optional: tuple[str, ...]
    lists: tuple[str, ...] = ()
    labels: Mapping[str, str] = field(default_factory=dict)       # field -> 中文名
    aliases: Mapping[str, str] = field(default_factory=dict)      # header -> field
    id_from: tuple[str, ...] = ()      # fields an id is made from when the row has none

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    def name(self, field_name: str) -> str:
        """`company（公司）`: how a message names a field."""
        label = self.labels.get(field_name)
        return f"{field_name}（{label}）" if label else field_name

    def with_aliases(self, extra: Mapping[str, str]) -> "Schema":
        return replace(self, aliases={**self.aliases, **extra})

    def lookup(self) -> dict[str, str]:
        """Every accepted header (as `header_key` gives it) -> field."""
        table: dict[str, str] = {}
        for source in (COMMON_ALIASES, self.aliases):
            for header, target in source.items():
                if target in self.fields:
                    table[header_key(header)] = target
        for name in self.fields:
            table[header_key(name)] = name
            if name in self.labels:
                table.setdefault(header_key(self.labels[name]), name)
        return table

    def field_for(self, header: Any) -> str | None:
        return self.lookup().get(header_key(header))

    def columns(self, headers: list[str]) -> "Columns":
        """How the headers of one file map onto this schema (computed once per file)."""
        table = self.lookup()
        mapping: dict[str, str] = {}
        unknown: list[str] = []
        doubled: list[tuple[str, str, str]] = []
        first: dict[str, str] = {}
        for header in headers:
            target = table.get(header_key(header))
            if target is None:
                unknown.append(header)
            elif target in first:
                doubled.append((header, first[target], target))
            else:
                first[target] = header
                mapping[header] = target
        return Columns(mapping, unknown, doubled)


@dataclass(frozen=True)
class Columns:
    mapping: dict[str, str]                   # header -> field
    unknown: list[str]                        # headers no field answers to
    doubled: list[tuple[str, str, str]]       # (header, earlier header, field): ignored

    def apply(self, data: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
        """(values by field, values of unknown columns by header) for one row."""
        values: dict[str, Any] = {}
        unknown: dict[str, Any] = {}
        doubled = {h for h, _, _ in self.doubled}
        for header, value in data.items():
            if header in self.mapping:
                values[self.mapping[header]] = value
            elif header not in doubled:
                unknown[str(header)] = value
        return values, unknown


JOB_LABELS = {
    "id": "编号", "title": "标题", "company": "公司", "city": "城市", "url": "链接",
    "industry": "行业", "majors": "专业", "degree": "学历", "type": "类型", "tags": "标签",
    "salary": "薪资", "deadline": "截止日期", "published_at": "发布时间", "description": "说明",
}
JOBS = Schema(
    kind="jobs", label="岗位",
    required=("title", "company", "city", "url"),
    optional=("id", "industry", "majors", "degree", "type", "tags", "salary", "deadline",
              "published_at", "description"),
    lists=("majors", "tags"),
    labels=JOB_LABELS,
    aliases={
        "岗位编号": "id", "职位编号": "id",
        "岗位名称": "title", "岗位": "title", "职位": "title", "职位名称": "title",
        "招聘岗位": "title", "招聘职位": "title", "名称": "title",
        "单位名称": "company", "单位": "company", "公司名称": "company", "企业": "company",
        "企业名称": "company", "用人单位": "company", "招聘单位": "company",
        "工作地点": "city", "工作城市": "city", "地点": "city", "所在城市": "city",
        "工作地区": "city", "地区": "city",
        "所属行业": "industry", "单位行业": "industry",
        "专业要求": "majors", "需求专业": "majors", "招聘专业": "majors", "专业": "majors",
        "学历要求": "degree", "最低学历": "degree",
        "岗位类型": "type", "工作性质": "type", "招聘类型": "type",
        "薪酬": "salary", "薪资待遇": "salary", "待遇": "salary", "月薪": "salary",
        "工资": "salary", "薪资范围": "salary",
        "截止时间": "deadline", "报名截止": "deadline", "截止": "deadline",
        "投递截止": "deadline", "有效期至": "deadline",
        "发布日期": "published_at", "发布": "published_at",
        "岗位描述": "description", "职位描述": "description", "岗位职责": "description",
        "岗位要求": "description", "任职要求": "description",
    },
    id_from=("company", "title", "city"),
)

FAIR_LABELS = {
    "id": "编号", "title": "标题", "starts_at": "开始时间", "location": "地点", "url": "链接",
    "kind": "类别", "ends_at": "结束时间", "companies": "参会单位", "industries": "行业",
    "description": "说明",
}
FAIRS = Schema(
    kind="fairs", label="招聘会",
    required=("title", "starts_at", "location", "url"),
    optional=("id", "kind", "ends_at", "companies", "industries", "description"),
    lists=("companies", "industries"),
    labels=FAIR_LABELS,
    aliases={
        "名称": "title", "活动名称": "title", "招聘会名称": "title", "宣讲会名称": "title",
        "主题": "title",
        "时间": "starts_at", "举办时间": "starts_at", "日期": "starts_at", "开始": "starts_at",
        "宣讲时间": "starts_at", "举办日期": "starts_at",
        "结束": "ends_at",
        "举办地点": "location", "场地": "location", "宣讲地点": "location", "地址": "location",
        "类型": "kind", "活动类型": "kind", "形式": "kind",
        "参会企业": "companies", "参会公司": "companies", "企业": "companies",
        "单位": "companies", "公司": "companies",
        "行业领域": "industries",
    },
    id_from=("title", "starts_at"),
)

ROSTER_LABELS = {
    "student_no": "学号", "name": "姓名", "college": "学院", "major": "专业", "degree": "学历",
    "class_year": "届别", "origin": "生源地", "want_cities": "意向城市",
    "want_industries": "意向行业", "want_keywords": "意向岗位", "mentor": "帮扶导师",
    "priority": "重点帮扶",
}
# The roster as DESIGN.md lists it; its importer (and its rules) live with the roster.
ROSTER = Schema(
    kind="roster", label="学生名单",
    required=("student_no", "name"),
    optional=("college", "major", "degree", "class_year", "origin", "want_cities",
              "want_industries", "want_keywords", "mentor", "priority"),
    lists=("want_cities", "want_industries", "want_keywords"),
    labels=ROSTER_LABELS,
    aliases={
        "学生学号": "student_no", "学生姓名": "name", "院系": "college", "所在学院": "college",
        "所学专业": "major", "培养层次": "degree", "毕业年份": "class_year", "届": "class_year",
        "毕业届别": "class_year", "生源所在地": "origin", "意向地区": "want_cities",
        "意向职位": "want_keywords", "求职意向": "want_keywords", "导师": "mentor",
        "是否重点帮扶": "priority",
    },
)
