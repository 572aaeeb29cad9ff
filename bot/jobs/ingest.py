"""Putting jobs and fairs into the store from files, the console, the admin API or the feed.

One path for all of them, so a row the CLI rejects is rejected by the console the same
way. A preview runs the same path and stops before writing, so staff see per row what
would be added, updated or rejected. Each job's matchable terms are computed here, once,
with the job vocabulary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from ..records import Fair, Job
from ..store import FairStore, JobStore
from .importer import Row, read_bytes, read_rows
from .rules import Validation, fair_from_values, job_from_values, validate
from .schema import FAIRS, JOBS, Schema

KINDS = ("jobs", "fairs")
SCHEMAS: dict[str, Schema] = {"jobs": JOBS, "fairs": FAIRS}


@dataclass
class RowOutcome:
    """What became (or would become) of one row, for the console's preview table."""

    line: int
    status: str                  # "added", "updated" or "rejected"
    id: str = ""
    summary: str = ""            # the item's one-line description
    message: str = ""            # why it was rejected


@dataclass
class ImportReport:
    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)      # "file:line: why"
    warnings: list[str] = field(default_factory=list)
    rows: list[RowOutcome] = field(default_factory=list)
    written: bool = True

    @property
    def ok(self) -> bool:
        """Every row was usable: the CLI exits 1 otherwise."""
        return not self.rejected

    def summary(self) -> str:
        verb = "将" if not self.written else ""
        return (f"{self.source}：{verb}新增 {len(self.added)} 条，{verb}更新 {len(self.updated)} 条，"
                f"拒绝 {len(self.rejected)} 条")

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "rejected": self.rejected,
                "warnings": self.warnings, "written": self.written,
                "rows": [r.__dict__ for r in self.rows]}


def _report(source: str, checked: Validation, known: set[str], written: bool) -> ImportReport:
    report = ImportReport(source, rejected=checked.rejected, warnings=checked.warnings,
                          written=written)
    for item in checked.good:
        (report.updated if item.id in known else report.added).append(item.id)
    for c in checked.checked:
        if c.item is None:
            report.rows.append(RowOutcome(c.line, "rejected", message=c.error))
        else:
            status = "updated" if c.item.id in known else "added"
            report.rows.append(RowOutcome(c.line, status, c.item.id, c.item.line()))
    return report


@dataclass
class Catalog:
    """Where imports go: the job and fair stores, and how a job's terms are found."""

    jobs: JobStore
    fairs: FairStore
    job_terms: Callable[[Job], frozenset[str]]

    def check(self, kind: str, rows: Iterable[Row], source: str) -> Validation:
        if kind == "jobs":
            return validate(rows, source, JOBS, job_from_values)
        if kind == "fairs":
            return validate(rows, source, FAIRS, fair_from_values)
        raise ValueError(kind)

    def import_rows(self, kind: str, rows: Iterable[Row], source: str, now: datetime,
                    write: bool = True) -> ImportReport:
        """Validate `rows` and store the good ones; with `write=False`, only say what would be."""
        checked = self.check(kind, rows, source)
        good = checked.good
        store = self.jobs if kind == "jobs" else self.fairs
        known = store.existing([item.id for item in good])
        report = _report(source, checked, known, write)
        if write and good:
            if kind == "jobs":
                self.jobs.upsert(good, self.job_terms, now)
            else:
                self.fairs.upsert(good)
        return report

    def import_file(self, kind: str, path: Path, now: datetime, write: bool = True) -> ImportReport:
        return self.import_rows(kind, read_rows(path), str(path), now, write)

    def import_upload(self, kind: str, data: bytes, filename: str, now: datetime,
                      write: bool = True) -> ImportReport:
        """A file staff uploaded in the console (raises FileError when it cannot be read)."""
        return self.import_rows(kind, read_bytes(data, filename), filename, now, write)

    def import_objects(self, kind: str, items: list[Any], source: str,
                       now: datetime, write: bool = True) -> ImportReport:
        """Objects from JSON (admin API, feed); positions are reported as 第 N 条."""
        return self.import_rows(kind, [Row(i, item) for i, item in enumerate(items, 1)],
                                source, now, write)

    def get(self, kind: str, item_id: str) -> Job | Fair | None:
        return (self.jobs if kind == "jobs" else self.fairs).get(item_id)
