"""Students' question vectors shared by the bot's processes through Redis.

A question one process has embedded is not embedded again by another (another worker,
the other machine, the next start): it reads the vector from Redis instead, and answers
exactly as the first did. What Redis holds is numbers under a hash, with a TTL; a
broken or missing Redis only costs embedding the question here; backups leave it out.
Everything runs on the real model and real Redis servers.
"""
from __future__ import annotations

import gzip
import io
import json
import shutil

import numpy as np
import pytest
from prometheus_client import REGISTRY

from bot.app import create_app
from bot.config import ROOT
from bot.context import build_context
from bot.nlp.embed import QueryCache
from bot.store.backup import backup
from bot.store.guard import BotRedis
from bot.store.keys import Keys
from bot.store.vectors import QuestionVectors

from .support.builders import LOST_ANSWER, SMALL_KB, make_config, shared_provider
from .support.clients import wechat_client
from .support.redis_server import RedisServer


def counted(source: str) -> float:
    return REGISTRY.get_sample_value("bot_question_vectors_total", {"source": source}) or 0.0


@pytest.fixture(scope="module")
def embedder():
    meaning = shared_provider(SMALL_KB).builder.meaning()
    assert meaning is not None, "the meaning model must be installed for these tests"
    return meaning.embedder


def vector_keys(r, ns: str) -> list[str]:
    return list(r.scan_iter(f"{ns}:qvec:*"))


def test_a_question_one_process_embedded_is_read_not_embedded_by_the_next(
        redis_backend, namespace, embedder):
    store = QuestionVectors(redis_backend, Keys(namespace), ttl=600)
    first, second = QueryCache(embedder, shared=store), QueryCache(embedder, shared=store)
    question = "三方协议弄丢了还能补办吗（共享向量测试一）"
    embedded, shared = counted("embedded"), counted("shared")

    made = first.vector(question)
    assert (counted("embedded"), counted("shared")) == (embedded + 1, shared)
    read = second.vector(question)                 # another process: its memory is empty
    assert (counted("embedded"), counted("shared")) == (embedded + 1, shared + 1)
    assert read.dtype == np.float32 and np.array_equal(read, made)   # the very same numbers
    assert np.array_equal(second.vector(question), made)            # now in its memory
    assert counted("shared") == shared + 1

    [key] = vector_keys(redis_backend, namespace)
    assert 0 < redis_backend.ttl(key) <= 600
    assert question not in key and "三方" not in redis_backend.get(key)   # no text is kept


def test_a_damaged_or_foreign_value_is_embedded_again(redis_backend, namespace, embedder):
    store = QuestionVectors(redis_backend, Keys(namespace), ttl=600)
    question = "档案应该寄到哪里去（共享向量测试二）"
    made = QueryCache(embedder, shared=store).vector(question)
    [key] = vector_keys(redis_backend, namespace)
    for damaged in ("not base64 at all!", "AAAA"):           # garbage; a vector of another size
        redis_backend.set(key, damaged)
        embedded = counted("embedded")
        assert np.allclose(QueryCache(embedder, shared=store).vector(question), made, atol=1e-6)
        assert counted("embedded") == embedded + 1


def test_without_redis_questions_are_embedded_here_and_nothing_fails(embedder):
    server = RedisServer().start()
    client = BotRedis(unix_socket_path=server.socket, decode_responses=True, socket_timeout=0.5,
                      socket_connect_timeout=0.5)
    store = QuestionVectors(client, Keys("down"), ttl=600)
    question = "违约金一般要交多少（共享向量测试三）"
    expected = QueryCache(embedder).vector(question)
    server.stop()
    try:
        embedded = counted("embedded")
        got = QueryCache(embedder, shared=store).vector(question)
        assert np.allclose(got, expected, atol=1e-6)
        assert counted("embedded") == embedded + 1
    finally:
        client.close()


def _process(namespace: str, client, data_dir, **extra):
    """A bot process of its own: its own data folder, so its own vector memory (one per
    folder per process), sharing only Redis with the other."""
    cached = ROOT / "data" / "embeddings"      # the knowledge base's vectors, not questions
    if cached.is_dir():
        shutil.copytree(cached, data_dir / "embeddings")
    config = make_config(namespace, SMALL_KB, data_dir=str(data_dir), **extra)
    ctx = build_context(config, client=client)
    return ctx, wechat_client(create_app(ctx=ctx))


def test_two_bot_processes_embed_a_new_question_once(redis_backend, namespace, tmp_path):
    _, first = _process(namespace, redis_backend, tmp_path / "a")
    _, second = _process(namespace, redis_backend, tmp_path / "b")
    question = "我那份就业协议书好像找不着了，得重新弄一份吗"     # words alone are not sure
    embedded, shared = counted("embedded"), counted("shared")

    answer = first.ask(question, user="oFirst")
    assert LOST_ANSWER in answer
    assert counted("embedded") == embedded + 1 and counted("shared") == shared
    assert len(vector_keys(redis_backend, namespace)) == 1

    assert second.ask(question, user="oSecond") == answer
    assert counted("embedded") == embedded + 1 and counted("shared") == shared + 1


def test_sharing_can_be_turned_off(redis_backend, namespace, tmp_path):
    ctx, wx = _process(namespace, redis_backend, tmp_path / "c",
                       nlp={"question_vectors_ttl": 0})
    shared = counted("shared")
    assert LOST_ANSWER in wx.ask("三方协议找不到了怎么办才好（共享向量测试四）")
    assert vector_keys(redis_backend, namespace) == []
    assert counted("shared") == shared


def test_backups_leave_the_shared_vectors_out(redis_backend, namespace, embedder):
    store = QuestionVectors(redis_backend, Keys(namespace), ttl=600)
    QueryCache(embedder, shared=store).vector("报到证在哪里领（共享向量测试五）")
    redis_backend.set(f"{namespace}:stats:faq_hits", "1")
    assert len(vector_keys(redis_backend, namespace)) == 1
    out = io.BytesIO()
    summary = backup(redis_backend, Keys(namespace), out, "2026-11-30T12:00:00+08:00")
    rows = [json.loads(line) for line in gzip.decompress(out.getvalue()).splitlines()]
    assert [r["key"] for r in rows if "key" in r] == ["stats:faq_hits"]
    assert summary.total == 1


def test_a_question_words_answer_from_the_faq_is_not_embedded_for_the_intents(
        make_ctx, namespace):
    """Words settle it for the FAQ and see no feature request in it: the meaning model is
    not asked at all (before, the intent layer embedded every new message). A question
    words do not settle is embedded once, for the intents and the FAQ together."""
    wx = wechat_client(create_app(ctx=make_ctx()))
    embedded = counted("embedded")
    assert LOST_ANSWER in wx.ask("三方协议丢了该怎么办呢")
    assert counted("embedded") == embedded
    wx.ask(f"想问一下学校最近有没有大型的招聘活动 {namespace}")    # new to this process
    assert counted("embedded") == embedded + 1
