"""`serve` keeps glibc to two malloc arenas: fewer arenas holding freed pages, less memory."""
from __future__ import annotations

import subprocess
import sys

from bot.memory import _libc

from .support.builders import ROOT

# Eight threads malloc at once; then count the arenas glibc made besides the main one, as
# glibc itself reports them (`malloc_info`: one <heap> per arena). Counting 64 MiB-aligned
# anonymous mappings instead now and then took a thread stack for an arena.
PROBE = """
import ctypes, os, re, sys, tempfile, threading
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
libc.fopen.restype = ctypes.c_void_p
libc.fopen.argtypes = [ctypes.c_char_p, ctypes.c_char_p]
libc.malloc_info.argtypes = [ctypes.c_int, ctypes.c_void_p]
libc.fclose.argtypes = [ctypes.c_void_p]
with tempfile.TemporaryDirectory() as tmp:
    path = os.path.join(tmp, "malloc.xml").encode()
    out = libc.fopen(path, b"w")
    libc.malloc_info(0, out)
    libc.fclose(out)
    heaps = re.findall(r'<heap nr="[0-9]+">', open(path).read())
print(len(heaps) - 1)
"""


def arenas(mode: str) -> int:
    out = subprocess.run([sys.executable, "-c", PROBE, mode], cwd=ROOT, capture_output=True,
                         text=True, check=True)
    return int(out.stdout)


def test_threads_share_two_arenas_once_limited():
    assert _libc is not None              # glibc: what the bot is deployed on (Debian)
    assert arenas("free") >= 4            # what glibc does on its own: an arena per busy thread
    assert arenas("limited") <= 1         # the main arena (brk) and at most one more
