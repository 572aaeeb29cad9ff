"""Faults, measured: `python -m bench.faults [freeze|kill-serve|kill-worker|memory|slow]…`.

Not part of `make test` or `make bench` (it takes a few minutes and kills things on
purpose). Every scenario starts what it breaks: its own redis-server (tests/support/
redis_server.py), real `python -m bot serve` / `worker` processes, the local fake WeChat
API. WeChat's side is played by threads that sign requests like WeChat and retry like
WeChat (no answer within 5 s, or no connection: try again, three retries 5 s apart).

- freeze: 30 s of messages, Redis frozen (SIGSTOP) from 10 s to 20 s.
- kill-serve: `serve` killed with -9 under traffic and started again on the same port.
- kill-worker: one of two `worker`s killed with -9 while its calls are on the wire.
- memory: Redis memory per answered message.
- slow: many clients that send their headers a byte at a time, against real messages.
"""
from __future__ import annotations

import os
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import xml.etree.ElementTree as ET
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tests.support.processes import Serve, ask_wechat
from tests.support.redis_server import RedisServer

QUESTIONS = ["三方丢了咋办", "档案怎么转", "选调生报名条件", "户口怎么迁", "就业协议书弄丢了能补办吗",
             "报到证是什么", "考研和工作怎么选", "三方违约金多少"]
COMMANDS = ["我的订阅", "订阅 Java 北京", "招聘会"]
LATER, HOLDING = "稍后再试", "正在查"


def kind_of(status: int, body: str) -> str:
    """What the student saw: answer, later (稍后再试), holding, empty, or error."""
    if status == -1:
        return f"no-response-{body}"
    if status != 200:
        return f"http-{status}"
    if body == "success":
        return "empty"
    text = ET.fromstring(body).findtext("Content") or ""
    return "later" if LATER in text else "holding" if HOLDING in text else "answer"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(p * len(ordered)))] if ordered else 0.0


def ask(port: int, text: str, user: str, msg_id: int, timeout: float) -> tuple[int, str]:
    """(-1, "refused") or (-1, "cut") when there was no HTTP response at all."""
    try:
        return ask_wechat(port, text, user, msg_id, timeout)
    except OSError as exc:
        refused = isinstance(getattr(exc, "reason", exc), ConnectionRefusedError)
        return -1, "refused" if refused else "cut"


# -- freeze ----------------------------------------------------------------------------------------
def freeze(seconds: float = 30, rate: float = 40) -> None:
    with RedisServer() as redis, tempfile.TemporaryDirectory() as data:
        serve = Serve(Path(data), {"REDIS_URL": redis.url}).wait_serving()
        results: list[tuple[float, float, str]] = []
        lock = threading.Lock()

        def one(i: int, sent_at: float) -> None:
            text = COMMANDS[i % 3] if i % 5 == 0 else QUESTIONS[i % len(QUESTIONS)]
            t0 = time.monotonic()
            status, body = ask(serve.port, text, f"oLoad{i % 300}", 5_000_000 + i, 30)
            with lock:
                results.append((sent_at, time.monotonic() - t0, kind_of(status, body)))

        start, frozen, thawed, i = time.monotonic(), False, False, 0
        with ThreadPoolExecutor(256) as pool:
            while (t := time.monotonic() - start) < seconds:
                if not frozen and t >= seconds / 3:
                    redis.freeze()
                    frozen = True
                if frozen and not thawed and t >= 2 * seconds / 3:
                    redis.thaw()
                    thawed = True
                pool.submit(one, i, t)
                i += 1
                time.sleep(max(0.0, start + i / rate - time.monotonic()))
        serve.stop()
    print(f"\n30 s at {rate:.0f} messages/s (1 in 5 a command), Redis frozen (SIGSTOP) 10–20 s:")
    print(f"{'phase':<14}{'sent':>6}{'answer':>8}{'稍后再试':>8}{'holding':>9}{'empty':>7}"
          f"{'errors':>8}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'>5 s':>6}")
    for name, lo, hi in (("before", 0, seconds / 3), ("Redis frozen", seconds / 3, 2 * seconds / 3),
                         ("after", 2 * seconds / 3, seconds)):
        rows = [r for r in results if lo <= r[0] < hi]
        kinds = Counter(r[2] for r in rows)
        lat = [r[1] * 1000 for r in rows]
        errors = sum(v for k, v in kinds.items() if k not in ("answer", "later", "holding", "empty"))
        print(f"{name:<14}{len(rows):>6}{kinds['answer']:>8}{kinds['later']:>10}{kinds['holding']:>9}"
              f"{kinds['empty']:>7}{errors:>8}{statistics.median(lat):>8.0f}{percentile(lat, .99):>8.0f}"
              f"{max(lat):>8.0f}{sum(x > 5000 for x in lat):>6}")


# -- kill -9 of serve --------------------------------------------------------------------------------
def wechat_delivery(port: int, text: str, user: str, msg_id: int) -> list[str]:
    """One message as WeChat delivers it: up to 4 attempts 5 s apart until one gets a
    response within 5 s. The kinds of every response."""
    seen, first = [], time.monotonic()
    for attempt in range(4):
        wait = first + 5 * attempt - time.monotonic()
        if wait > 0:
            time.sleep(wait)
        status, body = ask(port, text, user, msg_id, 5)
        seen.append(kind_of(status, body) + ("-twice" if "已经订阅过" in body else ""))
        if status != -1:
            return seen
    return seen


def kill_serve(seconds: float = 20, rate: float = 20, kill_at: float = 6, burst: int = 40) -> None:
    with RedisServer() as redis, tempfile.TemporaryDirectory() as data:
        env = {"REDIS_URL": redis.url}
        serve = Serve(Path(data), env).wait_serving()
        outcomes: list[list[str]] = []
        lock = threading.Lock()

        def one(i: int) -> None:
            text = "订阅 Java" if i % 2 else QUESTIONS[i % len(QUESTIONS)]
            seen = wechat_delivery(serve.port, text, f"oKill{i}", 6_000_000 + i)
            with lock:
                outcomes.append(seen)

        start, i, killed, restarted = time.monotonic(), 0, False, None
        with ThreadPoolExecutor(512) as pool:
            while time.monotonic() - start < seconds:
                if not killed and time.monotonic() - start >= kill_at:
                    for _ in range(burst):             # some of these are mid-answer at the kill
                        pool.submit(one, i)
                        i += 1
                    time.sleep(0.005)
                    serve.kill()
                    killed = time.monotonic() - start
                    restarted = Serve(Path(data), env, port=serve.port)
                pool.submit(one, i)
                i += 1
                time.sleep(max(0.0, start + i / rate - time.monotonic()))
        restarted.wait_serving()
        restarted.stop()
    final = Counter(o[-1] for o in outcomes)
    twice = sum(any(k.endswith("-twice") for k in o) for o in outcomes)
    lost = sum(o[-1] == "empty" or o[-1].startswith(("http-", "no-response")) for o in outcomes)
    retried = sum(len(o) > 1 for o in outcomes)
    cut = [o for o in outcomes if o[0] == "no-response-cut"]
    print(f"\n{len(outcomes)} messages at {rate:.0f}/s (half 订阅 Java from new students, half questions), "
          f"{burst} at once just before `serve` is killed -9 at {killed:.1f} s; started again at once "
          f"on the same port:")
    print(f"  answered: {final['answer'] + final['answer-twice']}, 稍后再试: {final['later']}, "
          f"holding: {final['holding']}; needed WeChat's retry: {retried}")
    print(f"  cut off mid-request by the kill: {len(cut)}, answered on a retry: "
          f"{sum(o[-1].startswith('answer') for o in cut)}")
    print(f"  acted twice (a retry said 已经订阅过): {twice}; lost (no answer after WeChat's retries): {lost}")
    print(f"  last responses by kind: {dict(final)}")


# -- kill -9 of a worker ---------------------------------------------------------------------------
def kill_worker(total: int = 4000, threads: int = 16) -> None:
    from bot.config import load_config
    from bot.context import build_context
    from tests.support.builders import WECHAT_SECRETS, notice
    from tests.support.fakes import FakeWeChat

    with RedisServer() as redis:
        fake = FakeWeChat(delay=0.002)
        fake.server.socket.listen(256)              # a busy API accepts; it does not refuse
        fake.start()
        ctx = build_context(load_config({"redis": {"namespace": "killw"}, "redis_url": redis.url,
                                         "secrets": WECHAT_SECRETS}, env={}))
        pipe = redis.client().pipeline(transaction=False)
        for i in range(total):
            pipe.xadd(ctx.stores.keys.outbox(), {"n": notice(f"o{i:05d}", f"kw:{i}").to_json()})
        pipe.execute()
        env = {**os.environ, "REDIS_URL": redis.url, "BOT_REDIS__NAMESPACE": "killw",
               "WECHAT_API_BASE": fake.url, "WECHAT_APPID": WECHAT_SECRETS["WECHAT_APPID"],
               "WECHAT_APPSECRET": WECHAT_SECRETS["WECHAT_APPSECRET"],
               "BOT_PUSH__SENDER__THREADS": str(threads), "BOT_PUSH__SENDER__BACKOFF_SECONDS": "1",
               "BOT_PUSH__QUIET_HOURS": '{"start": "00:00", "end": "00:00"}'}
        fake.gate.clear()
        fake.hold_after = total // 3
        workers = [subprocess.Popen([sys.executable, "-m", "bot", "worker"], env=env,
                                    stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                   for _ in range(2)]
        while fake.held < 2 * threads:
            time.sleep(0.01)
        workers[0].send_signal(signal.SIGKILL)
        workers[0].wait()
        killed = time.monotonic()
        fake.hold_after = None
        fake.gate.set()
        stats: dict[str, int] = {}
        taken_over = None
        final = ("sent", "uncertain", "failed:")
        while sum(v for k, v in stats.items() if k.startswith(final)) < total:
            time.sleep(0.05)
            stats = ctx.stores.outbox.stats()
            if taken_over is None and stats.get("uncertain"):
                taken_over = time.monotonic() - killed
        took = time.monotonic() - killed
        uncertain = [f"o{int(n.split(':')[1]):05d}" for n in ctx.stores.outbox.uncertain(1000)]
        workers[1].send_signal(signal.SIGTERM)
        workers[1].wait()
        fake.stop()
    counts = Counter(r["touser"] for r in fake.received)
    print(f"\n{total:,} notices, two workers ({threads} threads each) against the fake WeChat API; "
          f"one killed -9 while every thread had a call on the wire; default claim_idle_ms:")
    print(f"  delivered once: {sum(c == 1 for c in counts.values())}, twice or more: "
          f"{sum(c > 1 for c in counts.values())}, never: {total - len(counts)}")
    print(f"  statistics: {stats}; of the {len(uncertain)} uncertain (on the wire at the kill), "
          f"the API received {sum(u in counts for u in uncertain)}")
    print(f"  the survivor took over the dead worker's entries {taken_over:.1f} s after the kill; "
          f"all {total:,} done {took:.1f} s after it")


# -- memory ----------------------------------------------------------------------------------------
def memory(n: int = 20_000) -> None:
    from bot.app import create_app
    from bot.config import load_config
    from bot.context import build_context
    from tests.support.builders import WECHAT_SECRETS
    from tests.support.clients import text_xml, wechat_client

    with RedisServer() as redis:
        config = load_config({"redis": {"namespace": "jyzs"}, "redis_url": redis.url,
                              "secrets": WECHAT_SECRETS}, env={})
        config.check_secrets()
        wx = wechat_client(create_app(ctx=build_context(config)), "aes")
        r = redis.client()
        before = int(r.info("memory")["used_memory"])
        for i in range(n):
            wx.post(text_xml(QUESTIONS[i % len(QUESTIONS)], user=f"oMem{i % 500}", msg_id=7_700_000 + i))
        after = int(r.info("memory")["used_memory"])
        claim = r.memory_usage(f"jyzs:dedup:wechat:msg:{7_700_000 + n - 1}")
        reply = r.memory_usage(f"jyzs:dedup:wechat:msg:{7_700_000 + n - 1}:reply")
        reply_len = len(r.get(f"jyzs:dedup:wechat:msg:{7_700_000 + n - 1}:reply").encode())
    per = (after - before) / n
    print(f"\nRedis memory, {n:,} answered WeChat messages (the sample questions, encrypted mode):")
    print(f"  used_memory grew {(after - before) / 1e6:.1f} MB: {per:.0f} bytes a message while both keys live")
    print(f"  per message: id marker {claim} B (kept max_age_seconds, 300 s), answer {reply} B "
          f"({reply_len} B of text; kept dedup.reply_ttl, 30 s)")
    steady = 1000 * (300 * claim + 30 * reply)
    print(f"  at 1,000 messages/s, steady state: {steady / 1e6:.0f} MB "
          f"(before: ~1 KB kept an hour, ~3.8 GB)")


# -- slow clients --------------------------------------------------------------------------------
def slow(clients: int = 500, messages: int = 10) -> None:
    for label, env in (("connection_limit 100 (waitress's default)", {"BOT_SERVER__CONNECTION_LIMIT": "100"}),
                       ("the shipped settings", {})):
        with tempfile.TemporaryDirectory() as data:
            serve = Serve(Path(data), env).wait_serving()
            socks, stop = [], threading.Event()
            for _ in range(clients):
                s = socket.create_connection(("127.0.0.1", serve.port), timeout=10)
                s.sendall(b"POST /wechat HTTP/1.1\r\nHost: bot\r\nX-Slow: ")
                socks.append(s)

            def trickle() -> None:
                while not stop.wait(0.5):
                    for s in socks:
                        try:
                            s.sendall(b"a")
                        except OSError:
                            pass
            threading.Thread(target=trickle, daemon=True).start()
            lat, kinds = [], Counter()
            for i in range(messages):
                t0 = time.monotonic()
                status, body = ask(serve.port, QUESTIONS[i % len(QUESTIONS)], f"oSlow{i}", 8_800_000 + i, 10)
                lat.append((time.monotonic() - t0) * 1000)
                kinds[kind_of(status, body)] += 1
            stop.set()
            for s in socks:
                s.close()
            serve.stop()
        print(f"\n{clients} clients trickling header bytes, {messages} real messages, {label}:")
        print(f"  {dict(kinds)}; latency p50 {statistics.median(lat):.0f} ms, max {max(lat):.0f} ms")


SCENARIOS = {"freeze": freeze, "kill-serve": kill_serve, "kill-worker": kill_worker,
             "memory": memory, "slow": slow}

if __name__ == "__main__":
    names = sys.argv[1:] or list(SCENARIOS)
    for name in names:
        SCENARIOS[name]()
