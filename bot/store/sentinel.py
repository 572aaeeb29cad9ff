"""`REDIS_URL=redis+sentinel://[:password@]host1:26379,host2:26379/service/db`: a primary
that Redis Sentinel manages, found by asking the sentinels (and found again after a
failover, by the connection pool).

A mistyped URL stops the bot at start with one Chinese line that shows the right form,
not a redis-py traceback.
"""
from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from ..config import ConfigError

SCHEME = "redis+sentinel://"
EXAMPLE = "redis+sentinel://:密码@10.0.0.1:26379,10.0.0.2:26379/mymaster/0"


@dataclass(frozen=True)
class SentinelUrl:
    hosts: tuple[tuple[str, int], ...]
    service: str
    db: int = 0
    password: str | None = None
    username: str | None = None


def _bad(url: str, why: str) -> ConfigError:
    shown = url.split("@", 1)[1] if "@" in url else url[len(SCHEME):]   # never the password
    return ConfigError(f"REDIS_URL 写得不对（{SCHEME}{shown}）：{why}。"
                       f"应写成 {EXAMPLE}（密码可省略，最后的数字是数据库编号，默认 0）")


def is_sentinel(url: str) -> bool:
    return url.startswith(SCHEME)


def parse(url: str) -> SentinelUrl:
    rest = url[len(SCHEME):]
    netloc, _, path = rest.partition("/")
    username = password = None
    if "@" in netloc:
        auth, netloc = netloc.rsplit("@", 1)
        user, sep, pw = auth.partition(":")
        username, password = (unquote(user) or None, unquote(pw) or None) if sep else (None, unquote(user) or None)
    hosts = []
    for part in netloc.split(","):
        host, sep, port = part.strip().rpartition(":")
        if not sep or not host or not port.isdigit() or not 0 < int(port) < 65536:
            raise _bad(url, f"哨兵地址“{part.strip() or '（空）'}”应是 主机:端口")
        hosts.append((host.strip("[]"), int(port)))
    parts = [p for p in path.split("/") if p]
    if not parts:
        raise _bad(url, "缺少主节点的服务名（哨兵配置里 sentinel monitor 后面的名字）")
    if len(parts) > 2 or (len(parts) == 2 and not parts[1].isdigit()):
        raise _bad(url, "服务名后面只能跟一个数据库编号（数字）")
    return SentinelUrl(tuple(hosts), unquote(parts[0]), int(parts[1]) if len(parts) == 2 else 0,
                       password, username)
