"""A knowledge base's expensive first build in a child process, so `serve` stays small.

The first build of a knowledge base embeds every text and runs the self-test. Both
leave the process larger than what it keeps: the meaning model's weight pages touched
by thousands of texts, and heap pages freed but pinned by the few objects that stay
(glibc and CPython's small-object arenas return only what is wholly free). One `serve`
on an empty data folder measured 511–540 MB once ready, 408 MB after a restart that
found the caches. So `serve` has a child fill the two caches under the data folder
(vectors by text, thresholds by the knowledge base's fingerprint) and exit, taking those
pages with it; the server then builds from the caches, as on a restart. When the caches
are already there (a restart) no child is started; when the child fails, the server
does the work itself, as before.

The child is `python -m bot.nlp.prebuild`, given the knowledge base and the builder's
settings by pickle on its standard input (our own two processes, nothing from outside).
It keeps reading that pipe: when the server stops or dies, the pipe closes and the
child ends at once instead of embedding on for a minute with nobody to serve.
"""
from __future__ import annotations

import fcntl
import logging
import os
import pickle
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

from ..kb.model import KnowledgeBase
from ..memory import limit_arenas
from .builder import MatcherBuilder
from .model import Thresholds

log = logging.getLogger(__name__)

ROOT = Path(__file__).resolve().parents[2]      # where the `bot` package is importable


@dataclass(frozen=True)
class Job:
    """What the child builds: the knowledge base, as the server's builder would."""
    kb: KnowledgeBase
    base: Thresholds
    embeddings: bool | str
    data_dir: Path


def in_child(builder: MatcherBuilder, kb: KnowledgeBase) -> bool:
    """`MatcherBuilder.in_child` for `serve`: `kb` built in a child, as `builder` would.

    One child per data folder at a time: the workers of `serve --workers N` start
    together, and the second finds the caches the first one's child filled (before,
    every worker embedded the whole knowledge base at once, each with its own model)."""
    if builder.data_dir is None:
        return False
    try:
        builder.data_dir.mkdir(parents=True, exist_ok=True)
        lock = open(builder.data_dir / "prebuild.lock", "a+b")
    except OSError as exc:           # a read-only data folder: the caches cannot be kept either
        log.warning("cannot use the data folder for a build process (%s); building here", exc)
        return False
    with lock:
        fcntl.flock(lock, fcntl.LOCK_EX)        # released when the file is closed
        if builder.self_test_cached(kb):
            return True
        return run_in_child(Job(kb, builder.base, builder.embeddings, builder.data_dir))


def run_in_child(job: Job | bytes) -> bool:
    """Have a child process fill the caches for `job`; True when it did.

    Bytes are sent as they are (the tests give a broken job this way)."""
    payload = job if isinstance(job, bytes) else pickle.dumps(job)
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
    try:
        child = subprocess.Popen([sys.executable, "-m", "bot.nlp.prebuild"], stdin=subprocess.PIPE,
                                 env=env, cwd=ROOT)
    except OSError as exc:
        log.warning("could not start the build process (%s); building here", exc)
        return False
    assert child.stdin is not None
    try:
        child.stdin.write(payload)
        child.stdin.flush()
        code = child.wait()               # the pipe stays open: it is the child's lifeline
    except (OSError, KeyboardInterrupt):
        child.kill()
        child.wait()
        raise
    finally:
        child.stdin.close()
    if code != 0:
        log.warning("the build process ended with %s; building here", code)
    return code == 0


def main() -> int:
    """The child: read the job, build it into the caches, exit."""
    limit_arenas()                    # as `serve` does: its embedding threads share two arenas
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    stdin = sys.stdin.buffer
    try:
        job = pickle.load(stdin)
    except EOFError:
        return _server_gone()
    except Exception as exc:          # a broken job: say so, and let the server build
        if isinstance(exc, pickle.UnpicklingError) and "truncated" in str(exc):
            return _server_gone()     # the pipe closed mid-job: the server is stopping
        log.error("the build process got no job it could read (%s)", exc)
        return 2
    if not isinstance(job, Job):
        log.error("the build process got %s, not a job", type(job).__name__)
        return 2
    threading.Thread(target=_end_with_the_server, args=(stdin.fileno(),), name="lifeline",
                     daemon=True).start()
    builder = MatcherBuilder(base=job.base, embeddings=job.embeddings, data_dir=job.data_dir)
    builder.full(job.kb)
    return 0


def _server_gone() -> int:
    """The server stopped while it was still sending the job (`python -m bot chat` ended
    by its input running out, a stop during a first start): nothing to build, and nothing
    went wrong."""
    log.debug("the server stopped before it had sent the whole job; nothing to build")
    return 3


def _end_with_the_server(fd: int) -> None:
    """The server closed the pipe (it stopped, or died): end now. Reads the descriptor
    itself, not `sys.stdin`, whose lock the interpreter must take when it shuts down."""
    while os.read(fd, 4096):
        pass
    os._exit(3)


if __name__ == "__main__":
    # Run as the imported module, not as `__main__`: the job was pickled with that
    # module's `Job`, and a second copy of the class would not be the same class.
    from bot.nlp import prebuild
    try:
        sys.exit(prebuild.main())
    except KeyboardInterrupt:         # Ctrl-C reaches the whole terminal's process group
        sys.exit(130)
