"""GET /metrics: Prometheus text, moved by real signed requests, a real sender pass against
the local WeChat API, a real knowledge-base reload, a real Redis that stops; and added up
across processes when PROMETHEUS_MULTIPROC_DIR is set."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap

from prometheus_client.parser import text_string_to_metric_families

from bot.app import create_app
from bot.runtime import build_sender

from .support.builders import LOST_ANSWER, ROOT, SMALL_KB, make_config, notice, shared_provider
from .support.clients import text_xml, wechat_client
from .support.redis_server import RedisServer


def scrape(app) -> dict[tuple[str, tuple], float]:
    """Every sample of GET /metrics, by (name, sorted labels)."""
    response = app.test_client().get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    return parse(response.get_data(as_text=True))


def parse(text: str) -> dict[tuple[str, tuple], float]:
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(samples, name: str, **labels) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


def test_messages_latency_and_retries_are_counted(make_ctx):
    app = create_app(ctx=make_ctx())
    wx = wechat_client(app)
    before = scrape(app)
    assert LOST_ANSWER in wx.ask("三方协议丢了怎么办", user="oMetrics")
    wx.post(text_xml("三方协议丢了怎么办", user="oMetrics", msg_id=9_100_000_001))
    wx.post(text_xml("三方协议丢了怎么办", user="oMetrics", msg_id=9_100_000_001))   # WeChat's retry
    wx.ask("订阅 Java 北京", user="oMetrics")
    after = scrape(app)

    def moved(name, **labels):
        return value(after, name, **labels) - value(before, name, **labels)
    assert moved("bot_messages_total", channel="wechat", outcome="answered") == 2
    assert moved("bot_messages_total", channel="wechat", outcome="command") == 1
    assert moved("bot_reply_seconds_count", channel="wechat") == 3
    assert moved("bot_reply_seconds_bucket", channel="wechat", le="+Inf") == 3
    assert moved("bot_dedup_retries_total", channel="wechat") == 1
    text = app.test_client().get("/metrics").get_data(as_text=True)
    assert "oMetrics" not in text                  # no student in a label, ever


def test_outbox_depth_and_sends_by_result(push_ctx, fake_wechat):
    ctx = push_ctx()
    app = create_app(ctx=ctx)
    before = scrape(app)
    assert value(before, "bot_outbox_depth", state="queued") == 0
    ctx.stores.outbox.enqueue(notice("oOut"))
    ctx.stores.outbox.enqueue(notice("oOut"))       # the same notice twice: one is skipped
    queued = scrape(app)
    assert value(queued, "bot_outbox_depth", state="queued") == 2
    assert ("bot_outbox_oldest_age_seconds", ()) in queued
    build_sender(ctx).drain()
    after = scrape(app)
    assert value(after, "bot_outbox_depth", state="queued") == 0
    assert (value(after, "bot_sends_total", channel="wechat", result="sent")
            - value(before, "bot_sends_total", channel="wechat", result="sent")) == 1
    assert (value(after, "bot_sends_total", channel="wechat", result="skipped")
            - value(before, "bot_sends_total", channel="wechat", result="skipped")) == 1
    assert len(fake_wechat.sent_to("oOut")) == 1


def test_knowledge_base_reloads_and_failures(make_ctx, kb_copy):
    ctx = make_ctx(kb_dir=kb_copy, provider=None)
    app = create_app(ctx=ctx)
    before = scrape(app)
    faq = kb_copy / "faq" / "shouxu.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "- id: broken\n  question: [unclosed\n",
                   encoding="utf-8")
    ctx.knowledge.reload()
    after = scrape(app)
    assert (value(after, "bot_kb_reloads_total", result="failed")
            - value(before, "bot_kb_reloads_total", result="failed")) == 1
    assert value(after, "bot_kb_reloads_total", result="ok") == value(before, "bot_kb_reloads_total", result="ok")


def test_redis_errors_are_counted_and_the_scrape_still_answers(clock):
    from bot.context import build_context
    with RedisServer() as server:
        config = make_config("metrics", SMALL_KB, redis_url=server.url,
                             redis={"namespace": "metrics", "socket_timeout": 0.2,
                                    "retry_after": 0.3})
        ctx = build_context(config, clock=clock, knowledge=shared_provider(SMALL_KB))
        app = create_app(ctx=ctx)
        before = scrape(app)
        server.stop()
        assert LOST_ANSWER in wechat_client(app).ask("三方协议丢了怎么办", user="oDown")
        after = scrape(app)                          # no outbox figures, but an answer
        errors = sum(v for (name, _), v in after.items() if name == "bot_redis_errors_total")
        assert errors > sum(v for (name, _), v in before.items() if name == "bot_redis_errors_total")
        assert ("bot_outbox_depth", (("state", "queued"),)) not in after
        ctx.stores.close()


RECORD = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from bot.app import create_app
    from tests.support.builders import make_config, SMALL_KB
    from tests.support.clients import wechat_client
    from bot.context import build_context
    app = create_app(ctx=build_context(make_config("mp", SMALL_KB, redis_url={url!r})))
    assert "情况说明" in wechat_client(app).ask("三方协议丢了怎么办", user="oWorker" + sys.argv[1],
                                                msg_id=int(sys.argv[1]))
""")
SCRAPE = textwrap.dedent("""
    import sys
    sys.path.insert(0, {root!r})
    from bot.app import create_app
    from tests.support.builders import make_config, SMALL_KB
    from bot.context import build_context
    app = create_app(ctx=build_context(make_config("mp", SMALL_KB, redis_url={url!r})))
    sys.stdout.write(app.test_client().get("/metrics").get_data(as_text=True))
""")


def test_worker_processes_are_added_up_in_multiprocess_mode(tmp_path):
    prom_dir = tmp_path / "prom"
    prom_dir.mkdir()
    env = {**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(prom_dir)}
    with RedisServer() as server:
        args = dict(root=str(ROOT), url=server.url)
        for worker in ("1", "2"):                    # two workers, each answers one message
            subprocess.run([sys.executable, "-c", RECORD.format(**args), worker], env=env,
                           cwd=ROOT, check=True, timeout=600)
        assert list(prom_dir.glob("*.db"))           # what they counted is on disk
        out = subprocess.run([sys.executable, "-c", SCRAPE.format(**args)], env=env, cwd=ROOT,
                             check=True, timeout=600, capture_output=True, text=True).stdout
    samples = parse(out)
    assert value(samples, "bot_messages_total", channel="wechat", outcome="answered") == 2
    assert value(samples, "bot_reply_seconds_count", channel="wechat") == 2
    assert value(samples, "bot_outbox_depth", state="queued") == 0
    assert value(samples, "bot_dedup_retries_total", channel="wechat") == 0
    assert json.dumps(out).count("oWorker") == 0


LATE = textwrap.dedent("""
    import os, sys
    sys.path.insert(0, {root!r})
    from bot import metrics            # imported first, as the serve --workers parent does
    os.environ["PROMETHEUS_MULTIPROC_DIR"] = {path!r}
    metrics.send("wechat", "sent")     # its sender counts after that
""")


def test_a_parent_that_sets_the_directory_after_importing_still_counts_into_it(tmp_path):
    prom_dir = tmp_path / "prom"
    prom_dir.mkdir()
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    subprocess.run([sys.executable, "-c", LATE.format(root=str(ROOT), path=str(prom_dir))],
                   env=env, cwd=ROOT, check=True, timeout=300)
    scrape = ("import sys; sys.path.insert(0, %r); from bot import metrics; "
              "sys.stdout.write(metrics.exposition(None)[0].decode())" % str(ROOT))
    out = subprocess.run([sys.executable, "-c", scrape], cwd=ROOT, check=True, timeout=300,
                         env={**env, "PROMETHEUS_MULTIPROC_DIR": str(prom_dir)},
                         capture_output=True, text=True).stdout
    assert value(parse(out), "bot_sends_total", channel="wechat", result="sent") == 1
