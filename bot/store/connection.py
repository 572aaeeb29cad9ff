"""Opening Redis: the operator's server when REDIS_URL is set, else an embedded one.

`REDIS_URL` may name a server (`redis://`, `rediss://`, `unix://`) or a primary managed
by Redis Sentinel (`redis+sentinel://`, `sentinel.py`). Every client waits at most `redis.socket_timeout` for an answer and retries nothing but
a dropped connection, behind a breaker (`guard`), so a stopped or frozen Redis costs a
request one short wait at most, never WeChat's 5 s. The embedded server (`embedded`)
keeps its data under BOT_DATA_DIR with an append-only file, and is shared by every
process of the bot on this machine.
"""
from __future__ import annotations

import logging
from pathlib import Path

from ..settings import RedisSettings
from .embedded import EmbeddedRedis
from . import sentinel
from .guard import BotRedis, no_retry_on_timeout

log = logging.getLogger(__name__)


def connect(redis_url: str | None, data_dir: Path, settings: RedisSettings) -> BotRedis:
    """A client with `decode_responses=True`; starts the embedded server if needed."""
    options = dict(decode_responses=True, socket_timeout=settings.socket_timeout,
                   socket_connect_timeout=settings.socket_timeout, retry=no_retry_on_timeout())
    if redis_url and sentinel.is_sentinel(redis_url):
        client = _sentinel_primary(sentinel.parse(redis_url), settings.socket_timeout, options)
    elif redis_url:
        client = BotRedis.from_url(redis_url, health_check_interval=30, **options)
    else:
        server = EmbeddedRedis.acquire(data_dir)
        client = BotRedis(unix_socket_path=server.socket_path, **options)
        client.on_close.append(server.release)
        log.info("embedded Redis at %s", server.socket_path)
    client.breaker.retry_after = settings.retry_after
    if redis_url:
        client.ping()
    return client


def _sentinel_primary(url: sentinel.SentinelUrl, timeout: float, options: dict) -> BotRedis:
    """The primary the sentinels name, through a pool that asks them again after a
    failover; the same timeouts and breaker as any other client."""
    from redis.sentinel import Sentinel
    watchers = Sentinel(list(url.hosts), socket_timeout=timeout,
                        sentinel_kwargs={"socket_timeout": timeout,
                                         "socket_connect_timeout": timeout})
    return watchers.master_for(url.service, redis_class=BotRedis, db=url.db,
                               password=url.password, username=url.username,
                               health_check_interval=30, **options)
