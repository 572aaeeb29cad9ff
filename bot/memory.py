"""Keeping the process small: the memory of a replaced knowledge base goes back to the
operating system, and `serve` keeps glibc to two malloc arenas (`limit_arenas`).

A large knowledge base's indexes are millions of small Python objects; once the old
one is dropped, CPython frees them but glibc keeps the pages in its arenas, so the
process stayed hundreds of megabytes larger after every reload. `malloc_trim` returns
what is free. The indexes hold no reference cycles, so reference counting frees them
the moment they are replaced: no full collection, which walks millions of objects with
the interpreter lock held and stalled every reply for seconds at 20,000 entries.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import gc
import logging

log = logging.getLogger(__name__)

_libc: ctypes.CDLL | None = None
try:
    _name = ctypes.util.find_library("c")
    _libc = ctypes.CDLL(_name) if _name else None
    if _libc is not None and not hasattr(_libc, "malloc_trim"):
        _libc = None                   # not glibc (musl, macOS): nothing to trim
except OSError:
    _libc = None


M_ARENA_MAX = -8          # mallopt's parameter number in glibc's malloc.h
SERVE_ARENAS = 2


def limit_arenas(arenas: int = SERVE_ARENAS) -> None:
    """At most `arenas` malloc arenas for this process and the workers it forks.

    glibc gives a thread that finds its arena busy an arena of its own, up to eight per
    core, and each keeps the pages its thread freed: `serve`'s waitress threads, the
    embedding threads of a build and the scheduler's grew one `serve` to 451–453 MB
    resident (`bench.webhook.serve_memory_mb`); with two arenas it stays at 377 MB.
    Called before any thread starts; without glibc there is nothing to limit."""
    if _libc is None:
        return
    if not _libc.mallopt(M_ARENA_MAX, arenas):
        log.debug("mallopt(M_ARENA_MAX) refused")


def release_memory() -> None:
    """Hand free heap pages back (where the C library can); ctypes releases the
    interpreter lock for the call, so replies go on meanwhile."""
    gc.collect(0)
    if _libc is not None:
        try:
            _libc.malloc_trim(0)
        except OSError:
            log.debug("malloc_trim failed", exc_info=True)
