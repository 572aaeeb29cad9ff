"""`serve --workers N`: N gunicorn workers on one port, one store, one scheduler.

Real processes on a data directory of the test's own, with the embedded Redis: the
same WeChat message posted at once to several workers must be acted on once; exactly
one redis-server serves all of them; each worker listens on a socket of its own, and a
burst of kept-alive connections is spread over both workers (seen by which worker
holds each connection's socket, through /proc); SIGTERM to `serve`
stops the arbiter, the workers and the redis-server. Also: a taken port is one clear
line on both paths (also when the one holding it is another `serve --workers`), and
the start-up hint names the Python that is really running.
"""
from __future__ import annotations

import http.client
import os
import re
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from bot.cli.common import python_command

from .support.builders import ROOT
from .support.processes import TOKEN, Serve, alive, eventually, redis_servers_in

RETRIES = 6
BURST = 32          # kept-alive connections opened at once, as nginx's upstream keepalive does


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
        except (OSError, IndexError, ValueError):
            continue
    return found


def content(body: str) -> str:
    return re.search(r"<Content><!\[CDATA\[(.*?)\]\]></Content>", body, re.S).group(1)


def socket_inodes(pid: int) -> set[str]:
    found = set()
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            found.add(os.readlink(fd).removeprefix("socket:[").rstrip("]"))
        except OSError:
            continue
    return found


def tcp_inodes(match) -> set[str]:
    """Inodes of the TCP sockets whose /proc/net/tcp row (split in fields) `match`es."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        for line in Path(table).read_text().splitlines()[1:]:
            fields = line.split()
            if match(fields):
                inodes.add(fields[9])
    return inodes


def holder_of(conn: http.client.HTTPConnection, pids: list[int]) -> int | None:
    """The worker holding the server side of `conn` (its socket's inode, via /proc)."""
    client_port = conn.sock.getsockname()[1]
    inodes = tcp_inodes(lambda f: int(f[2].rsplit(":", 1)[1], 16) == client_port)
    return next((pid for pid in pids if socket_inodes(pid) & inodes), None)


def listening_on(port: int, pid: int) -> set[str]:
    """The listening sockets (state 0A) on `port` that process `pid` holds."""
    listening = tcp_inodes(lambda f: f[3] == "0A" and int(f[1].rsplit(":", 1)[1], 16) == port)
    return listening & socket_inodes(pid)


def test_workers_share_one_store_and_stop_together(tmp_path):
    serve = Serve(tmp_path, workers=2).wait_serving()
    try:
        workers = serve.ready_workers
        assert len(set(workers)) == 2
        assert f"{python_command()} -m bot chat" in serve.output
        assert len(redis_servers_in(tmp_path)) == 1          # started once, by `serve`
        [arbiter] = [p for p in children(serve.proc.pid) if p not in redis_servers_in(tmp_path)]
        assert sorted(children(arbiter)) == sorted(workers)

        # WeChat retries one message while the first copy is still being answered.
        barrier, replies = threading.Barrier(RETRIES), []

        def post() -> None:
            barrier.wait()
            replies.append(serve.ask("订阅 Java", "oWorkers", 4242))
        threads = [threading.Thread(target=post) for _ in range(RETRIES)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        assert all(status == 200 for status, _ in replies), replies
        # One answer, repeated to every copy (only the XML's CreateTime may differ: copies
        # waiting on another worker's answer can be rendered a second later).
        answered = {content(body) for _, body in replies if "<Content>" in body}
        assert len(answered) == 1 and "已订阅" in answered.pop()
        status, again = serve.ask("订阅 Java", "oWorkers", 4242)   # a late retry: same answer
        assert "已订阅" in again and "已经订阅过" not in again
        status, listed = serve.ask("我的订阅", "oWorkers", 4243)
        assert "共 1 个" in listed and "Java" in listed, listed

        # Each worker accepts on a listening socket of its own, so a burst of kept-alive
        # connections is spread over both (one shared socket left them all to whichever
        # worker woke first). Binomially, fewer than 6 of 32 on one side: 1 run in 9,000.
        own = [listening_on(serve.port, pid) for pid in workers]
        assert all(len(s) == 1 for s in own) and own[0] != own[1], own
        assert listening_on(serve.port, serve.proc.pid) == set()     # serve only holds the port
        conns = [http.client.HTTPConnection("127.0.0.1", serve.port, timeout=30) for _ in range(BURST)]
        for conn in conns:
            conn.connect()
        for conn in conns:
            conn.request("GET", "/healthz")
            assert conn.getresponse().status == 200
        holders = [holder_of(conn, workers) for conn in conns]
        assert all(holders.count(pid) >= 6 for pid in workers), holders
        for conn in conns:
            conn.close()
    finally:
        assert serve.stop() == 0, serve.output
    for pid in [arbiter, *workers]:
        eventually(lambda: not alive(pid), f"process {pid} to stop", 30)
    assert redis_servers_in(tmp_path) == []
    assert "就业助手已停止" in serve.output


def test_serve_killed_with_sigkill_takes_its_workers_and_redis_along(tmp_path):
    serve = Serve(tmp_path, workers=2).wait_serving()
    [redis] = redis_servers_in(tmp_path)
    [arbiter] = [p for p in children(serve.proc.pid) if p != redis]
    serve.kill()
    for pid in [arbiter, redis, *serve.ready_workers]:
        eventually(lambda: not alive(pid), f"process {pid} to stop with serve", 30)
    eventually(lambda: redis_servers_in(tmp_path) == [], "no redis-server left", 30)


def refused_as_taken(data_dir: Path, port: int, workers: int) -> None:
    """`serve` on a port that is taken says so in one line and starts nothing."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("WECHAT_", "BOT_", "REDIS_URL"))}
    env.update(BOT_DATA_DIR=str(data_dir), WECHAT_TOKEN=TOKEN)
    done = subprocess.run([sys.executable, "-m", "bot", "serve", "--port", str(port),
                           "--workers", str(workers)],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    said = done.stderr.strip().splitlines()
    assert len(said) == 1 and said[0].startswith(f"端口 {port} 已被占用"), done.stderr
    assert f"PORT={port + 1} make run" in said[0]
    assert "Traceback" not in done.stdout + done.stderr
    assert redis_servers_in(data_dir) == []                 # nothing was started


@pytest.mark.parametrize("workers", [1, 2])
def test_a_taken_port_is_one_clear_line(tmp_path, workers):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        refused_as_taken(tmp_path, taken.getsockname()[1], workers)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_second_serve_cannot_join_the_port_of_a_running_one(tmp_path, workers):
    """Its workers' SO_REUSEPORT sockets would accept a second deployment's silently."""
    first = Serve(tmp_path / "first", workers=2).wait_serving()
    try:
        refused_as_taken(tmp_path / "second", first.port, workers)
        conn = http.client.HTTPConnection("127.0.0.1", first.port, timeout=30)
        conn.request("GET", "/healthz")
        assert conn.getresponse().status == 200
        conn.close()
    finally:
        assert first.stop() == 0, first.output


def test_the_hint_names_the_python_that_runs():
    assert python_command("/srv/bot/.venv/bin/python", Path("/srv/bot")) == ".venv/bin/python"
    assert python_command("/opt/py/bin/python3", Path("/srv/bot")) == "/opt/py/bin/python3"
    assert python_command("/srv/my bot/v/bin/python", Path("/tmp")) == "'/srv/my bot/v/bin/python'"
