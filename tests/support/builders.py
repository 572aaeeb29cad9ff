"""Shared test data and small builders: paths, secrets, configs, jobs, fairs, notices, time."""
from __future__ import annotations

import os
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import redis

from bot.clock import SHANGHAI
from bot.config import Config, load_config
from bot.context import matcher_builder
from bot.knowledge import KnowledgeProvider
from bot.records import Notice, StudentKey

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
SMALL_KB = DATA / "kb_small"
SAMPLE_KB = ROOT / "knowledge"
SERVER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

WECHAT_SECRETS = {
    "WECHAT_TOKEN": "test-token",
    "WECHAT_APPID": "wx1234567890abcdef",
    "WECHAT_APPSECRET": "test-app-secret",
    "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}
APP_ID, APP_SECRET = "cli_test", "test-app-secret"
VTOKEN, EKEY = "test-verification-token", "test-encrypt-key"
FEISHU_PLAIN_SECRETS = {"FEISHU_APP_ID": APP_ID, "FEISHU_APP_SECRET": APP_SECRET,
                        "FEISHU_VERIFICATION_TOKEN": VTOKEN}
FEISHU_ENCRYPTED_SECRETS = {**FEISHU_PLAIN_SECRETS, "FEISHU_ENCRYPT_KEY": EKEY}

BOTH_SECRETS = {**WECHAT_SECRETS, **FEISHU_ENCRYPTED_SECRETS}
STAFF_GROUP = "oc_staff_group"

LOST_ANSWER = "先写一份情况说明"        # the small KB's answer to 三方丢了
STUDENT = StudentKey("wechat", "oStudent1")


def server_client() -> redis.Redis:
    """The machine's own Redis server. Tests never skip without it: a run that cannot
    reach it fails here, saying what to start, instead of looking green."""
    client = redis.Redis.from_url(SERVER_URL, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError as exc:
        pytest.fail(f"no Redis server at {SERVER_URL}: the tests need the machine's own "
                    f"(apt-get install redis-server, or set TEST_REDIS_URL): {exc}")
    return client


TEST_DEADLINE = 60.0


def make_config(namespace: str, kb_dir: Path = SMALL_KB, secrets: dict | None = None,
                **extra) -> Config:
    """A test configuration. WeChat is in compatible mode (plain and encrypted requests
    both accepted), so one app serves every mode; safe-mode tests say so in `extra`.

    WeChat's reply deadline is wall-clock time: on a loaded CI machine a first answer (the
    intent examples embedded, the model warming) can pass 4.5 s and turn into the holding
    reply. Tests get a generous one; the tests of the deadline set their own."""
    overrides = {
        "redis": {"namespace": namespace},
        "knowledge": {"dir": str(kb_dir), "reload_interval": 0},
        "secrets": WECHAT_SECRETS if secrets is None else secrets,
        "channels": {"wechat": {"encrypt_mode": "compatible", "reply_deadline": TEST_DEADLINE}},
    }
    _merge(overrides, extra)
    return load_config(overrides, env={})


def _merge(base: dict, extra: dict) -> None:
    for key, value in extra.items():
        if isinstance(value, dict) and isinstance(base.get(key), dict):
            _merge(base[key], value)
        else:
            base[key] = value


_providers: dict[str, KnowledgeProvider] = {}


def shared_provider(kb_dir: Path) -> KnowledgeProvider:
    """Building a matcher costs about a second; tests that only read share one."""
    key = str(kb_dir)
    if key not in _providers:
        config = load_config({"knowledge": {"dir": key}}, env={})
        provider = KnowledgeProvider(kb_dir, matcher_builder(config))
        assert provider.reload().kb is not None
        _providers[key] = provider
    return _providers[key]


def add_jobs(ctx, *jobs: dict, now: datetime | None = None):
    rows = []
    for n, job in enumerate(jobs):
        row = {"id": f"job-{n}", "company": "示例公司", "url": f"https://jobs.example.cn/{n}", **job}
        rows.append(row)
    report = ctx.catalog.import_objects("jobs", rows, "test", now or ctx.clock.now())
    assert not report.rejected, report.rejected
    return report


def add_fair(ctx, fair_id: str, starts_at: datetime, title: str = "秋季双选会", **extra):
    report = ctx.catalog.import_objects("fairs", [{
        "id": fair_id, "title": title, "starts_at": starts_at.isoformat(), "location": "体育馆",
        "url": f"https://fairs.example.cn/{fair_id}", "kind": "双选会", **extra}], "test",
        ctx.clock.now())
    assert not report.rejected, report.rejected


def add_roster(ctx, *rows: dict):
    """Roster records as staff import them (Chinese column names)."""
    from bot.students import roster
    report = roster.import_objects(ctx, list(rows), "test")
    assert not report.rejected, report.rejected
    return report


ZHANG = {"学号": "2022010001", "姓名": "张三", "学院": "计算机学院", "专业": "计算机科学与技术",
         "学历": "本科", "届别": "2026届", "生源地": "江苏南京", "意向城市": "上海;杭州",
         "意向行业": "互联网", "帮扶导师": "王老师", "重点帮扶": "是"}


def notice(user: str, nid: str | None = None, channel: str = "wechat") -> Notice:
    return Notice(id=nid or f"test:{user}", channel=channel, user_id=user, kind="digest",
                  title="为您找到 1 个新岗位", summary="1. Java开发｜示例公司｜北京",
                  reason="匹配：Java + 北京", url="https://jobs.example.cn/1", job_ids=["job-1"],
                  time="2026-11-23 09:00")


def xlsx_bytes(rows: list[list], date_format: str = "yyyy/m/d h:mm") -> bytes:
    """An Excel workbook as Excel writes it (openpyxl); datetime cells become date cells."""
    import io

    from openpyxl import Workbook

    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    for cells in sheet.iter_rows():
        for cell in cells:
            if isinstance(cell.value, datetime):
                cell.number_format = date_format
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def shanghai(y, m, d, hh, mm=0) -> datetime:
    return datetime(y, m, d, hh, mm, tzinfo=SHANGHAI)


def at(clock, when: datetime) -> None:
    """Move a FakeClock to `when` (forward only)."""
    delta = (when - clock.now()).total_seconds()
    assert delta >= 0, "tests only move time forward"
    clock.advance(delta)


__all__ = ["add_jobs", "add_fair", "add_roster", "notice", "shanghai", "at", "timedelta",
           "xlsx_bytes"]


def settings_line(needle: str) -> str:
    """`config/settings.yaml:N:` of the shipped settings line starting with `needle`, so tests
    that check a warning's position follow the file when staff add settings above it."""
    path = Path(__file__).resolve().parents[2] / "config" / "settings.yaml"
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if line.strip().startswith(needle):
            return f"config/settings.yaml:{number}:"
    raise LookupError(needle)
