"""Building the knowledge base's vectors never keeps a stopping process alive.

`serve` builds the meaning model's vectors in the background; when it is stopped during
a first build it must exit once it says it has stopped, not when the build is done.
"""
from __future__ import annotations

import json
import subprocess
import sys
import textwrap

import pytest

from bot.nlp.embed import map_on_daemon_threads

from .support.builders import ROOT

# A model call that never returns stands in for a build still running at exit.
_STUCK_BUILD = textwrap.dedent("""
    import threading
    import numpy as np
    from bot.nlp.embed import VectorStore

    class NeverDone:
        name, dim = "never-done", 4
        def passages(self, texts):
            started.set()
            threading.Event().wait()
        queries = passages

    started = threading.Event()
    store = VectorStore(NeverDone(), None)
    threading.Thread(target=store.vectors, args=("passage", ["a", "b", "c"]), daemon=True).start()
    started.wait()
    print("exiting", flush=True)
""")


def test_a_process_exits_while_its_vectors_are_still_being_built():
    proc = subprocess.run([sys.executable, "-c", _STUCK_BUILD], cwd=ROOT, capture_output=True,
                          text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout.strip() == "exiting"


def test_results_come_back_in_order_and_errors_reach_the_caller():
    assert map_on_daemon_threads(lambda x: x * x, list(range(50)), 3) == [x * x for x in range(50)]
    assert map_on_daemon_threads(str, [], 2) == []

    def fails_on_seven(x: int) -> int:
        if x == 7:
            raise ValueError("seven")
        return x
    with pytest.raises(ValueError, match="seven"):
        map_on_daemon_threads(fails_on_seven, list(range(20)), 2)


def test_with_the_model_loaded_numpy_runs_each_matrix_product_on_one_thread():
    """Workers already take every core; BLAS fanning out too made two of them fight."""
    script = textwrap.dedent("""
        import json
        from threadpoolctl import threadpool_info
        from bot.nlp.encoders import load_embedder
        embedder, _ = load_embedder()
        assert embedder is not None
        print(json.dumps([p["num_threads"] for p in threadpool_info()
                          if p["user_api"] == "blas"]))
    """)
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True,
                         text=True, timeout=300, env={"PATH": "/usr/bin:/bin"})
    assert out.returncode == 0, out.stderr
    threads = json.loads(out.stdout.strip().splitlines()[-1])
    assert threads and all(n == 1 for n in threads)
