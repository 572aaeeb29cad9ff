"""The embedded redis-server under `serve`: killed, orphaned, left behind, shared.

Real `python -m bot serve` processes on a data directory of the test's own; the
redis-servers are found through /proc (those whose working directory is the data
directory) and killed the way a crash or an operator would.
"""
from __future__ import annotations

import os
import signal
import subprocess

from .support.processes import Serve, alive, eventually, redis_servers_in
from .support.redis_server import BINARY

LOST = "三方协议遗失说明"      # the shipped knowledge base's answer to 三方丢了


def test_killed_embedded_redis_is_started_again_and_serve_keeps_answering(tmp_path):
    serve = Serve(tmp_path).wait_serving()
    try:
        status, body = serve.ask("订阅 Java", "oEmbedded", 1)
        assert status == 200 and "已订阅" in body
        [first] = redis_servers_in(tmp_path)
        os.kill(first, signal.SIGKILL)
        eventually(lambda: redis_servers_in(tmp_path) not in ([], [first]), "a new redis-server")
        replies = iter(range(100, 10_000))

        def subscribed() -> bool:
            status, body = serve.ask("订阅 Java", "oEmbedded", next(replies))
            return status == 200 and ("已订阅" in body or "已经订阅过" in body)
        eventually(subscribed, "commands answered again")
        assert serve.health()["status"] == "ok"
        assert "starting it again" in serve.output
    finally:
        assert serve.stop() == 0
    assert redis_servers_in(tmp_path) == []


def test_serve_killed_with_sigkill_leaves_no_redis_server_behind(tmp_path):
    serve = Serve(tmp_path).wait_serving()
    [server] = redis_servers_in(tmp_path)
    serve.kill()
    eventually(lambda: not alive(server), "the embedded redis-server to stop with its owner", 30)


def test_a_server_left_on_the_data_dir_is_stopped_and_one_serves_all(tmp_path):
    leftover = subprocess.Popen(
        [BINARY, "--port", "0", "--unixsocket", str(tmp_path / "old.sock"), "--dir", str(tmp_path),
         "--pidfile", str(tmp_path / "redis.pid"), "--daemonize", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    eventually(lambda: (tmp_path / "redis.pid").exists(), "the leftover server to write its pid")
    first = second = None
    try:
        first = Serve(tmp_path).wait_serving()
        assert leftover.wait(timeout=60) is not None          # stopped, not shared or doubled
        second = Serve(tmp_path).wait_serving()               # a second bot on the same data
        assert len(redis_servers_in(tmp_path)) == 1
        for n, serve in enumerate((first, second)):
            status, body = serve.ask("三方丢了咋办", f"oShared{n}", 200 + n)
            assert status == 200 and LOST in body
        assert "left running" in first.output
    finally:
        for serve in (second, first):
            if serve is not None:
                serve.stop()
        if leftover.poll() is None:
            leftover.kill()
    eventually(lambda: redis_servers_in(tmp_path) == [], "every server stopped on a clean exit", 30)
