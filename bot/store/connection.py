"""Opening Redis: the operator's server when REDIS_URL is set, else an embedded one.

Every client waits at most `redis.socket_timeout` for an answer and retries nothing but
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
from .guard import BotRedis, no_retry_on_timeout

log = logging.getLogger(__name__)


def connect(redis_url: str | None, data_dir: Path, settings: RedisSettings) -> BotRedis:
    """A client with `decode_responses=True`; starts the embedded server if needed."""
    options = dict(decode_responses=True, socket_timeout=settings.socket_timeout,
                   socket_connect_timeout=settings.socket_timeout, retry=no_retry_on_timeout())
    if redis_url:
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
