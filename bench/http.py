"""WeChat messages over real HTTP: `serve` (1 process, and `--workers 2`) against bare Flask.

wrk posts signed plain-mode WeChat text messages, each with its own MsgId (a Lua counter)
and a question drawn Zipf-like from our question sets, from 500 users. The signature
covers token, timestamp and nonce only (not the body), so one signed query string serves
a whole run; the timestamp is taken fresh before each run (the bot refuses one older
than `max_age_seconds`). Beside each of our servers, a bare Flask app that only answers
"success", on the same HTTP server: waitress in one process, gunicorn with two gthread
workers, each listening on a socket of its own as ours do (`--reuse-port`; on one shared
socket wrk's 32 kept-alive connections could all land on one worker). Rounds alternate
(bare, ours, bare, ours …) so a noisy neighbour hurts both.

wrk runs on the same machine and takes CPU too (one thread, 32 connections): on a
2-core machine the figures are what is left for the server after the load generator.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
TOKEN = "bench-token"
ROUNDS, SECONDS, CONNECTIONS = 3, 10, 32
# The knowledge base's derived thresholds, kept between runs: deriving them takes minutes
# on a busy 2-core machine, and every fresh data directory would derive them again.
THRESHOLDS = Path(tempfile.gettempdir()) / "jyzs-bench-http-thresholds"

bare_app = Flask("bare")
bare_app.add_url_rule("/wechat", "w", lambda: "success", methods=["POST"])


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _env(data_dir: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("WECHAT_", "FEISHU_", "BOT_", "REDIS_URL"))}
    env.update(BOT_DATA_DIR=data_dir, WECHAT_TOKEN=TOKEN)
    return env


def _start(kind: str, port: int, data_dir: str) -> subprocess.Popen:
    py = sys.executable
    commands = {
        "bot-1": [py, "-m", "bot", "serve", "--port", str(port)],
        "bot-2": [py, "-m", "bot", "serve", "--port", str(port), "--workers", "2"],
        "bare-1": [py, "-m", "waitress", f"--listen=127.0.0.1:{port}", "--threads=16",
                   "--connection-limit=1000", "--asyncore-use-poll", "bench.http:bare_app"],
        "bare-2": [py, "-m", "gunicorn", "-b", f"127.0.0.1:{port}", "-w", "2", "-k", "gthread",
                   "--threads", "16", "--reuse-port", "--no-control-socket", "bench.http:bare_app"],
    }
    return subprocess.Popen(commands[kind], cwd=ROOT, env=_env(data_dir),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def _wait_ready(kind: str, port: int) -> None:
    """Listening, and for the bot: the meaning model in (the steady state students meet)."""
    deadline = time.time() + 900         # the knowledge base's self-test takes a while
    while time.time() < deadline:
        try:
            if kind.startswith("bare"):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            ready = 0
            for _ in range(10):          # every worker, not just the first to answer
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    ready += json.load(r)["understanding"]["ready"]
            if ready == 10:
                return
        except (OSError, ValueError, KeyError):
            pass
        time.sleep(0.5)
    raise RuntimeError(f"{kind} did not start on port {port}")


def _lua(questions: list[str], msg_base: int) -> str:
    """A wrk script: each request a fresh MsgId, user and question; signed just now."""
    from tests.support.clients import sign

    now, nonce = str(int(time.time())), "bench"
    query = f"signature={sign(TOKEN, now, nonce)}&timestamp={now}&nonce={nonce}"
    listed = ",\n".join(f"[==[{q}]==]" for q in questions)
    return f"""
local qs = {{
{listed}
}}
local n = 0
local made = 0
tid = 0
function setup(thread)      -- each wrk thread its own range of MsgIds (wrk -t2 and more)
  thread:set("tid", made)
  made = made + 1
end
wrk.method = "POST"
wrk.headers["Content-Type"] = "text/xml"
request = function()
  n = n + 1
  local body = string.format("<xml><ToUserName><![CDATA[gh_bench]]></ToUserName>" ..
    "<FromUserName><![CDATA[oBench%d]]></FromUserName><CreateTime>{now}</CreateTime>" ..
    "<MsgType><![CDATA[text]]></MsgType><Content><![CDATA[%s]]></Content>" ..
    "<MsgId>%d</MsgId></xml>", n % 500, qs[(n % #qs) + 1], {msg_base} + tid * 1000000000 + n)
  return wrk.format(nil, "/wechat?{query}", nil, body)
end
"""


def _wrk(port: int, script: Path, seconds: int = SECONDS) -> dict:
    out = subprocess.run(["wrk", "-t1", f"-c{CONNECTIONS}", f"-d{seconds}s", "--latency",
                          "-s", str(script), f"http://127.0.0.1:{port}/wechat"],
                         capture_output=True, text=True, check=True).stdout

    def latency(pct: str) -> float:
        value, unit = re.search(rf"^\s+{pct}%\s+([\d.]+)(us|ms|s)\s*$", out, re.M).groups()
        return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors = re.search(r"Socket errors: (.*)", out)
    return {"per_s": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
            "p50_ms": latency("50"), "p99_ms": latency("99"),
            "non_2xx": int(bad.group(1)) if bad else 0,
            "socket_errors": errors.group(1) if errors else ""}


def _check_answers(port: int) -> None:
    """Our servers really answer (a passive reply with content), not just "success"."""
    from tests.support.clients import sign

    now, nonce, msg_id = str(int(time.time())), "check", int(time.time() * 1000)
    xml = (f"<xml><ToUserName><![CDATA[gh_bench]]></ToUserName><FromUserName><![CDATA[oCheck]]>"
           f"</FromUserName><CreateTime>{now}</CreateTime><MsgType><![CDATA[text]]></MsgType>"
           f"<Content><![CDATA[三方丢了咋办]]></Content><MsgId>{msg_id}</MsgId></xml>")
    url = (f"http://127.0.0.1:{port}/wechat?signature={sign(TOKEN, now, nonce)}"
           f"&timestamp={now}&nonce={nonce}")
    with urllib.request.urlopen(urllib.request.Request(url, data=xml.encode()), timeout=30) as r:
        body = r.read().decode()
    assert "<Content>" in body, body[:200]


def run() -> dict:
    from bench.webhook import questions, zipf_mix

    if not shutil.which("wrk"):
        raise SystemExit("没有 wrk：apt-get install -y wrk")
    mix = zipf_mix(questions(), 5000, seed=7)
    kinds = ("bare-1", "bot-1", "bare-2", "bot-2")
    results: dict[str, list[dict]] = {k: [] for k in kinds}
    procs, ports = {}, {}
    with tempfile.TemporaryDirectory() as tmp:
        try:
            for kind in kinds:                    # bot-1 first: bot-2 takes its thresholds
                ports[kind] = _free_port()
                data = Path(tmp) / kind
                data.mkdir()
                if THRESHOLDS.is_dir():
                    shutil.copytree(THRESHOLDS, data / "thresholds")
                procs[kind] = _start(kind, ports[kind], str(data))
                _wait_ready(kind, ports[kind])
                if kind.startswith("bot"):
                    _check_answers(ports[kind])
                    if not THRESHOLDS.is_dir() and (data / "thresholds").is_dir():
                        shutil.copytree(data / "thresholds", THRESHOLDS)
                print(f"  {kind} 已就绪（端口 {ports[kind]}）", flush=True)
            script = Path(tmp) / "wechat.lua"
            for r in range(ROUNDS + 1):              # round 0 warms every server up
                for k, kind in enumerate(kinds):
                    if procs[kind].poll() is not None:
                        raise RuntimeError(f"{kind} exited with {procs[kind].returncode}")
                    script.write_text(_lua(mix, (r * 10 + k + 1) * 10_000_000 + int(time.time())),
                                      encoding="utf-8")
                    figures = _wrk(ports[kind], script, 3 if r == 0 else SECONDS)
                    if r:
                        results[kind].append(figures)
                        print(f"  第 {r} 轮 {kind}: {figures['per_s']:.0f} 条/秒 "
                              f"p50 {figures['p50_ms']:.1f} ms p99 {figures['p99_ms']:.1f} ms "
                              f"非 2xx {figures['non_2xx']}", flush=True)
        finally:
            for proc in procs.values():
                proc.send_signal(signal.SIGTERM)
            for proc in procs.values():
                proc.wait(timeout=60)
    return results


def _median(values: list[float]) -> float:
    s = sorted(values)
    return s[len(s) // 2]


def main() -> dict:
    print(f"微信消息 HTTP 吞吐（wrk -t1 -c{CONNECTIONS}，每轮 {SECONDS} 秒，{ROUNDS} 轮交替；"
          f"{os.cpu_count()} 核，wrk 与服务器同机）", flush=True)
    results = run()
    summary = {}
    for ours, bare, label in (("bot-1", "bare-1", "serve（waitress，1 个进程）"),
                              ("bot-2", "bare-2", "serve --workers 2（gunicorn）")):
        per_s = _median([f["per_s"] for f in results[ours]])
        floor = _median([f["per_s"] for f in results[bare]])
        p50 = _median([f["p50_ms"] for f in results[ours]])
        p99 = _median([f["p99_ms"] for f in results[ours]])
        summary[ours] = {"per_s": per_s, "bare_per_s": floor, "ratio": per_s / floor,
                         "p50_ms": p50, "p99_ms": p99}
        print(f"{label}: {per_s:.0f} 条/秒（中位数），同一服务器上的裸 Flask {floor:.0f} 次/秒，"
              f"比值 {per_s / floor:.2f}；p50 {p50:.1f} ms，p99 {p99:.1f} ms")
    print(json.dumps(summary, ensure_ascii=False))
    return summary


if __name__ == "__main__":
    main()
