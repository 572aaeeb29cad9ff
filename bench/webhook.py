"""Webhook throughput: signed WeChat text messages through the whole WSGI app.

Each message has its own MsgId (so de-duplication really writes to Redis), a real
signature, XML parsing, FAQ matching (words, and the meaning model when words are not
sure) and a rendered passive reply. Measured in-process (no HTTP server in the way)
against the embedded Redis, with one process per core sharing that Redis, on two mixes:
questions drawn Zipf-like from our question sets (an office hears the same twenty
questions again and again), and every question different (nothing remembered helps).
The Zipf mix is timed twice: from a fresh start, when every question is new to the
process, and after the process has answered as many messages from the same distribution
before (a bot that has been running a while: only the rarer questions are still new).
Each run has a Redis namespace of its own, so it starts with no question vectors shared
by the processes (`bot/store/vectors.py`); how many questions each process really
embedded, and how many it found embedded by the other, is reported beside the rate.
Beside them, a bare Flask endpoint that only answers "success" (the framework's floor),
and the memory of a real `serve` process with the meaning model loaded.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path

import yaml
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
SECRETS = {"WECHAT_TOKEN": "bench-token"}
SETS = (ROOT / "tests" / "data" / "kb_cases.yaml", ROOT / "tests" / "data" / "kb_cases_blind.yaml")


def questions() -> list[str]:
    out: list[str] = []
    for path in SETS:
        out += [str(c["q"]) for c in yaml.safe_load(path.read_text(encoding="utf-8"))]
    return list(dict.fromkeys(out))


def zipf_mix(pool: list[str], n: int, seed: int, s: float = 1.1) -> list[str]:
    """`n` questions, the k-th most asked with weight 1/k^s (a fixed shuffle decides ranks)."""
    rng = random.Random(seed)
    ranked = pool[:]
    random.Random(2026).shuffle(ranked)
    weights = [1 / (k + 1) ** s for k in range(len(ranked))]
    return rng.choices(ranked, weights=weights, k=n)


def _ours(redis_url: str, texts: list[str], tag: int, before: list[str], run: int,
          ready: Barrier | None = None) -> tuple[float, float, int, int]:
    """Answer `before` untimed (what this process heard earlier), then time `texts`:
    (start, end, questions embedded here, vectors read from the other process)."""
    from bot.app import create_app
    from bot.config import load_config
    from bot.context import build_context
    from tests.support.clients import WeChatClient, text_xml

    # Each run its own namespace: a run starts with nothing any process embedded before.
    config = load_config({"secrets": SECRETS, "redis_url": redis_url,
                          "knowledge": {"reload_interval": 0},
                          "redis": {"namespace": f"bench-{run}"}}, env={})
    app = create_app(ctx=build_context(config))
    wx = WeChatClient(app.test_client(), "bench-token", "", "")
    base = (tag + 1) * 10_000_000   # every process its own MsgIds: none is a retry
    wx.post(text_xml("三方丢了咋办", user=f"warm-{tag}", msg_id=base - 1))   # code paths warm
    for i, q in enumerate(before):
        wx.post(text_xml(q, user=f"u{tag}-{i % 500}", msg_id=base + 5_000_000 + i))
    if ready is not None:   # line the processes up so they really overlap
        ready.wait()
    embedded, shared = _vectors("embedded"), _vectors("shared")
    start = time.time()
    for i, q in enumerate(texts):
        response = wx.post(text_xml(q, user=f"u{tag}-{i % 500}", msg_id=base + i))
        assert response.status_code == 200
    end = time.time()
    return start, end, int(_vectors("embedded") - embedded), int(_vectors("shared") - shared)


def _vectors(source: str) -> float:
    from prometheus_client import REGISTRY
    return REGISTRY.get_sample_value("bot_question_vectors_total", {"source": source}) or 0.0


def _child(args: tuple, ready: Barrier, results: Queue) -> None:
    results.put(_ours(*args, ready=ready))


def _together(url: str, mixes: list[list[str]], first_tag: int = 1,
              before: list[list[str]] | None = None) -> tuple[float, int, int]:
    """Messages per second of the processes together, and the questions they embedded
    and read from each other; `first_tag` keeps each run's MsgIds (and Redis namespace)
    apart, or a second run would be answered from the first one's saved replies."""
    spawn = mp.get_context("spawn")
    ready, results = spawn.Barrier(len(mixes)), spawn.Queue()
    before = before or [[] for _ in mixes]
    procs = [spawn.Process(target=_child, args=((url, m, first_tag + k, before[k], first_tag),
                                                ready, results))
             for k, m in enumerate(mixes)]
    for p in procs:
        p.start()
    spans = [results.get(timeout=1800) for _ in procs]   # a crashed child: fail, not hang
    for p in procs:
        p.join()
    rate = sum(map(len, mixes)) / (max(s[1] for s in spans) - min(s[0] for s in spans))
    return rate, sum(s[2] for s in spans), sum(s[3] for s in spans)


def _bare(n: int) -> float:
    bare = Flask("bare")
    bare.add_url_rule("/wechat", "w", lambda: "success", methods=["POST"])
    client = bare.test_client()
    start = time.time()
    for _ in range(n):
        client.post("/wechat", data=b"<xml/>", content_type="text/xml")
    return n / (time.time() - start)


def serve_memory_mb() -> tuple[float, float]:
    """Resident memory of `python -m bot serve` on an empty data folder once the meaning
    model and thresholds are in, and the peak of it and its children meanwhile (its first
    build runs in a child process, `bot/nlp/prebuild.py`; the embedded Redis not counted),
    sampled every half second."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    with tempfile.TemporaryDirectory() as data:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "FEISHU_", "BOT_"))}
        env.update({"BOT_DATA_DIR": data, "WECHAT_TOKEN": "bench-token"})
        proc = subprocess.Popen([sys.executable, "-m", "bot", "serve", "--port", str(port)],
                                cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        peak = 0.0
        try:
            deadline = time.time() + 300
            while time.time() < deadline:
                peak = max(peak, sum(_rss_mb(pid) for pid in _python_tree(proc.pid)))
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                        if json.load(r)["understanding"]["ready"]:
                            break
                except (OSError, ValueError, KeyError):
                    pass
                time.sleep(0.5)
            return _rss_mb(proc.pid), peak
        finally:
            proc.terminate()
            proc.wait(timeout=30)


def _rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except OSError:                   # it has just ended
        return 0.0
    # A process that has ended but not been reaped yet (a zombie) has no VmRSS line.
    rss = [line.split()[1] for line in status.splitlines() if line.startswith("VmRSS")]
    return int(rss[0]) / 1024 if rss else 0.0


def _python_tree(pid: int) -> list[int]:
    """`pid` and its descendants, except the embedded Redis (Linux /proc)."""
    found = [pid]
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                if b"redis-server" not in Path(f"/proc/{child}/cmdline").read_bytes():
                    found += _python_tree(int(child))
    except OSError:
        pass
    return found


def run(n: int = 3000, processes: int | None = None) -> dict:
    from bot.store.embedded import EmbeddedRedis

    processes = processes or os.cpu_count() or 2
    pool = questions()
    with tempfile.TemporaryDirectory() as tmp:
        server = EmbeddedRedis.acquire(Path(tmp))
        url = f"unix://{server.socket_path}"
        today = [zipf_mix(pool, n, seed=k) for k in range(processes)]
        cold = _together(url, today)
        # The same office a while later: each process has already answered `n` messages
        # drawn from the same distribution (other seeds), and the next `n` are timed.
        earlier = [zipf_mix(pool, n, seed=100 + k) for k in range(processes)]
        warm = _together(url, today, first_tag=processes + 1, before=earlier)
        distinct = _together(url, [pool[k::processes] for k in range(processes)],
                             first_tag=2 * processes + 1)
        server.release()
    new_in_warm = sum(len(set(t) - set(e)) for t, e in zip(today, earlier))
    rss, peak = serve_memory_mb()
    return {"processes": processes, "zipf_per_s": cold[0], "zipf_warm_per_s": warm[0],
            "zipf_distinct": sum(len(set(t)) for t in today), "zipf_warm_new": new_in_warm,
            "messages": n * processes, "distinct_per_s": distinct[0],
            "vectors": {"cold": cold[1:], "warm": warm[1:], "distinct": distinct[1:]},
            "distinct_questions": len(pool), "bare_flask_per_s": _bare(n),
            "serve_rss_mb": rss, "serve_peak_mb": peak}


def _vector_note(counts: tuple[int, int]) -> str:
    embedded, shared = counts
    return f"（算了 {embedded} 个问题的向量，{shared} 个用了另一个进程算好的）"


def main() -> dict:
    r = run()
    print("\nWebhook 吞吐（进程内、内置 Redis；每条消息都验签、去重、解析、匹配、回复；不含 HTTP 服务器开销）")
    print(f"  就业助手 /wechat，{r['processes']} 个进程（每核一个，共用一个 Redis）：")
    print(f"    常见问题反复出现（从测试题按 Zipf 分布抽取，共 {r['messages']} 条）：")
    print(f"      刚启动，什么都没记住（各进程里第一次出现的问题共 {r['zipf_distinct']} 个）："
          f"{r['zipf_per_s']:.0f} 条/秒{_vector_note(r['vectors']['cold'])}")
    print(f"      运行了一阵（各进程先答过同一分布的另外 {r['messages'] // r['processes']} 条，"
          f"计时的消息里新问题共 {r['zipf_warm_new']} 个）：{r['zipf_warm_per_s']:.0f} 条/秒"
          f"{_vector_note(r['vectors']['warm'])}")
    print(f"    每条都不一样（{r['distinct_questions']} 个不同问题，各问一次）：{r['distinct_per_s']:.0f} 条/秒"
          f"{_vector_note(r['vectors']['distinct'])}")
    print(f"  空 Flask 端点（只回 success，框架本身的上限），1 个进程：{r['bare_flask_per_s']:.0f} 条/秒")
    print(f"  serve 进程加载语义模型后的常驻内存：{r['serve_rss_mb']:.0f} MB"
          f"（第一次建库时连同子进程最高 {r['serve_peak_mb']:.0f} MB）")
    return r
