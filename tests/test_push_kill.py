"""A sender killed with SIGKILL mid-way through 1,000 deliveries; another finishes the work.

Real `python -m bot worker` processes against the machine's Redis server and the local
fake WeChat API. The fake API holds requests once a few hundred have arrived, so the kill
lands while every sender thread has a call on the wire: the hardest moment.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from collections import Counter

import pytest

from .support.builders import ROOT, SERVER_URL, WECHAT_SECRETS, make_config, notice, server_client

TOTAL, THREADS = 1000, 8


def wait_for(condition, what: str, limit: float = 60.0) -> None:
    """Poll until `condition()`; a bound so a broken build fails instead of hanging."""
    deadline = time.monotonic() + limit
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting for {what}")
        time.sleep(0.02)


def worker(namespace: str, api: str) -> subprocess.Popen:
    env = {**os.environ, "REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": namespace,
           "WECHAT_API_BASE": api, "WECHAT_APPID": WECHAT_SECRETS["WECHAT_APPID"],
           "WECHAT_APPSECRET": WECHAT_SECRETS["WECHAT_APPSECRET"],
           "BOT_PUSH__SENDER__THREADS": str(THREADS), "BOT_PUSH__SENDER__BATCH": "16",
           "BOT_PUSH__SENDER__CLAIM_IDLE_MS": "300",
           "BOT_PUSH__QUIET_HOURS": json.dumps({"start": "00:00", "end": "00:00"})}
    return subprocess.Popen([sys.executable, "-m", "bot", "worker"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)


@pytest.fixture
def shared_namespace():
    """A namespace on the machine's Redis server, which the worker processes share."""
    client = server_client()
    ns = f"test-kill-{uuid.uuid4().hex[:8]}"
    yield client, ns
    keys = list(client.scan_iter(f"{ns}:*", count=1000))
    if keys:
        client.delete(*keys)


def test_killed_sender_loses_nothing_and_repeats_nothing(shared_namespace, fake_wechat):
    client, namespace = shared_namespace
    from bot.context import build_context
    ctx = build_context(make_config(namespace), client=client)
    for i in range(TOTAL):
        ctx.stores.outbox.enqueue(notice(f"o{i:04d}", f"kill:{i}"))
    fake_wechat.delay = 0.002
    fake_wechat.gate.clear()
    fake_wechat.hold_after = 300
    first = worker(namespace, fake_wechat.url)
    second = None
    try:
        wait_for(lambda: fake_wechat.held >= THREADS, "every sender thread to be on the wire")
        first.send_signal(signal.SIGKILL)
        first.wait(timeout=30)
        fake_wechat.hold_after = None
        fake_wechat.gate.set()
        second = worker(namespace, fake_wechat.url)
        wait_for(lambda: ctx.stores.outbox.backlog()["queued"] == 0
                 and sum(Counter(ctx.stores.outbox.stats()).values()) >= TOTAL,
                 "the second sender to finish")
    finally:
        for p in (first, second):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                p.wait(timeout=30)
    counts = Counter(r["touser"] for r in fake_wechat.received)
    assert len(counts) == TOTAL, f"{TOTAL - len(counts)} notices never arrived"
    assert max(counts.values()) == 1, [u for u, c in counts.items() if c > 1][:5]
    stats = ctx.stores.outbox.stats()
    assert stats.get("uncertain", 0) == THREADS     # on the wire when it died: counted, not resent
    assert stats["sent"] + stats["uncertain"] == TOTAL
    assert len(ctx.stores.outbox.uncertain(100)) == THREADS
