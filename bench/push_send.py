"""Sending: one sender process against a local WeChat-like API that takes 50 ms a call.

The fake API runs in its own process (so its threads do not compete with the sender for
the GIL); the sender is the real one (`Sender.run`: stream, thread pool, pooled HTTP
connections, shared token, shared rate limit), started in a thread of this process.
"""
from __future__ import annotations

import multiprocessing as mp
import tempfile
import threading
import time
import uuid
from pathlib import Path

from bot.clock import Clock
from bot.config import load_config
from bot.context import build_context
from bot.records import Notice
from bot.runtime import build_sender
from bot.store.connection import connect

NOTICES, DELAY = 5000, 0.05


def _serve(delay: float, queue) -> None:
    from tests.support.fakes import FakeWeChat

    server = FakeWeChat(delay=delay)
    server.server.request_queue_size = 256
    queue.put(server.url)
    server.server.serve_forever(poll_interval=0.1)


def _one_at_a_time(url: str, token: str, n: int = 60) -> float:
    """The simple way, for comparison: one requests call after another."""
    import requests

    session = requests.Session()
    start = time.perf_counter()
    for i in range(n):
        session.post(f"{url}/cgi-bin/message/custom/send", params={"access_token": token},
                     json={"touser": f"b{i}", "msgtype": "text", "text": {"content": "x"}},
                     timeout=10).json()
    return n / (time.perf_counter() - start)


def run(threads: int = 64) -> dict:
    queue = mp.Queue()
    proc = mp.Process(target=_serve, args=(DELAY, queue), daemon=True)
    proc.start()
    url = queue.get(timeout=30)
    try:
        from tests.support.fakes import APPID, SECRET
        config = load_config({"redis": {"namespace": f"bench-{uuid.uuid4().hex[:6]}"},
                              "secrets": {"WECHAT_APPID": APPID, "WECHAT_APPSECRET": SECRET},
                              "api_bases": {"WECHAT_API_BASE": url},
                              "push": {"quiet_hours": {"start": "00:00", "end": "00:00"},
                                       "sender": {"threads": threads, "batch": threads,
                                                  "rate_per_second": {"wechat": 5000}}}})
        client = connect(config.redis_url, config.data_dir if config.redis_url
                         else Path(tempfile.mkdtemp()), config.settings.redis)
        ctx = build_context(config, clock=Clock(), client=client)
        pipe = client.pipeline(transaction=False)
        for i in range(NOTICES):
            n = Notice(id=f"bench:{i}", channel="wechat", user_id=f"o{i:06d}", kind="digest",
                       title="为您找到 2 个新岗位", summary="1. Java开发｜示例公司｜北京\n2. …",
                       reason="匹配：Java + 北京")
            pipe.xadd(ctx.stores.keys.outbox(), {"n": n.to_json()})
        pipe.execute()
        sender = build_sender(ctx)
        sender.transports["wechat"].api.token.get()        # warm the token, as a running sender has
        stop = threading.Event()
        thread = threading.Thread(target=sender.run, args=(stop, 200))
        start = time.perf_counter()
        thread.start()
        while ctx.stores.outbox.stats().get("sent", 0) + sum(
                v for k, v in ctx.stores.outbox.stats().items() if k != "sent") < NOTICES:
            time.sleep(0.05)
        elapsed = time.perf_counter() - start
        stop.set()
        thread.join()
        stats = ctx.stores.outbox.stats()
        baseline = _one_at_a_time(url, sender.transports["wechat"].api.token.get())
        for key in client.scan_iter(ctx.stores.keys.pattern(), count=5000):
            client.delete(key)
        client.close()  # an embedded server stops with its last client
        return {"notices": NOTICES, "threads": threads, "delay_ms": DELAY * 1000,
                "seconds": elapsed, "per_second": NOTICES / elapsed, "stats": stats,
                "baseline_per_second": baseline}
    finally:
        proc.terminate()


def main() -> dict:
    r = run()
    print(f"\n发送：1 个发送进程（{r['threads']} 个线程），模拟接口每次调用 {r['delay_ms']:.0f} ms")
    print(f"  {r['notices']:,} 条用时 {r['seconds']:.2f} s，即 {r['per_second']:.0f} 条/秒；"
          f"结果 {r['stats']}")
    print(f"  对照：逐条同步发送（requests，一次一个）{r['baseline_per_second']:.0f} 条/秒")
    return r
