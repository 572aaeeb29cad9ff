"""Webhook throughput: signed WeChat text messages through the whole WSGI app.

Each message has its own MsgId (so de-duplication really writes to Redis), a real
signature, XML parsing, FAQ matching and a rendered passive reply. Measured in-process
(no HTTP server in the way) against the embedded Redis: on one core, then with one
process per core sharing that Redis, next to a bare Flask endpoint that only answers
"success" (the framework's own floor), in the same run.
"""
from __future__ import annotations

import multiprocessing as mp
import os
import tempfile
import time
from pathlib import Path

from flask import Flask

QUESTIONS = ["三方丢了咋办", "档案怎么转", "选调生报名条件", "食堂几点开门", "求职补贴怎么申请",
             "老师好，请问毕业去向登记在哪里填？谢谢", "offer和三方有什么区别"]
SECRETS = {"WECHAT_TOKEN": "bench-token"}


def _timed(post, n: int) -> tuple[float, float]:
    """Wall-clock start and end of `n` requests (time.time, comparable across processes)."""
    start = time.time()
    for i in range(n):
        response = post(i)
        assert response.status_code == 200
    return start, time.time()


def _rate(post, n: int) -> float:
    start, end = _timed(post, n)
    return n / (end - start)


def _ours(redis_url: str, n: int, tag: int, start_at: float | None = None) -> tuple[float, float]:
    from bot.app import create_app
    from bot.config import load_config
    from bot.context import build_context
    from tests.support.clients import WeChatClient, text_xml

    config = load_config({"secrets": SECRETS, "redis_url": redis_url,
                          "knowledge": {"reload_interval": 0},
                          "redis": {"namespace": "bench"}}, env={})
    app = create_app(ctx=build_context(config))
    wx = WeChatClient(app.test_client(), "bench-token", "", "")
    base = (tag + 1) * 10_000_000   # every process its own MsgIds: none is a retry
    for k, q in enumerate(QUESTIONS):  # warm caches as a running bot has them
        wx.post(text_xml(q, user=f"warm-{tag}", msg_id=base - 1 - k))
    if start_at is not None:  # line the processes up so they really overlap
        while time.time() < start_at:
            time.sleep(0.001)
    return _timed(lambda i: wx.post(text_xml(QUESTIONS[i % len(QUESTIONS)],
                                             user=f"u{tag}-{i % 500}", msg_id=base + i)), n)


def _child(args) -> tuple[float, float]:
    return _ours(*args)


def run(n: int = 3000, processes: int | None = None) -> dict:
    from bot.store.embedded import EmbeddedRedis

    processes = processes or os.cpu_count() or 2
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis.acquire(Path(tmp))
        url = f"unix://{server.socket_path}"
        start, end = _ours(url, n, 0)
        one = n / (end - start)
        start_at = time.time() + 8
        with mp.get_context("spawn").Pool(processes) as pool:
            spans = pool.map(_child, [(url, n, k + 1, start_at) for k in range(processes)])
        together = n * processes / (max(e for _, e in spans) - min(s for s, _ in spans))
        bare = Flask("bare")
        bare.add_url_rule("/wechat", "w", lambda: "success", methods=["POST"])
        client = bare.test_client()
        floor = _rate(lambda i: client.post("/wechat", data=b"<xml/>", content_type="text/xml"), n)
        server.release()
    return {"one_core_per_s": one, "processes": processes,
            "all_cores_per_s": together, "bare_flask_per_s": floor}


def main() -> dict:
    r = run()
    print("\nWebhook 吞吐（进程内、内置 Redis；每条消息都验签、去重、解析、匹配、回复；不含 HTTP 服务器开销）")
    print(f"  就业助手 /wechat，1 个进程：{r['one_core_per_s']:.0f} 条/秒")
    print(f"  就业助手 /wechat，{r['processes']} 个进程（每核一个，共用一个 Redis）："
          f"{r['all_cores_per_s']:.0f} 条/秒")
    print(f"  空 Flask 端点（只回 success，框架本身的上限），1 个进程：{r['bare_flask_per_s']:.0f} 条/秒")
    return r
