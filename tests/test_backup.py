"""`backup FILE` / `restore FILE`: a namespace filled by the real stores comes back whole,
into another Redis server and into an empty data dir's embedded Redis; a damaged file
writes nothing and says why in Chinese."""
from __future__ import annotations

import gzip
import io
import json
from datetime import timedelta

import pytest

from bot.console.accounts import Accounts
from bot.context import build_context
from bot.store import BackupError
from bot.store.embedded import EmbeddedRedis
from bot.store.guard import BotRedis

from .support.builders import ZHANG, add_fair, add_jobs, add_roster, make_config, notice
from .support.clients import run_cli
from .support.redis_server import RedisServer
from .support.tester import BotTester


def snapshot(r, ns: str) -> dict:
    """Every key of `ns` with its type, value and TTL, read with plain commands."""
    out = {}
    for key in r.scan_iter(f"{ns}:*"):
        kind = r.type(key)
        if kind == "string":
            value = r.get(key)
        elif kind == "hash":
            value = r.hgetall(key)
        elif kind == "list":
            value = r.lrange(key, 0, -1)
        elif kind == "set":
            value = sorted(r.smembers(key))
        elif kind == "zset":
            value = r.zrange(key, 0, -1, withscores=True)
        else:
            groups = [(g["name"], g["last-delivered-id"], g["pending"],
                       [(p["message_id"], p["consumer"])
                        for p in r.xpending_range(key, g["name"], "-", "+", 100)])
                      for g in r.xinfo_groups(key)]
            value = (r.xrange(key), r.xinfo_stream(key)["last-generated-id"], groups)
        out[key[len(ns) + 1:]] = (kind, value, r.pttl(key))
    return out


def same(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for key, (kind, value, ttl) in a.items():
        assert b[key][:2] == (kind, value), key
        if ttl > 0:       # a TTL is kept to within the time the test took
            assert 0 < b[key][2] <= ttl and ttl - b[key][2] < 120_000, key
        else:
            assert b[key][2] == ttl, key


@pytest.fixture
def filled(make_ctx):
    ctx = make_ctx()
    bot = BotTester(ctx)
    bot.send("订阅 Java 北京")
    bot.send("推送设置 20点")
    bot.ask("三方协议丢了怎么办")
    bot.as_user("oOther").send("档案")           # a numbered list: a key with a TTL
    add_jobs(ctx, {"title": "Java开发", "city": "北京"}, {"title": "前端", "city": "上海"})
    add_fair(ctx, "fair-1", ctx.clock.now() + timedelta(days=3))
    add_roster(ctx, ZHANG)
    Accounts(ctx.stores).add("wang", "secret-pass-1", "admin")
    ctx.stores.outbox.enqueue(notice("oA", "n-1"))
    ctx.stores.outbox.enqueue(notice("oB", "n-2"))
    ctx.stores.outbox.read("sender-1", 1, None)   # one notice read, not yet acknowledged
    return ctx


def test_backup_restores_whole_into_another_server_and_an_empty_data_dir(filled, namespace, tmp_path):
    source = snapshot(filled.stores.client, namespace)
    kinds = {kind for kind, _, _ in source.values()}
    assert {"string", "hash", "list", "zset", "stream"} <= kinds
    assert any(ttl > 0 for _, _, ttl in source.values())
    stream = next(value for kind, value, _ in source.values() if kind == "stream")
    assert stream[2][0][3], "a notice read and not acknowledged"

    buf = io.BytesIO()
    summary = filled.stores.backups().write(buf, "2026-11-22T10:00:00+08:00")
    assert summary.total == len(source)

    with RedisServer() as server:
        target = build_context(make_config(namespace), client=BotRedis(
            unix_socket_path=server.socket, decode_responses=True))
        buf.seek(0)
        _, restored, removed = target.stores.backups().restore(buf)
        assert restored.total == len(source) and removed == 0
        same(source, snapshot(server.client(), namespace))

    file = tmp_path / "bot.backup"
    file.write_bytes(buf.getvalue())
    data = tmp_path / "data"
    env = {"BOT_REDIS__NAMESPACE": namespace}
    done = run_cli("restore", str(file), data_dir=data, env=env)
    assert done.returncode == 0, done.stderr
    assert f"恢复 {len(source)} 个键" in done.stdout and "工作人员账号 1" in done.stdout
    again = run_cli("restore", str(file), data_dir=data, env=env)
    assert again.returncode == 1 and "已有" in again.stderr and "--force" in again.stderr
    assert "Traceback" not in again.stderr
    forced = run_cli("restore", "--force", str(file), data_dir=data, env=env)
    assert forced.returncode == 0 and "先清空了原有的" in forced.stdout
    server = EmbeddedRedis.acquire(data)
    try:
        client = BotRedis(unix_socket_path=server.socket_path, decode_responses=True)
        same(source, snapshot(client, namespace))
        assert client.xpending(f"{namespace}:{next(k for k, v in source.items() if v[0] == 'stream')}",
                               "senders")["pending"] == 1
        client.close()
    finally:
        server.release()


def test_backup_command_and_damaged_files(filled, namespace, tmp_path):
    buf = io.BytesIO()
    filled.stores.backups().write(buf, "t")
    whole = buf.getvalue()
    lines = gzip.decompress(whole).splitlines(keepends=True)
    damaged = {"truncated": whole[:len(whole) // 2],
               "cut at a line": gzip.compress(b"".join(lines[:-2])),
               "not a backup": b"hello",
               "bad line": gzip.compress(lines[0] + b"{not json\n" + b"".join(lines[1:]))}
    empty = build_context(make_config(f"{namespace}:restored"), client=filled.stores.client)
    for label, content in damaged.items():
        with pytest.raises(BackupError) as err:
            empty.stores.backups().restore(io.BytesIO(content))
        assert "备份文件" in str(err.value), label
        assert empty.stores.backups().existing() == 0, label

    data = tmp_path / "data"
    env = {"BOT_REDIS__NAMESPACE": namespace}
    file = tmp_path / "truncated.backup"
    file.write_bytes(damaged["truncated"])
    done = run_cli("restore", str(file), data_dir=data, env=env)
    assert done.returncode == 1
    assert "没有恢复任何数据" in done.stderr and "不完整" in done.stderr
    assert "Traceback" not in done.stderr
    # Nothing was written: a whole backup still restores without --force, and `backup`
    # from that data dir holds the same keys and values.
    file.write_bytes(whole)
    assert run_cli("restore", str(file), data_dir=data, env=env).returncode == 0
    out = tmp_path / "again.backup"
    made = run_cli("backup", str(out), data_dir=data, env=env)
    assert made.returncode == 0 and "已备份" in made.stdout, made.stderr

    def records(content: bytes) -> list:
        rows = [json.loads(line) for line in gzip.decompress(content).splitlines()[1:-1]]
        return [(r["key"], r["type"], r["value"]) for r in rows]
    assert records(out.read_bytes()) == records(whole)
