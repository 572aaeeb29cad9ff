"""Changing knowledge-base files from the console without ever breaking the knowledge base.

The YAML files stay the source of truth, so an edit is written into them with ruamel.yaml,
which keeps comments, key order and quoting; an unchanged file dumps byte for byte as
it was. Every change is first tried on a copy of the whole knowledge base and checked
with the same `load_kb` the bot uses: the file is replaced (atomically) only if the
whole knowledge base still loads, otherwise the problems go back to the form.
"""
from __future__ import annotations

import io
import os
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, Callable

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError
from ruamel.yaml.scalarstring import LiteralScalarString

from .loader import FIELDS, faq_files, load_kb
from .model import FaqEntry
from .not_ours import FILE as NOT_OURS
from .values import question_key

NOT_OURS_HEADER = ("不归就业办回答的问题：和这些意思相近的问题，机器人不从知识库回答。"
                   "一行一个；管理后台“未解答问题”里点“不归本处”也会加到这里。")


@dataclass
class EntryDraft:
    """An entry as the console's form submits it (lists already split, empty = absent)."""

    id: str
    category: str
    question: str
    answer: str
    similar: list[str] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    links: list[tuple[str, str]] = field(default_factory=list)
    valid_until: str = ""
    source: str = ""
    audience: str = ""

    @classmethod
    def of(cls, e: FaqEntry) -> "EntryDraft":
        return cls(e.id, e.category, e.question, e.answer, list(e.similar), list(e.keywords),
                   [(link.title, link.url) for link in e.links],
                   e.valid_until.isoformat() if e.valid_until else "", e.source or "",
                   e.audience or "")


@dataclass
class SaveResult:
    ok: bool
    problems: list[str] = field(default_factory=list)   # "file:line: message", errors only
    file: str = ""                                        # faq/<name>.yaml or not_ours.yaml
    before: str | None = None                             # the file's text before, for history
    after: str | None = None


def _yaml() -> YAML:
    y = YAML()
    y.preserve_quotes = True
    y.width = 4096
    y.indent(mapping=2, sequence=4, offset=2)
    return y


def dump(data: Any) -> str:
    """The document as text, top-level list at column 0 like the hand-written files."""
    out = io.StringIO()
    _yaml().dump(data, out)
    return "".join(line[2:] if line.startswith("  ") else line
                   for line in out.getvalue().splitlines(True))


def _flow(items: list[str]) -> CommentedSeq:
    seq = CommentedSeq(items)
    seq.fa.set_flow_style()
    return seq


def _values(d: EntryDraft) -> dict[str, Any]:
    """Field -> YAML value for every field the draft fills; None for the ones it empties."""
    answer = d.answer.strip().replace("\r\n", "\n")
    links = None
    if d.links:
        links = CommentedSeq([CommentedMap([("title", t), ("url", u)]) for t, u in d.links])
    valid: Any = None
    if d.valid_until.strip():
        try:
            valid = date.fromisoformat(d.valid_until.strip())
        except ValueError:
            valid = d.valid_until.strip()      # load_kb reports it in Chinese
    return {
        "id": d.id.strip(), "category": d.category.strip(), "question": d.question.strip(),
        "similar": _flow(d.similar) if d.similar else None,
        "keywords": _flow(d.keywords) if d.keywords else None,
        "answer": LiteralScalarString(answer + "\n") if "\n" in answer or len(answer) > 60 else answer,
        "links": links, "valid_until": valid,
        "source": d.source.strip() or None, "audience": d.audience.strip() or None,
    }


def _plain(value: Any) -> Any:
    """A YAML value as plain Python, to tell a real change from a re-typed same value."""
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, str):
        return value.strip()
    return value


def _fill(target: CommentedMap, d: EntryDraft) -> None:
    for name, value in _values(d).items():
        if value is None:
            target.pop(name, None)
        elif name in target and _plain(target[name]) == _plain(value):
            continue                      # unchanged: keep its style (flow, quotes) as written
        elif name in target:
            target[name] = value
        else:
            later = [k for k in FIELDS[FIELDS.index(name) + 1:] if k in target]
            position = list(target).index(later[0]) if later else len(target)
            target.insert(position, name, value)


class KbEditor:
    """Edits of one knowledge-base folder; one at a time within a process."""

    def __init__(self, kb_dir: Path, today: Callable[[], date] = date.today) -> None:
        self.kb_dir, self.today = kb_dir, today
        self._lock = threading.Lock()

    def files(self) -> list[str]:
        return [p.name for p in faq_files(self.kb_dir)]

    def _path(self, name: str) -> Path:
        """A FAQ file by its name (or `faq/<name>`), or `not_ours.yaml` itself."""
        if name == NOT_OURS:
            return self.kb_dir / NOT_OURS
        path = self.kb_dir / "faq" / Path(name).name
        if path.suffix not in (".yaml", ".yml"):
            raise ValueError(name)
        return path

    def _find(self, entry_id: str) -> tuple[str, Any, CommentedMap] | None:
        for path in faq_files(self.kb_dir):
            doc = _yaml().load(path.read_text(encoding="utf-8"))
            for item in doc or []:
                if isinstance(item, CommentedMap) and str(item.get("id")) == entry_id:
                    return path.name, doc, item
        return None

    def save_entry(self, draft: EntryDraft, original_id: str | None, file: str = "") -> SaveResult:
        """Update `original_id` (renaming it if the id changed), or add a new entry to `file`."""
        with self._lock:
            found = self._find(original_id) if original_id else None
            if original_id and found is None:
                return SaveResult(False, [f"没有找到 id 为“{original_id}”的问答，可能已被别人删除或改名"])
            if found is None:
                name = file or (self.files() or ["new.yaml"])[0]
                path = self._path(name)
                text = path.read_text(encoding="utf-8") if path.exists() else ""
                doc = _yaml().load(text) if text.strip() else CommentedSeq()
                entry = CommentedMap()
                _fill(entry, draft)
                doc.append(entry)
                text = dump(doc)
                marker = f"\n- id: {entry['id']}\n"
                if marker in text and f"\n{marker}" not in text:   # entries are a blank line apart
                    text = text.replace(marker, "\n" + marker)
                return self._commit(name, text)
            name, doc, entry = found
            _fill(entry, draft)
            return self._commit(name, dump(doc))

    def add_phrasing(self, entry_id: str, text: str) -> SaveResult:
        """Add a student's question to an entry's `similar` (one click in the workbench)."""
        with self._lock:
            found = self._find(entry_id)
            if found is None:
                return SaveResult(False, [f"没有找到 id 为“{entry_id}”的问答"])
            name, doc, entry = found
            similar = entry.get("similar")
            if not isinstance(similar, list):
                similar = _flow([])
                _fill_key(entry, "similar", similar)
            if text.strip() not in [str(s) for s in similar]:
                similar.append(text.strip())
            return self._commit(name, dump(doc))

    def add_not_ours(self, text: str) -> SaveResult:
        """Add a student's question to `not_ours.yaml` (the workbench's 不归本处), making
        the file when there is none yet."""
        text = text.strip()
        with self._lock:
            path = self.kb_dir / NOT_OURS
            broken = SaveResult(False, [f"{NOT_OURS}：文件不是一列问题，请先在文件里改好"
                                        "（`python -m bot kb check` 会指出哪一行）"], NOT_OURS)
            try:
                doc = _yaml().load(path.read_text(encoding="utf-8")) if path.exists() else None
            except (YAMLError, UnicodeDecodeError):
                return broken
            if doc is None:
                doc = CommentedSeq()
                doc.yaml_set_start_comment(NOT_OURS_HEADER)
            if not isinstance(doc, list):
                return broken
            if question_key(text) not in {question_key(str(q)) for q in doc}:
                doc.append(text)
            return self._commit(NOT_OURS, dump(doc))

    def delete_entry(self, entry_id: str) -> SaveResult:
        with self._lock:
            found = self._find(entry_id)
            if found is None:
                return SaveResult(False, [f"没有找到 id 为“{entry_id}”的问答"])
            name, doc, entry = found
            doc.remove(entry)
            return self._commit(name, dump(doc))

    def restore(self, name: str, text: str) -> SaveResult:
        """Put back an earlier version of a file (history's revert), checked like any edit."""
        with self._lock:
            return self._commit(name, text)

    def _commit(self, name: str, text: str) -> SaveResult:
        path = self._path(name)
        before = path.read_text(encoding="utf-8") if path.exists() else None
        rel = path.relative_to(self.kb_dir).as_posix()
        with tempfile.TemporaryDirectory(prefix="kb-check-") as tmp:
            trial = Path(tmp) / self.kb_dir.name
            shutil.copytree(self.kb_dir, trial, ignore=shutil.ignore_patterns(".*"))
            (trial / rel).write_text(text, encoding="utf-8")
            result = load_kb(trial, today=self.today())
        if result.kb is None:
            return SaveResult(False, [str(p) for p in result.errors], rel, before, text)
        staged = path.with_name(f".{path.name}.saving")
        staged.write_text(text, encoding="utf-8")
        os.replace(staged, path)
        return SaveResult(True, [], rel, before, text)


def _fill_key(entry: CommentedMap, name: str, value: Any) -> None:
    later = [k for k in FIELDS[FIELDS.index(name) + 1:] if k in entry]
    entry.insert(list(entry).index(later[0]) if later else len(entry), name, value)
