"""Building a large index in the background without stalling the replies served meanwhile.

Two things made a student wait while a 20,000-entry knowledge base was rebuilt in a
background thread (measured on 2 idle cores, words only):

- The interpreter lock. A reply hands the lock back at every numpy call and must then
  wait for the building thread to give it up, which it does only every 5 ms (the
  interpreter's switch interval): a 10 ms match took 143 ms. With a 0.5 ms interval
  while building it took 15 ms, and the build itself was about as fast.
- The cyclic garbage collector. A build makes millions of small objects; each full
  collection walks all of them with the lock held (0.2–0.3 s each, several per build).
  The collector is paused while building; at the end one collection of the young
  objects frees the cycles the replies left meanwhile (about 14 objects a message),
  and what survives is frozen (`gc.freeze`): the indexes hold no reference cycles
  (reference counting frees them when they are replaced), so the collector never
  walks them again. One pause per reload instead of several (0.3 s at 20,000 entries,
  a few milliseconds at a few hundred), and nothing is leaked.

Both settings are process-wide, so overlapping builds share one guard: the first to
start changes them, the last to finish restores them.
"""
from __future__ import annotations

import gc
import sys
import threading
from contextlib import contextmanager
from typing import Iterator

BUILD_SWITCH_INTERVAL = 0.0005   # seconds; the interpreter's default is 0.005

_lock = threading.Lock()
_active = 0
_saved: tuple[bool, float] = (True, 0.005)
_freeze = False


@contextmanager
def building(freeze: bool = False) -> Iterator[None]:
    """Pause the collector and switch threads often while the block builds.

    `freeze`: what exists when the last build ends is kept out of every later
    collection, once the garbage made meanwhile is collected; for long-lived results
    such as a knowledge base's indexes."""
    global _active, _saved, _freeze
    with _lock:
        if _active == 0:
            _saved = (gc.isenabled(), sys.getswitchinterval())
            gc.disable()
            sys.setswitchinterval(BUILD_SWITCH_INTERVAL)
            _freeze = False
        _active += 1
        _freeze = _freeze or freeze
    try:
        yield
    finally:
        with _lock:
            _active -= 1
            if _active == 0:
                enabled, interval = _saved
                if _freeze:
                    gc.collect(1)        # the young generations: what this build made
                    gc.freeze()
                sys.setswitchinterval(interval)
                if enabled:
                    gc.enable()
