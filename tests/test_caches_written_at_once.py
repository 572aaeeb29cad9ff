"""Two processes writing the same cache at once, as the workers of `serve --workers N` do
on a first start: both the vector cache and the threshold cache.

With one temporary file name for everyone, one process renamed the other's file away
and its own rename failed; that error ended the worker's whole build (it stayed on words
alone). Real processes, a real folder; the embedder is a stand-in so the test needs no
model (the caching code never looks at the vectors' meaning).
"""
from __future__ import annotations

import json
import multiprocessing as mp
from pathlib import Path

import numpy as np

from bot.nlp import thresholds
from bot.nlp.embed import VectorStore

ROUNDS = 150


class CountingEmbedder:
    """Stands in for the model: a vector per text, from its length."""

    name, dim = "stand-in", 4

    def queries(self, texts):
        return np.asarray([[len(t), 1, 2, 3] for t in texts], dtype=np.float32)

    passages = queries


def _embed_many(folder: str, tag: int) -> str:
    try:
        store = VectorStore(CountingEmbedder(), Path(folder))
        for n in range(ROUNDS):
            store.vectors("query", [f"问题 {tag}-{n}"])       # new text each time: a save each time
        return "ok"
    except Exception as exc:       # reported to the parent, which asserts on it
        return repr(exc)


def _derive_many(path: str, tag: int) -> str:
    try:
        for n in range(ROUNDS):
            thresholds._save(Path(path), {"thresholds": {"answer": 0.8, "suggest": 0.3},
                                          "self_test": {"by": tag, "round": n}})
        return "ok"
    except Exception as exc:
        return repr(exc)


def _together(fn, target: str) -> list[str]:
    with mp.get_context("spawn").Pool(2) as pool:
        return pool.starmap(fn, [(target, 0), (target, 1)])


def test_two_processes_saving_the_vector_cache_at_once(tmp_path):
    assert _together(_embed_many, str(tmp_path)) == ["ok", "ok"]
    reread = VectorStore(CountingEmbedder(), tmp_path)
    assert reread.lookup("query", f"问题 0-{ROUNDS - 1}") is not None \
        or reread.lookup("query", f"问题 1-{ROUNDS - 1}") is not None    # the last writer's
    assert [p.name for p in tmp_path.iterdir()] == ["stand-in.npz"]     # no temporary left


def test_two_processes_saving_the_threshold_cache_at_once(tmp_path):
    path = tmp_path / "thresholds" / "abc.json"
    assert _together(_derive_many, str(path)) == ["ok", "ok"]
    assert json.loads(path.read_text(encoding="utf-8"))["self_test"]["round"] == ROUNDS - 1
    assert [p.name for p in path.parent.iterdir()] == ["abc.json"]


def test_what_another_process_added_is_read_not_embedded_again_and_kept_on_save(tmp_path):
    """`serve` has a child embed a new knowledge base (`bot/nlp/prebuild.py`) while its own
    store, loaded earlier, saves the bot's intents to the same file."""
    server, child = VectorStore(CountingEmbedder(), tmp_path), VectorStore(CountingEmbedder(), tmp_path)
    server.vectors("query", ["意图一"])                       # loaded and saved before the child
    child.vectors("passage", ["三方协议丢了怎么办", "档案转到哪里"])
    server.vectors("passage", ["三方协议丢了怎么办", "档案转到哪里"])
    assert server.embedded == 1 and child.embedded == 2
    child.vectors("query", ["孩子后来又算的"])
    server.vectors("query", ["意图二"])                       # its save keeps the child's texts
    reread = VectorStore(CountingEmbedder(), tmp_path)
    for kind, text in [("query", "意图一"), ("query", "意图二"), ("query", "孩子后来又算的"),
                       ("passage", "档案转到哪里")]:
        assert reread.lookup(kind, text) is not None, text
