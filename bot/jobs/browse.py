"""Listing, searching and paging jobs and fairs, for the console and the admin API alike.

Search is a plain substring over the fields staff recognise a job or fair by (title,
company, city, industry, majors, tags, location, kind, id), case-insensitive: a
career office holds thousands of these, not millions.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime, timedelta
from typing import Any

from ..clock import SHANGHAI
from ..records import Fair, Job
from .ingest import Catalog

SEARCHED = ("id", "title", "company", "city", "industry", "majors", "tags", "degree", "type",
            "location", "kind", "companies", "industries")


@dataclass
class Page:
    items: list[Any]
    total: int
    page: int
    per_page: int

    @property
    def pages(self) -> int:
        return max((self.total + self.per_page - 1) // self.per_page, 1)

    def as_dict(self) -> dict[str, Any]:
        return {"items": [asdict(i) if hasattr(i, "__dataclass_fields__") else i for i in self.items],
                "total": self.total, "page": self.page, "per_page": self.per_page,
                "pages": self.pages}


def paged(items: list[Any], page: int, per_page: int) -> Page:
    per_page = min(max(per_page, 1), 200)
    page = max(page, 1)
    return Page(items[(page - 1) * per_page: page * per_page], len(items), page, per_page)


def matches(item: Job | Fair, q: str) -> bool:
    needle = q.strip().casefold()
    for name in SEARCHED:
        value = getattr(item, name, None)
        values = value if isinstance(value, list) else [value]
        if any(needle in str(v).casefold() for v in values if v):
            return True
    return False


def is_open(item: Job | Fair, today: date, now: datetime) -> bool:
    if isinstance(item, Job):
        return not item.deadline or date.fromisoformat(item.deadline) >= today
    end = datetime.fromisoformat(item.ends_at) if item.ends_at else item.start
    return end >= now


def browse(catalog: Catalog, kind: str, now: datetime, q: str = "", state: str = "",
           page: int = 1, per_page: int = 20) -> Page:
    """One page of `kind`; `state` "open" or "expired" narrows to current or past ones."""
    items = catalog.jobs.all() if kind == "jobs" else catalog.fairs.all()
    if q.strip():
        items = [i for i in items if matches(i, q)]
    today = now.astimezone(SHANGHAI).date()
    if state in ("open", "expired"):
        items = [i for i in items if is_open(i, today, now) == (state == "open")]
    return paged(items, page, per_page)


def expire_job(catalog: Catalog, job_id: str, now: datetime) -> Job | None:
    """End a job now: its deadline becomes yesterday, so search and pushes leave it out."""
    job = catalog.jobs.get(job_id)
    if job is None:
        return None
    yesterday = (now.astimezone(SHANGHAI).date() - timedelta(days=1)).isoformat()
    ended = replace(job, deadline=yesterday)
    catalog.jobs.upsert([ended], catalog.job_terms, now)
    return ended
