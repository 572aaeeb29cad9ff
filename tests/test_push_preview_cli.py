"""`push run --dry-run` shows the message each student would get, as their channel shows
it (real processes against the machine's Redis server, which they share with the test)."""
from __future__ import annotations

import os
import subprocess
import sys
import uuid

import pytest

from bot.context import build_context

from .support.builders import ROOT, SERVER_URL, make_config, server_client, shared_provider, SMALL_KB
from .support.tester import BotTester

CSV = ("岗位名称,单位名称,工作地点,链接,截止日期\n"
       "Java开发工程师,字节跳动,北京,https://jobs.example.cn/bd-java,2026-12-31\n"
       "Java后端实习生,美团,北京,https://jobs.example.cn/mt-java,\n")


@pytest.fixture
def shared_ns():
    client = server_client()
    ns = f"test-cli-{uuid.uuid4().hex[:8]}"
    yield client, ns
    keys = list(client.scan_iter(f"{ns}:*"))
    if keys:
        client.delete(*keys)


def run(ns: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    full = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
    full.update({"REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": ns, **env})
    return subprocess.run([sys.executable, "-m", "bot", *args], cwd=ROOT, env=full,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("mode", ["custom", "template"])
def test_dry_run_prints_the_message_not_only_its_title(shared_ns, tmp_path, mode):
    client, ns = shared_ns
    ctx = build_context(make_config(ns), client=client, knowledge=shared_provider(SMALL_KB))
    BotTester(ctx, user="oDry").send("订阅 Java 北京")
    jobs = tmp_path / "jobs.csv"
    jobs.write_text(CSV, encoding="utf-8")
    assert run(ns, "jobs", "import", str(jobs)).returncode == 0
    env = {"BOT_PUSH__WECHAT__MODE": mode, "BOT_PUSH__WECHAT__TEMPLATE__DIGEST__ID": "TPL-D"}
    r = run(ns, "push", "run", "--dry-run", "--at", "2026-11-23T09:00", **env)
    assert r.returncode == 0, r.stderr
    out = r.stdout
    assert "wechat:oDry  为您找到 2 个新岗位" in out
    if mode == "custom":
        assert "│ 1. Java" in out and "│    匹配：Java + 北京" in out and "https://jobs.example.cn/" in out
        assert "│ 回复“我的订阅”管理订阅" in out
    else:
        assert "│ （模板消息，模板 TPL-D）" in out and "│ number2：2" in out
        assert "│ thing3：Java + 北京" in out and "│ time4：2026年11月23日 09:00" in out
    again = run(ns, "push", "run", "--dry-run", "--at", "2026-11-23T09:00", **env)
    assert "为您找到 2 个新岗位" in again.stdout          # a dry run queued nothing
