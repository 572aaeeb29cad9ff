"""`REDIS_URL=redis+sentinel://…`: the bot finds its primary through a real Redis Sentinel,
follows it through a failover, and a mistyped URL is one Chinese line, not a traceback."""
from __future__ import annotations

import shutil
import socket
import subprocess
import tempfile
import time
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import pytest
import redis

from bot.config import ConfigError
from bot.context import build_context

from .support.builders import make_config
from .support.clients import run_cli
from .support.redis_server import BINARY
from .support.tester import BotTester

PASSWORD = "s3ntinel-pw"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(check, what: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 30
    while not check():
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"{what} did not start: {log.read_text() if log.exists() else ''}")
        time.sleep(0.02)


def answers(client: redis.Redis, *command: str) -> bool:
    try:
        return bool(client.execute_command(*command))
    except (redis.RedisError, OSError):
        return False


def start_server(folder: Path, name: str, port: int, *extra: str) -> subprocess.Popen:
    return subprocess.Popen(
        [BINARY, "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder),
         "--dbfilename", f"{name}.rdb", "--save", "", "--requirepass", PASSWORD,
         "--masterauth", PASSWORD, "--logfile", str(folder / f"{name}.log"), *extra],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def start_sentinel(folder: Path, port: int, primary_port: int) -> subprocess.Popen:
    """A sentinel watching the primary on `primary_port`; returns once it names it."""
    conf = folder / "sentinel.conf"
    conf.write_text(f"port {port}\nbind 127.0.0.1\ndir {folder}\n"
                    f"logfile {folder / 'sentinel.log'}\n"
                    f"sentinel monitor mymaster 127.0.0.1 {primary_port} 1\n"
                    f"sentinel auth-pass mymaster {PASSWORD}\n"
                    "sentinel down-after-milliseconds mymaster 60000\n")
    watcher = subprocess.Popen([BINARY, str(conf), "--sentinel"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    asker = redis.Redis(port=port, socket_timeout=1, decode_responses=True)
    wait_for(lambda: answers(asker, "SENTINEL", "get-master-addr-by-name", "mymaster"),
             "redis-sentinel", watcher, folder / "sentinel.log")
    return watcher


@contextmanager
def servers(prefix: str) -> Iterator[tuple[Path, list[subprocess.Popen]]]:
    """A scratch folder and a list to start servers into; all killed and removed after."""
    folder = Path(tempfile.mkdtemp(prefix=prefix))
    procs: list[subprocess.Popen] = []
    try:
        yield folder, procs
    finally:
        for proc in procs:
            proc.kill()
            proc.wait(timeout=10)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture
def sentinel_primary():
    """A password-protected redis-server and a redis-sentinel monitoring it, on free ports."""
    with servers("sent-") as (folder, procs):
        port, sport = free_port(), free_port()
        procs.append(start_server(folder, "primary", port))
        client = redis.Redis(port=port, password=PASSWORD, socket_timeout=1, decode_responses=True)
        wait_for(lambda: answers(client, "PING"), "redis-server", procs[-1], folder / "primary.log")
        procs.append(start_sentinel(folder, sport, port))
        yield client, f"redis+sentinel://:{PASSWORD}@127.0.0.1:{sport}/mymaster/0"


def test_stores_write_to_the_primary_the_sentinel_names(sentinel_primary, namespace, tmp_path):
    primary, url = sentinel_primary
    config = make_config(namespace, redis_url=url, data_dir=str(tmp_path))
    ctx = build_context(config)
    try:
        bot = BotTester(ctx)
        bot.send("订阅 Java 北京")
        assert len(ctx.stores.subscriptions.list(bot.student)) == 1
        assert list(primary.scan_iter(f"{namespace}:subs*")), "the subscription is on the primary"
        port = primary.connection_pool.connection_kwargs["port"]
        assert ctx.stores.client.connection_pool.get_master_address() == ("127.0.0.1", port)
        assert ctx.stores.client.breaker is not None        # the same guard as any client
    finally:
        ctx.stores.close()


@pytest.mark.parametrize("url", ["redis+sentinel://127.0.0.1/mymaster/0",
                                 "redis+sentinel://127.0.0.1:26379",
                                 "redis+sentinel://:pw@127.0.0.1:26379/mymaster/db0"])
def test_a_mistyped_sentinel_url_is_one_chinese_line(url, tmp_path):
    with pytest.raises(ConfigError) as err:
        build_context(make_config("x", redis_url=url, data_dir=str(tmp_path)))
    assert "REDIS_URL 写得不对" in str(err.value) and "mymaster" in str(err.value)
    assert ":pw@" not in str(err.value)
    done = run_cli("backup", str(tmp_path / "b"), env={"REDIS_URL": url}, data_dir=tmp_path)
    assert done.returncode == 2 and "REDIS_URL 写得不对" in done.stderr
    assert "Traceback" not in done.stderr


def poll(check, what: str, log: Path, seconds: float = 90) -> None:
    """Wait for a state Sentinel reaches on its own schedule (it looks at replicas every
    10 s); the bound only keeps a broken setup from hanging the suite."""
    deadline = time.monotonic() + seconds
    while not check():
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what}: {log.read_text() if log.exists() else ''}")
        time.sleep(0.1)


@pytest.fixture
def sentinel_with_replica():
    """A primary, its replica and a sentinel watching them, on free ports."""
    with servers("fail-") as (folder, procs):
        port, rport, sport = free_port(), free_port(), free_port()
        procs.append(start_server(folder, "primary", port))
        primary = redis.Redis(port=port, password=PASSWORD, socket_timeout=1, decode_responses=True)
        wait_for(lambda: answers(primary, "PING"), "primary", procs[-1], folder / "primary.log")
        procs.append(start_server(folder, "replica", rport, "--replicaof", "127.0.0.1", str(port)))
        replica = redis.Redis(port=rport, password=PASSWORD, socket_timeout=1, decode_responses=True)
        wait_for(lambda: answers(replica, "PING"), "replica", procs[-1], folder / "replica.log")
        procs.append(start_sentinel(folder, sport, port))
        asker = redis.Redis(port=sport, socket_timeout=1, decode_responses=True)
        yield primary, replica, asker, f"redis+sentinel://:{PASSWORD}@127.0.0.1:{sport}/mymaster/0", folder


def test_after_a_failover_the_bot_writes_to_the_new_primary_and_keeps_what_it_had(
        sentinel_with_replica, tmp_path):
    primary, replica, asker, url, folder = sentinel_with_replica
    namespace = f"fail{uuid.uuid4().hex[:8]}"       # its own servers: one run, not one per backend
    log = folder / "sentinel.log"
    config = make_config(namespace, redis_url=url, data_dir=str(tmp_path))
    ctx = build_context(config)
    try:
        bot = BotTester(ctx)
        bot.send("订阅 Java 北京")
        poll(lambda: bool(list(replica.scan_iter(f"{namespace}:subs*"))), "not replicated", log)

        def failover_started() -> bool:       # refused until the sentinel has seen the replica
            try:
                return asker.execute_command("SENTINEL", "FAILOVER", "mymaster") is not None
            except redis.ResponseError:
                return False
        poll(failover_started, "the sentinel never started a failover", log)
        new = ("127.0.0.1", str(replica.connection_pool.connection_kwargs["port"]))
        poll(lambda: tuple(asker.execute_command("SENTINEL", "get-master-addr-by-name",
                                                 "mymaster")) == new, "no new primary", log)
        poll(lambda: primary.info("replication")["role"] == "slave", "old primary not demoted", log)

        reply = bot.send("订阅 Python 上海")            # its pooled connection is to the old primary
        assert reply.startswith("已订阅") and "稍后" not in reply, reply
        words = [s.words for s in ctx.stores.subscriptions.list(bot.student)]
        assert len(words) == 2, words                      # the first one came through the failover
        assert ctx.stores.client.connection_pool.get_master_address() == (new[0], int(new[1]))
        assert len(list(replica.scan_iter(f"{namespace}:subs*"))) >= 1
    finally:
        ctx.stores.close()
