"""Putting jobs and fairs into the store from files, the admin API or the feed.

One path for all three, so a row the CLI rejects is rejected by the API the same way.
Each job's matchable terms are computed here, once, with the job vocabulary.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, Callable, Iterable

from ..records import Job
from ..store import FairStore, JobStore
from .importer import Row, read_rows
from .rules import fair_from_row, job_from_row, validate

KINDS = ("jobs", "fairs")


@dataclass
class ImportReport:
    source: str
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)      # "file:line: why"
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (f"{self.source}：新增 {len(self.added)} 条，更新 {len(self.updated)} 条，"
                f"拒绝 {len(self.rejected)} 条")

    def as_dict(self) -> dict[str, Any]:
        return {"added": self.added, "updated": self.updated, "rejected": self.rejected,
                "warnings": self.warnings}


@dataclass
class Catalog:
    """Where imports go: the job and fair stores, and how a job's terms are found."""

    jobs: JobStore
    fairs: FairStore
    job_terms: Callable[[Job], frozenset[str]]

    def import_rows(self, kind: str, rows: Iterable[Row], source: str,
                    now: datetime) -> ImportReport:
        report = ImportReport(source)
        if kind == "jobs":
            jobs, report.rejected, report.warnings = validate(rows, source, job_from_row)
            report.added, report.updated = self.jobs.upsert(jobs, self.job_terms, now)
        elif kind == "fairs":
            fairs, report.rejected, report.warnings = validate(rows, source, fair_from_row)
            report.added, report.updated = self.fairs.upsert(fairs)
        else:
            raise ValueError(kind)
        return report

    def import_file(self, kind: str, path: Path, now: datetime) -> ImportReport:
        return self.import_rows(kind, read_rows(path), str(path), now)

    def import_objects(self, kind: str, items: list[Any], source: str,
                       now: datetime) -> ImportReport:
        """Objects from JSON (admin API, feed); positions are reported as 第 N 条."""
        return self.import_rows(kind, [Row(i, item) for i, item in enumerate(items, 1)],
                                source, now)
