"""Files staff uploaded, kept briefly between the preview and "import" (30 minutes)."""
from __future__ import annotations

import secrets

import redis

from .keys import Keys

TTL = 30 * 60


class UploadStash:
    def __init__(self, client: redis.Redis, keys: Keys) -> None:
        self.r, self.keys = client, keys

    def put(self, filename: str, data: bytes) -> str:
        token = secrets.token_urlsafe(16)
        key = self.keys.upload(token)
        pipe = self.r.pipeline()
        pipe.hset(key, mapping={"name": filename, "data": data.hex()})
        pipe.expire(key, TTL)
        pipe.execute()
        return token

    def get(self, token: str) -> tuple[str, bytes] | None:
        raw = self.r.hgetall(self.keys.upload(token))
        if not raw:
            return None
        return raw["name"], bytes.fromhex(raw["data"])

    def drop(self, token: str) -> None:
        self.r.delete(self.keys.upload(token))
