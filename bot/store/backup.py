"""Everything the bot keeps in Redis, to and from one file.

The file is gzip'd JSON lines: a header, one line per key (`key` without the namespace,
`type`, `ttl_ms`, `value`), and an end line with the count, so a truncated copy is
told apart from a complete one. A logical format rather than Redis's DUMP: DUMP's
payload restores only into the same or a newer Redis, and the embedded Redis (6.2) is
older than most servers, so a backup taken on a server could not go back to a laptop.
Streams keep their entries, their last id and their consumer groups with what each
consumer had read and not acknowledged, so a notice being sent when the backup was
taken is still owed after a restore.

Restore reads and checks the whole file before it writes anything: a damaged file
leaves Redis as it was.
"""
from __future__ import annotations

import gzip
import json
import zlib
from collections import Counter
from dataclasses import dataclass, field
from typing import IO, Any, Iterator

import redis

from .keys import Keys

FORMAT = "jyzs-backup"
VERSION = 1
TYPES = ("string", "hash", "list", "set", "zset", "stream")


class BackupError(Exception):
    """The file cannot be restored; the message says why, in Chinese."""


@dataclass
class Summary:
    """What a backup holds or a restore wrote: keys by type and by area."""

    types: Counter = field(default_factory=Counter)
    areas: Counter = field(default_factory=Counter)

    def add(self, key: str, kind: str) -> None:
        self.types[kind] += 1
        self.areas[key.split(":", 1)[0]] += 1

    @property
    def total(self) -> int:
        return sum(self.types.values())


# --- reading Redis ---------------------------------------------------------------------
def _stream(r: redis.Redis, key: str) -> dict[str, Any]:
    entries = [[i, f] for i, f in r.xrange(key)]
    info = r.xinfo_stream(key)
    groups = []
    for g in r.xinfo_groups(key):
        pending = r.xpending_range(key, g["name"], "-", "+", max(int(g["pending"]), 1)) \
            if int(g["pending"]) else []
        groups.append({"name": g["name"], "last_id": g["last-delivered-id"],
                       "pending": [[p["message_id"], p["consumer"], p["times_delivered"]]
                                   for p in pending]})
    return {"entries": entries, "last_id": info["last-generated-id"], "groups": groups}


def _value(r: redis.Redis, key: str, kind: str) -> Any:
    if kind == "string":
        return r.get(key)
    if kind == "hash":
        return r.hgetall(key)
    if kind == "list":
        return r.lrange(key, 0, -1)
    if kind == "set":
        return sorted(r.smembers(key))
    if kind == "zset":
        return [[m, s] for m, s in r.zrange(key, 0, -1, withscores=True)]
    return _stream(r, key)


def records(r: redis.Redis, keys: Keys) -> Iterator[dict[str, Any]]:
    """One record per key of this bot's namespace (keys that expire meanwhile are skipped,
    and caches any process makes again)."""
    prefix = keys.ns + ":"
    for key in sorted(r.scan_iter(keys.pattern(), count=1000)):
        if keys.rebuilt_when_missing(key):
            continue
        kind = r.type(key)
        if kind not in TYPES:
            continue                   # "none": expired since the scan
        value, ttl = _value(r, key, kind), r.pttl(key)
        if value is None:
            continue
        yield {"key": key[len(prefix):], "type": kind, "ttl_ms": ttl if ttl > 0 else None,
               "value": value}


def backup(r: redis.Redis, keys: Keys, out: IO[bytes], created_at: str) -> Summary:
    summary = Summary()
    with gzip.GzipFile(fileobj=out, mode="wb") as gz:
        def line(obj: dict[str, Any]) -> None:
            gz.write(json.dumps(obj, ensure_ascii=False).encode("utf-8") + b"\n")
        line({"format": FORMAT, "version": VERSION, "namespace": keys.ns,
              "created_at": created_at})
        for rec in records(r, keys):
            line(rec)
            summary.add(rec["key"], rec["type"])
        line({"end": True, "keys": summary.total})
    return summary


# --- reading the file ------------------------------------------------------------------
def read(source: IO[bytes]) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(header, records) of a whole, undamaged backup; BackupError otherwise."""
    try:
        with gzip.GzipFile(fileobj=source, mode="rb") as gz:
            lines = gz.read().splitlines()
    except (OSError, EOFError, zlib.error) as exc:
        raise BackupError("备份文件已损坏或不完整（无法解压）：请换一份完整的备份文件。"
                          f"（{exc.__class__.__name__}）") from None
    try:
        rows = [json.loads(line) for line in lines if line.strip()]
    except (ValueError, UnicodeDecodeError):
        raise BackupError("备份文件内容已损坏（有一行不是有效的 JSON）：请换一份完整的备份文件。") from None
    if not rows or not isinstance(rows[0], dict) or rows[0].get("format") != FORMAT:
        raise BackupError("这不是就业助手的备份文件（缺少文件头）：请确认文件是用 backup 命令生成的。")
    if rows[0].get("version") != VERSION:
        raise BackupError(f"备份文件的版本（{rows[0].get('version')}）与当前程序不符：请用生成它的版本恢复。")
    end = rows[-1] if isinstance(rows[-1], dict) else {}
    body = rows[1:-1]
    if not end.get("end") or end.get("keys") != len(body):
        raise BackupError("备份文件不完整（结尾缺失，可能复制时被截断）：请换一份完整的备份文件。")
    for n, rec in enumerate(body, 2):
        if not _valid(rec):
            raise BackupError(f"备份文件第 {n} 行格式不对：请换一份完整的备份文件。")
    return rows[0], body


def _valid(rec: Any) -> bool:
    if not isinstance(rec, dict) or not isinstance(rec.get("key"), str) or not rec["key"]:
        return False
    ttl, kind, value = rec.get("ttl_ms"), rec.get("type"), rec.get("value")
    if ttl is not None and (not isinstance(ttl, int) or ttl <= 0):
        return False
    shapes = {"string": str, "hash": dict, "list": list, "set": list, "zset": list,
              "stream": dict}
    return kind in shapes and isinstance(value, shapes[kind])


# --- writing Redis ---------------------------------------------------------------------
def existing(r: redis.Redis, keys: Keys) -> int:
    """How many keys the namespace holds now."""
    return sum(1 for _ in r.scan_iter(keys.pattern(), count=1000))


def clear(r: redis.Redis, keys: Keys) -> int:
    doomed = list(r.scan_iter(keys.pattern(), count=1000))
    for i in range(0, len(doomed), 500):
        r.delete(*doomed[i:i + 500])
    return len(doomed)


def _write(pipe, key: str, kind: str, value: Any) -> None:
    if kind == "string":
        pipe.set(key, value)
    elif kind == "hash" and value:
        pipe.hset(key, mapping=value)
    elif kind == "list" and value:
        pipe.rpush(key, *value)
    elif kind == "set" and value:
        pipe.sadd(key, *value)
    elif kind == "zset" and value:
        pipe.zadd(key, {m: float(s) for m, s in value})


def _restore_stream(r: redis.Redis, key: str, value: dict[str, Any]) -> None:
    """Entries with their ids, the last id, and each group with its unacknowledged reads."""
    pipe = r.pipeline(transaction=False)
    for entry_id, fields in value.get("entries", []):
        pipe.xadd(key, fields, id=entry_id)
    pipe.execute()
    for group in value.get("groups", []):
        name, pending = group["name"], group.get("pending", [])
        r.xgroup_create(key, name, id="0", mkstream=True)
        if pending:
            # Read everything as a placeholder consumer, give the unacknowledged entries
            # back to their consumers, and acknowledge the rest.
            owed = {p[0]: p for p in pending}
            got = r.xreadgroup(name, "restore", {key: ">"}) or []
            ids = [i for _, rows in got for i, _ in rows]
            done = [i for i in ids if i not in owed]
            if done:
                r.xack(key, name, *done)
            for entry_id, consumer, times in pending:
                if entry_id in ids:
                    r.xclaim(key, name, consumer, 0, [entry_id], retrycount=int(times),
                             justid=True)
            r.xgroup_delconsumer(key, name, "restore")
        r.xgroup_setid(key, name, group["last_id"])
    if value.get("last_id") and r.exists(key):
        r.execute_command("XSETID", key, value["last_id"])


def restore(r: redis.Redis, keys: Keys, rows: list[dict[str, Any]]) -> Summary:
    summary = Summary()
    pipe = r.pipeline(transaction=False)
    for n, rec in enumerate(rows, 1):
        key = f"{keys.ns}:{rec['key']}"
        if rec["type"] == "stream":
            pipe.execute()
            _restore_stream(r, key, rec["value"])
        else:
            _write(pipe, key, rec["type"], rec["value"])
        if rec.get("ttl_ms"):
            pipe.pexpire(key, rec["ttl_ms"])
        summary.add(rec["key"], rec["type"])
        if n % 500 == 0:
            pipe.execute()
    pipe.execute()
    return summary


class Backups:
    """Backup and restore of one namespace, for the command line (no key leaves here)."""

    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def write(self, out: IO[bytes], created_at: str) -> Summary:
        return backup(self.r, self.keys, out, created_at)

    def existing(self) -> int:
        return existing(self.r, self.keys)

    def restore(self, source: IO[bytes], force: bool = False) -> tuple[dict[str, Any], Summary, int]:
        """(header, what was written, keys removed first); BackupError before any write
        when the file is damaged, or when the namespace holds data and `force` is not set."""
        header, rows = read(source)
        there = self.existing()
        if there and not force:
            raise BackupError(f"目标 Redis 的命名空间“{self.keys.ns}”里已有 {there} 个键，"
                              "恢复会覆盖它们：确认要覆盖请加 --force（会先清空这个命名空间）。")
        removed = clear(self.r, self.keys) if there else 0
        return header, restore(self.r, self.keys, rows), removed
