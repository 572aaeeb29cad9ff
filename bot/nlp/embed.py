"""Caches of sentence vectors: query vectors by text in memory (an office sees the same
twenty questions again and again) and, for the bot's other processes, in Redis; the
knowledge base's vectors on disk by text hash, so a hot reload embeds only what changed.
The models themselves are in `encoders.py`.
"""
from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import threading
import zipfile
from collections import OrderedDict
from pathlib import Path
from typing import Callable, Protocol, Sequence, TypeVar

import numpy as np

from .. import metrics
from .encoders import Embedder

log = logging.getLogger(__name__)

T = TypeVar("T")
R = TypeVar("R")


class SharedVectors(Protocol):
    """Vectors kept where every process of the bot finds them (`bot/store/vectors.py`)."""

    def get(self, model: str, text: str) -> bytes | None: ...

    def put(self, model: str, text: str, vector: bytes) -> None: ...


class QueryCache:
    """Query vectors by text, most recently used kept; safe across request threads.

    A question that is word for word a knowledge-base phrasing reuses that phrasing's
    vector from `known` (students' own questions are never written to the vector files).
    With `shared`, a question another process has embedded is read from there, and one
    embedded here is left there for the others.
    """

    def __init__(self, embedder: Embedder, known: "VectorStore | None" = None,
                 size: int = 4096, shared: SharedVectors | None = None) -> None:
        self.embedder, self.known, self.size, self.shared = embedder, known, size, shared
        self._items: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def sharing(self, shared: SharedVectors | None) -> "QueryCache":
        """This cache (the same memory) that also reads and leaves vectors in `shared`."""
        view = object.__new__(QueryCache)
        view.__dict__.update(self.__dict__, shared=shared)
        return view

    def vector(self, text: str) -> np.ndarray:
        return self.vector_meanwhile(text, None)[0]

    def vector_meanwhile(self, text: str, then: Callable[[np.ndarray], T] | None
                         ) -> tuple[np.ndarray, T | None]:
        """The vector of `text`; when it has to be embedded here by both models, also
        `then` of the second model's part, computed while the first model still reads
        (`PairEmbedder.query_meanwhile`). Otherwise None: the caller applies it."""
        with self._lock:
            hit = self._items.get(text)
            if hit is not None:
                self._items.move_to_end(text)
                return hit, None
        done: T | None = None
        vec = self.known.lookup("query", text) if self.known is not None else None
        if vec is None and (vec := self._from_shared(text)) is not None:
            metrics.question_vector("shared")
        if vec is None:
            # Only the pair of models has a second part to score while the first reads.
            meanwhile = getattr(self.embedder, "query_meanwhile", None)
            if then is not None and meanwhile is not None:
                vec, done = meanwhile(text, then)
            else:
                vec = self.embedder.queries([text])[0]
            metrics.question_vector("embedded")
            self._to_shared(text, vec)
        with self._lock:
            self._items[text] = vec
            if len(self._items) > self.size:
                self._items.popitem(last=False)
        return vec, done

    def _from_shared(self, text: str) -> np.ndarray | None:
        if self.shared is None:
            return None
        try:
            raw = self.shared.get(self.embedder.name, text)
        except Exception as exc:      # Redis down or slow: embed it here, as without sharing
            log.debug("shared question vectors not read (%s)", exc.__class__.__name__)
            return None
        if raw is None or len(raw) != 4 * self.embedder.dim:
            return None
        return np.frombuffer(raw, dtype=np.float32)

    def _to_shared(self, text: str, vec: np.ndarray) -> None:
        if self.shared is None:
            return
        try:
            self.shared.put(self.embedder.name, text, np.asarray(vec, dtype=np.float32).tobytes())
        except Exception as exc:
            log.debug("shared question vectors not written (%s)", exc.__class__.__name__)


SHIPPED_VECTORS = Path(__file__).resolve().parent / "data" / "vectors"


class VectorStore:
    """Vectors of knowledge-base texts on disk, by a hash of model, kind and text.

    One file per model under the data folder; rewritten atomically when new texts were
    embedded, so a crash never leaves a half-written cache. Texts every knowledge base
    embeds (the shipped off-topic questions) come with the package, in the same format
    (`python -m bench.ship_vectors` writes them): a first start embeds only the
    school's own texts.
    """

    def __init__(self, embedder: Embedder, folder: Path | None,
                 shipped: Path | None = SHIPPED_VECTORS) -> None:
        self.embedder = embedder
        self.path = folder / f"{embedder.name}.npz" if folder else None
        self.shipped = shipped / f"{embedder.name}.npz" if shipped else None
        self._known: dict[bytes, np.ndarray] = {}
        self._lock = threading.Lock()
        self._loaded = False
        self._seen: tuple[int, int] | None = None    # the cache file as last read or written
        self.embedded = 0        # texts embedded by this store: what a reload really cost

    @staticmethod
    def _key(kind: str, text: str) -> bytes:
        return hashlib.blake2b(f"{kind}\0{text}".encode("utf-8"), digest_size=16).digest()

    def _load(self) -> None:
        if self._loaded:
            return
        self._loaded = True
        if self.shipped is not None:
            self._known.update(self._read(self.shipped))
        self._refresh()

    def _refresh(self) -> None:
        """Take in what another process added to the cache file since this one read it:
        `serve` has a child embed a new knowledge base's texts (`prebuild.py`), and its
        own builds (the bot's intents) write the same file meanwhile."""
        if self.path is None:
            return
        stamp = _stamp(self.path)
        if stamp is not None and stamp != self._seen:
            self._known.update(self._read(self.path))
        self._seen = stamp

    def _read(self, path: Path) -> dict[bytes, np.ndarray]:
        """A vector file's contents; nothing when it is missing, damaged or of another size."""
        try:
            with np.load(path) as data:
                keys, vecs = data["keys"], data["vectors"]
        except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
            return {}
        if vecs.shape[1:] != (self.embedder.dim,) or keys.shape[1:] != (16,):
            return {}
        return {k.tobytes(): v for k, v in zip(keys, vecs)}

    def _save(self) -> None:
        """Write the cache; a failure only costs embedding again later, never the build.

        The temporary file is this process's and thread's own: the workers of `serve
        --workers N` build at the same time on a first start and save the same cache
        (with one shared name, one's rename found the file already moved and its whole
        build failed, leaving that worker on words alone)."""
        if self.path is None:
            return
        self._refresh()                     # another process's texts are kept, not overwritten
        keys = np.frombuffer(b"".join(self._known), dtype=np.uint8).reshape(-1, 16)
        vecs = np.stack(list(self._known.values())) if self._known else np.zeros((0, self.embedder.dim))
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}-{threading.get_ident()}.tmp.npz")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            np.savez(tmp, keys=keys, vectors=vecs.astype(np.float32))
            os.replace(tmp, self.path)
            self._seen = _stamp(self.path)
        except OSError as exc:
            log.warning("could not save the vector cache %s (%s); it is rebuilt when needed",
                        self.path, exc)
            with contextlib.suppress(OSError):   # where the folder cannot be made, neither can it
                tmp.unlink(missing_ok=True)

    def lookup(self, kind: str, text: str) -> np.ndarray | None:
        """The vector of a text embedded before, or None."""
        with self._lock:
            self._load()
            return self._known.get(self._key(kind, text))

    def vectors(self, kind: str, texts: Sequence[str]) -> np.ndarray:
        """One row per text; only texts never seen before are embedded."""
        with self._lock:
            self._load()
            self._refresh()
            keys = [self._key(kind, t) for t in texts]
            missing = list(dict.fromkeys(t for t, k in zip(texts, keys) if k not in self._known))
            if missing:
                embed = self.embedder.queries if kind == "query" else self.embedder.passages
                parts = [missing[i:i + 64] for i in range(0, len(missing), 64)]
                # Each call runs on one core with the GIL released: use them all while
                # building (off the request path), so a first start is not cores times slower.
                for part, vecs in zip(parts, map_on_daemon_threads(embed, parts, os.cpu_count() or 1)):
                    for t, v in zip(part, vecs):
                        self._known[self._key(kind, t)] = v
                self.embedded += len(missing)
                self._save()
            if not texts:
                return np.zeros((0, self.embedder.dim), dtype=np.float32)
            return np.stack([self._known[k] for k in keys]).astype(np.float32)


def _stamp(path: Path) -> tuple[int, int] | None:
    """(modification time, size) of a file, None when there is none."""
    try:
        st = path.stat()
    except OSError:
        return None
    return st.st_mtime_ns, st.st_size


def map_on_daemon_threads(fn: Callable[[T], R], items: Sequence[T], workers: int) -> list[R]:
    """`fn` over `items` on up to `workers` daemon threads; results in order.

    Not a ThreadPoolExecutor: the interpreter joins an executor's threads at exit, so a
    `serve` stopped during a first build would wait for the whole build (over a minute
    on a busy machine) after saying it had stopped. Daemon threads end with the process.
    """
    results: list[R | None] = [None] * len(items)
    errors: list[BaseException] = []
    pending = iter(range(len(items)))
    lock = threading.Lock()

    def work() -> None:
        while not errors:
            with lock:
                i = next(pending, None)
            if i is None:
                return
            try:
                results[i] = fn(items[i])
            except BaseException as exc:   # re-raised in the caller's thread
                errors.append(exc)

    threads = [threading.Thread(target=work, name="embed", daemon=True)
               for _ in range(max(1, min(workers, len(items))))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    if errors:
        raise errors[0]
    return results  # type: ignore[return-value]
