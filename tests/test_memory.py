"""`serve` keeps glibc to two malloc arenas: fewer arenas holding freed pages, less memory."""
from __future__ import annotations

import subprocess
import sys

from bot.memory import _libc

from .support.builders import ROOT

# Eight threads malloc at once; then count the arenas glibc made (each a 64 MiB-aligned
# anonymous read-write mapping of its own).
PROBE = """
import ctypes, sys, threading
from bot.memory import limit_arenas
if sys.argv[1] == "limited":
    limit_arenas()
libc = ctypes.CDLL(None)
libc.malloc.restype = ctypes.c_void_p
libc.free.argtypes = [ctypes.c_void_p]
together = threading.Barrier(8)
def work():
    together.wait()
    for p in [libc.malloc(200) for _ in range(20000)]:
        libc.free(p)
threads = [threading.Thread(target=work) for _ in range(8)]
for t in threads: t.start()
for t in threads: t.join()
arenas = 0
for line in open("/proc/self/maps"):
    parts = line.split()
    if len(parts) == 5 and parts[1] == "rw-p" and int(parts[0].split("-")[0], 16) % (64 << 20) == 0:
        arenas += 1
print(arenas)
"""


def arenas(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return int(out.stdout)


def test_threads_share_two_arenas_once_limited():
    assert _libc is not None              # glibc: what the bot is deployed on (Debian)
    assert arenas("free") >= 4            # what glibc does on its own: an arena per busy thread
    assert arenas("limited") <= 1         # the main arena (brk) and at most one more
