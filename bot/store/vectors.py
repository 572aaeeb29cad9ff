"""Students' question vectors, shared by every process of one bot through Redis.

Embedding a new question is most of what answering it costs (e5 reads it for 15–35 ms).
Each process keeps the vectors it made in memory (`bot/nlp/embed.py`); kept here too,
the other workers, the other machine and the next start find a question some process
has embedded already instead of embedding it again. What is kept is the model's numbers
under a hash of the question — no text and no student — and only for a while (`ttl`,
`nlp.question_vectors_ttl`; 0 keeps them in each process only). A vector is written
with the message's next round trip (`batch`); a failed read or write only costs
embedding the question again.
"""
from __future__ import annotations

import base64
import hashlib

import redis

from .batch import write
from .keys import Keys


class QuestionVectors:
    def __init__(self, client: redis.Redis, keys: Keys, ttl: int) -> None:
        self.r, self.keys, self.ttl = client, keys, ttl

    def _key(self, model: str, text: str) -> str:
        digest = hashlib.blake2b(f"{model}\0{text}".encode("utf-8"), digest_size=16).hexdigest()
        return self.keys.question_vector(digest)

    def get(self, model: str, text: str) -> bytes | None:
        """The vector `model` made of `text` (as its raw bytes), if some process kept it."""
        raw = self.r.get(self._key(model, text))
        if not raw:
            return None
        try:
            return base64.b64decode(raw, validate=True)
        except ValueError:
            return None          # not written by us: the caller embeds the text itself

    def put(self, model: str, text: str, vector: bytes) -> None:
        key, value, ttl = self._key(model, text), base64.b64encode(vector).decode("ascii"), self.ttl
        write(self.r, lambda pipe: pipe.set(key, value, ex=ttl))
