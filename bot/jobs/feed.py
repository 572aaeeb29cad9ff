"""The optional job feed: a URL (JSON in the import schema, or RSS) polled on a schedule.

Only items not seen before are imported; a broken feed is logged and tried again at the
next poll, and never stops the scheduler's other jobs.
"""
from __future__ import annotations

import hashlib
import json
import logging
from datetime import datetime
from email.utils import parsedate_to_datetime
from typing import Any

import requests
from defusedxml import ElementTree as SafeET

from ..settings import FeedSettings
from .ingest import Catalog, ImportReport

log = logging.getLogger(__name__)


def parse_feed(body: bytes, content_type: str = "") -> list[dict[str, Any]]:
    text = body.decode("utf-8-sig", errors="replace").lstrip()
    if text.startswith("[") or text.startswith("{"):
        data = json.loads(text)
        items = data.get("items", []) if isinstance(data, dict) else data
        return [i for i in items if isinstance(i, dict)]
    root = SafeET.fromstring(text, forbid_dtd=True)
    channel_title = (root.findtext("./channel/title") or "").strip()
    out = []
    for item in root.iter("item"):
        link = (item.findtext("link") or "").strip()
        guid = (item.findtext("guid") or link).strip()
        job: dict[str, Any] = {
            "id": "feed-" + hashlib.sha1(guid.encode()).hexdigest()[:16],
            "title": (item.findtext("title") or "").strip(),
            "company": (item.findtext("author") or channel_title or "见详情").strip(),
            "city": "见详情", "url": link,
            "description": (item.findtext("description") or "").strip()[:500],
            "tags": [c.text.strip() for c in item.findall("category") if c.text],
        }
        pub = item.findtext("pubDate")
        if pub:
            try:
                job["published_at"] = parsedate_to_datetime(pub).isoformat()
            except (TypeError, ValueError):
                pass
        out.append(job)
    return out


def poll_feed(catalog: Catalog, feed: FeedSettings, now: datetime,
              http: requests.Session | None = None) -> ImportReport | None:
    url = feed.url
    if not url:
        return None
    try:
        resp = (http or requests).get(url, timeout=feed.timeout_seconds)
        resp.raise_for_status()
        items = parse_feed(resp.content, resp.headers.get("Content-Type", ""))
    except (requests.RequestException, ValueError, SafeET.ParseError) as exc:
        log.warning("job feed %s failed (%s); will try again at the next poll", url, exc)
        return None
    by_fp = {hashlib.sha1(json.dumps(item, sort_keys=True, ensure_ascii=False, default=str)
                          .encode()).hexdigest(): item for item in items}
    fresh = catalog.jobs.unseen_feed_items(list(by_fp))
    report = catalog.import_objects("jobs", [by_fp[fp] for fp in fresh], url, now)
    catalog.jobs.mark_feed_seen(fresh)
    if report.rejected:
        log.warning("job feed: %s; %s", report.summary(), "; ".join(report.rejected[:5]))
    return report
