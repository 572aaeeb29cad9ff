"""Loading and validating the knowledge base, with messages a non-programmer can act on.

Every problem is reported as `file:line: what is wrong and how to fix it`. YAML is
composed to nodes first so each value keeps the line it came from.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..placeholders import advice, found_in
from .filecache import FileCache
from .model import FaqEntry, KnowledgeBase, Link
from .not_ours import FILE as NOT_OURS
from .not_ours import load_not_ours
from .synonyms import load_synonyms
from .values import as_date, as_text_list, question_key
from .yamlfile import INVISIBLE, Problem, compose, construct, invisible_in, line_of

FIELDS = ("id", "category", "question", "similar", "keywords", "answer",
          "links", "valid_until", "source", "audience")
REQUIRED = ("id", "category", "question", "answer")
ID_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
URL_RE = re.compile(r"^https?://[^\s/]+\.[^\s]+$")


@dataclass
class LoadResult:
    kb: KnowledgeBase | None
    problems: list[Problem]

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if not p.warning]

    @property
    def ok(self) -> bool:
        return self.kb is not None


def faq_files(kb_dir: Path) -> list[Path]:
    return sorted((kb_dir / "faq").glob("*.y*ml"))


def watched_files(kb_dir: Path) -> list[Path]:
    return faq_files(kb_dir) + [kb_dir / "synonyms.yaml", kb_dir / NOT_OURS]


def load_kb(kb_dir: Path, today: date | None = None, cache: FileCache | None = None) -> LoadResult:
    """Load `kb_dir`; `kb` is None when any error (not warning) was found.

    With `cache`, files unchanged since its last load are not parsed again."""
    today = today or date.today()
    problems: list[Problem] = []
    files = faq_files(kb_dir)
    if not files:
        problems.append(Problem(_rel(kb_dir / "faq", kb_dir), 0,
                                "没有找到任何问答文件：请在 faq/ 文件夹里放至少一个 .yaml 文件"))
    entries: list[FaqEntry] = []
    cache = cache or FileCache()
    cache.begin()
    for path in files:
        name = _rel(path, kb_dir)
        found, said = cache.get(path, name, today, lambda: _parse_file(path, name, today))
        entries.extend(found)
        problems.extend(said)
    cache.end()
    _check_across_files(entries, problems)
    synonyms = load_synonyms(kb_dir / "synonyms.yaml", _rel(kb_dir / "synonyms.yaml", kb_dir),
                              problems)
    not_ours = load_not_ours(kb_dir / NOT_OURS, _rel(kb_dir / NOT_OURS, kb_dir), entries, problems)
    if any(not p.warning for p in problems):
        return LoadResult(None, problems)
    return LoadResult(KnowledgeBase(tuple(entries), synonyms, not_ours), problems)


def _parse_file(path: Path, name: str, today: date) -> tuple[list[FaqEntry], list[Problem]]:
    problems: list[Problem] = []
    entries = _load_faq_file(path, name, today, problems)
    return entries, problems + sample_values(path, name)


def sample_values(path: Path, name: str) -> list[Problem]:
    """Warnings for links to example.edu.cn and sample phone numbers students would see."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return []                     # reported as an error already
    out = []
    for n, line in enumerate(lines, 1):
        if line.lstrip().startswith("#"):
            continue
        out.extend(Problem(name, n, advice(kind, sample), warning=True)
                   for kind, sample in found_in(line))
    return out


def _rel(path: Path, kb_dir: Path) -> str:
    try:
        return str(path.relative_to(kb_dir.parent))
    except ValueError:
        return str(path)


def _load_faq_file(path: Path, name: str, today: date,
                   problems: list[Problem]) -> list[FaqEntry]:
    root = compose(path, name, problems)
    if root is None:
        return []
    if not isinstance(root, yaml.SequenceNode):
        problems.append(Problem(name, line_of(root),
                                "文件应是一个列表：每条问答以“- id: ...”开头"))
        return []
    entries = []
    for item in root.value:
        if not isinstance(item, yaml.MappingNode):
            problems.append(Problem(name, line_of(item),
                                    "这一项不是问答：每条问答应写成“- id: ...”，下面跟 question、answer 等字段"))
            continue
        entry = _parse_entry(item, name, today, problems)
        if entry is not None:
            entries.append(entry)
    return entries


def _parse_entry(node: yaml.MappingNode, name: str, today: date,
                 problems: list[Problem]) -> FaqEntry | None:
    start = line_of(node)
    fields: dict[str, tuple[Any, int]] = {}
    ok = True

    def bad(line: int, message: str, warning: bool = False) -> None:
        nonlocal ok
        problems.append(Problem(name, line, message, warning))
        ok = ok and warning

    first_key = ""
    repeated: list[tuple[str, int]] = []
    for key_node, value_node in node.value:
        key = str(construct(key_node))
        line = line_of(key_node)
        first_key = first_key or key
        if key not in FIELDS:
            bad(line, unknown_field(key))
            bare = "".join(ch for ch in key if ch not in INVISIBLE).strip()
            if bare in FIELDS:        # named already: not also "missing"
                fields.setdefault(bare, (construct(value_node), line_of(value_node)))
            continue
        if key in fields:
            repeated.append((key, line))
            continue
        fields[key] = (construct(value_node), line_of(value_node))
    if repeated:
        bad(*repeated_fields(repeated, first_key, fields))

    entry_id = fields.get("id", (None, start))[0]
    label = f"问答“{entry_id}”" if entry_id else "这条问答"
    for key in REQUIRED:
        value, line = fields.get(key, (None, start))
        if key not in fields:
            bad(start, f"{label}缺少必填字段“{key}”")
        elif not isinstance(value, (str, int, float)) or not str(value).strip():
            bad(line, f"{label}的“{key}”是空的，请填写内容")
    if isinstance(entry_id, str) and not ID_RE.match(entry_id):
        bad(fields["id"][1], f"id“{entry_id}”格式不对：只能用小写英文字母、数字和连字符，例如 tripartite-lost")

    lists = {}
    for key in ("similar", "keywords"):
        value, line = fields.get(key, ([], start))
        items = as_text_list(value)
        if items is None:
            bad(line, f"“{key}”应是一个列表，例如 {key}: [说法一, 说法二]")
            items = []
        lists[key] = tuple(items)

    links = _parse_links(fields.get("links"), label, bad)
    valid_until = None
    if "valid_until" in fields:
        value, line = fields["valid_until"]
        valid_until = as_date(value)
        if valid_until is None:
            bad(line, f"“valid_until”应是日期，格式如 2027-08-31，现在是“{value}”")
        elif valid_until < today:
            bad(line, f"{label}已于 {valid_until} 过期（valid_until），请核对政策后更新答案和日期",
                warning=True)
    for key in ("source", "audience"):
        if key in fields and not isinstance(fields[key][0], (str, int)):
            bad(fields[key][1], f"“{key}”应是一段文字")

    if not ok:
        return None
    return FaqEntry(
        id=str(entry_id), category=str(fields["category"][0]).strip(),
        question=str(fields["question"][0]).strip(), answer=str(fields["answer"][0]).strip(),
        similar=lists["similar"], keywords=lists["keywords"], links=links,
        valid_until=valid_until,
        source=str(fields["source"][0]) if "source" in fields else None,
        audience=str(fields["audience"][0]) if "audience" in fields else None,
        file=name, line=start,
    )


def unknown_field(key: str) -> str:
    odd = invisible_in(key)
    bare = "".join(ch for ch in key if ch not in INVISIBLE).strip()
    if odd and bare in FIELDS:
        return f"字段名“{bare}”旁边有一个{odd}，看起来像空格，YAML 却不认：请删掉它，重新用半角空格"
    guess = difflib.get_close_matches(key, FIELDS, n=1, cutoff=0.6)
    hint = f"，您是不是想写“{guess[0]}”？" if guess else f"。可用的字段有：{', '.join(FIELDS)}"
    return f"未知字段“{key}”{hint}"


def repeated_fields(repeated: list[tuple[str, int]], first_key: str,
                    fields: dict[str, tuple[Any, int]]) -> tuple[int, str]:
    """One message for fields written twice in one entry.

    The usual cause is a new entry whose "- " was left out: its fields then land in the
    entry above. Advising to delete them would delete good data, so say what happened.
    """
    key, line = repeated[0]
    if key in ("id", first_key) or len(repeated) > 1:
        return line, (f"这里的“{key}”像是新的一条问答的开头，但行首少了“- ”，于是它和上一条"
                      f"混成了一条：请在这一行写成“- {key}: …”（短横线后面有一个空格），"
                      "并和其他问答的“- ”对齐")
    return line, (f"字段“{key}”在同一条问答里写了两次（第 {fields[key][1]} 行和第 {line} 行）："
                  "请保留正确的那一个，删掉另一个")


def _parse_links(field: tuple[Any, int] | None, label: str, bad) -> tuple[Link, ...]:
    if field is None:
        return ()
    value, line = field
    if isinstance(value, dict):
        value = [value]
    example = "links: [{title: 学校就业网, url: https://career.example.edu.cn}]"
    if not isinstance(value, list):
        bad(line, f"{label}的“links”格式不对，应写成 {example}")
        return ()
    links = []
    for link in value:
        if not isinstance(link, dict) or not link.get("title") or not link.get("url"):
            bad(line, f"{label}的链接缺少 title 或 url，应写成 {example}")
            continue
        extra = set(link) - {"title", "url"}
        if extra:
            bad(line, f"{label}的链接里有未知字段“{'、'.join(sorted(map(str, extra)))}”：只能有 title 和 url")
            continue
        url = str(link["url"]).strip()
        if not URL_RE.match(url):
            bad(line, f"{label}的链接地址“{url}”不是有效网址：应以 http:// 或 https:// 开头")
            continue
        links.append(Link(str(link["title"]).strip(), url))
    return tuple(links)


def _check_across_files(entries: Iterable[FaqEntry], problems: list[Problem]) -> None:
    ids: dict[str, FaqEntry] = {}
    questions: dict[str, FaqEntry] = {}
    phrasings: dict[str, FaqEntry] = {}  # question and similar texts, to the entry owning them
    for e in entries:
        if e.id in ids:
            first = ids[e.id]
            problems.append(Problem(e.file, e.line,
                                    f"id“{e.id}”重复：{first.file}:{first.line} 已经用过，请换一个 id"))
        else:
            ids[e.id] = e
        key = question_key(e.question)
        if key in questions:
            first = questions[key]
            problems.append(Problem(e.file, e.line,
                                    f"问题“{e.question}”与 {first.file}:{first.line}（{first.id}）相同，"
                                    "请合并这两条，或把问题改得能区分"))
            continue
        questions[key] = e
        # The same phrasing under two entries leaves the bot no way to tell them apart.
        for text in (e.question, *e.similar):
            key = question_key(text)
            first = phrasings.setdefault(key, e)
            if first is not e and key:
                problems.append(Problem(e.file, e.line,
                                        f"问法“{text}”在 {first.file}:{first.line}（{first.id}）也有，"
                                        "同一个问法只能放在一条问答里，请删掉其中一处"))


