"""Putting jobs and fairs into the store from files, the admin API or the feed.

One path for all three, so a row the CLI rejects is rejected by the API the same way.
"""
from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, Iterable

from .context import PushContext
from .importer import ImportReport, Row, build_fair, build_job, read_rows, validate


def import_rows(push: PushContext, kind: str, rows: Iterable[Row], source: str,
                now: datetime) -> ImportReport:
    report = ImportReport(source)
    if kind == "jobs":
        jobs = validate(rows, source, build_job, report)
        vocab = push.vocab
        report.added, report.updated = push.jobs.upsert(jobs, vocab.job_terms, now)
    elif kind == "fairs":
        fairs = validate(rows, source, build_fair, report)
        report.added, report.updated = push.fairs.upsert(fairs)
    else:
        raise ValueError(kind)
    return report


def import_file(push: PushContext, kind: str, path: Path, now: datetime) -> ImportReport:
    return import_rows(push, kind, read_rows(path), str(path), now)


def import_objects(push: PushContext, kind: str, items: list[Any], source: str,
                   now: datetime) -> ImportReport:
    """Objects from JSON (admin API, feed); positions are reported as 第 N 条."""
    return import_rows(push, kind, [Row(i, item) for i, item in enumerate(items, 1)], source, now)
