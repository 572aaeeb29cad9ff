"""A typo in a knowledge-base file never leaves the bot without answers, not even after a
restart: the last good knowledge base is kept under BOT_DATA_DIR and served, loudly.
"""
from __future__ import annotations

import os

from bot.app import create_app
from bot.context import knowledge_for

from .support.builders import LOST_ANSWER, make_config
from .support.clients import wechat_client
from .support.processes import Serve

BROKEN = "- id: broken\n  question: 三方: 丢了\n"        # ": " inside a value, on the 2nd line


def break_file(kb_dir) -> int:
    """Append a YAML error to faq/shouxu.yaml; the line it is reported at."""
    faq = kb_dir / "faq" / "shouxu.yaml"
    text = faq.read_text(encoding="utf-8")
    faq.write_text(text + BROKEN, encoding="utf-8")
    st = faq.stat()
    os.utime(faq, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000_000))
    return len(text.splitlines()) + 2


def test_restart_with_a_typo_starts_with_the_last_good_kb_and_says_where(kb_copy, tmp_path,
                                                                          make_ctx, namespace,
                                                                          clock, caplog):
    data_dir = tmp_path / "data"
    config = make_config(namespace, kb_copy, data_dir=str(data_dir))
    assert knowledge_for(config, clock).current.kb.entries          # a first, good start
    line = break_file(kb_copy)

    provider = knowledge_for(config, clock)                          # the restart
    app = create_app(ctx=make_ctx(kb_dir=kb_copy, provider=provider))
    assert LOST_ANSWER in wechat_client(app).ask("三方丢了咋办", user="oKept")
    health = app.test_client().get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded" and body["faq_entries"] == 6
    assert {"file": "knowledge/faq/shouxu.yaml", "line": line} == \
        {k: body["knowledge_errors"][0][k] for k in ("file", "line")}
    assert any(f"knowledge/faq/shouxu.yaml:{line}" in p and "上次保存的正确版本" in p
               for p in body["problems"])
    assert f"knowledge/faq/shouxu.yaml:{line}" in caplog.text and "已改用上次正确的版本启动" in caplog.text

    faq = kb_copy / "faq" / "shouxu.yaml"                           # staff fix the file
    faq.write_text(faq.read_text(encoding="utf-8").replace(BROKEN, ""), encoding="utf-8")
    assert provider.check()
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"


def test_a_broken_edit_while_running_is_named_by_healthz_until_fixed(kb_copy, tmp_path, make_ctx,
                                                                     namespace, clock):
    config = make_config(namespace, kb_copy, data_dir=str(tmp_path / "data"))
    provider = knowledge_for(config, clock)
    app = create_app(ctx=make_ctx(kb_dir=kb_copy, provider=provider))
    assert app.test_client().get("/healthz").get_json()["status"] == "ok"
    line = break_file(kb_copy)
    assert provider.check()
    body = app.test_client().get("/healthz").get_json()
    assert body["status"] == "degraded"
    assert body["knowledge_errors"][0]["line"] == line
    assert any("修改前的正确版本" in p for p in body["problems"])
    assert LOST_ANSWER in wechat_client(app).ask("三方丢了咋办", user="oEdit")


def test_serve_starts_with_the_kept_kb_when_a_file_has_an_error(kb_copy, tmp_path):
    env = {"BOT_KNOWLEDGE__DIR": str(kb_copy)}
    first = Serve(tmp_path, env).wait_serving()                      # keeps the good one
    assert first.stop() == 0
    line = break_file(kb_copy)
    serve = Serve(tmp_path, env).wait_serving()
    try:
        health = serve.health()
        assert health["status"] == "degraded"
        assert health["knowledge_errors"][0]["file"] == "knowledge/faq/shouxu.yaml"
        assert health["knowledge_errors"][0]["line"] == line
        status, body = serve.ask("三方丢了咋办", "oServeKept", 1)
        assert status == 200 and LOST_ANSWER in body
        assert f"knowledge/faq/shouxu.yaml:{line}" in serve.output
    finally:
        assert serve.stop() == 0
