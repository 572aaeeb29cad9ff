"""Importing jobs and fairs (CSV, YAML, JSON) with bad rows; the admin API; the job feed."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
import threading

import pytest

from bot.records import StudentKey
from bot.app import create_app
from bot.jobs.feed import poll_feed
from bot.store.outbox import Disposition

from .support.builders import ROOT, SERVER_URL, notice, server_client

CSV = """id,title,company,city,url,majors,deadline,salry
j1,Java开发工程师,字节跳动,北京,https://jobs.example.cn/j1,计算机;软件工程,2026-12-31,20k
j2,前端开发,,上海,https://jobs.example.cn/j2,,,
j3,算法工程师,腾讯,深圳,ftp://bad,,,
j4,产品经理,美团,北京,https://jobs.example.cn/j4,,2026-13-01,
j5,数据分析,京东,北京,https://jobs.example.cn/j5,统计、数学,,
"""


def test_csv_import_reports_each_bad_row_with_its_line_and_keeps_the_good(ctx, tmp_path):
    path = tmp_path / "jobs.csv"
    path.write_text(CSV, encoding="utf-8")
    report = ctx.catalog.import_file("jobs", path, ctx.clock.now())
    assert report.added == ["j1", "j5"]
    assert report.rejected == [
        f"{path}:3: 缺少必填字段 company（公司）",
        f"{path}:4: url（链接）“ftp://bad”应以 http:// 或 https:// 开头",
        f"{path}:5: deadline（截止日期）“2026-13-01”不是有效的日期，请写成 2026-12-31 这样的格式",
    ]
    assert any("未知字段“salry”" in w for w in report.warnings)
    j1 = ctx.stores.jobs.get("j1")
    assert j1.majors == ["计算机", "软件工程"] and j1.extra == {"salry": "20k"}
    assert ctx.stores.jobs.get("j5").majors == ["统计", "数学"]
    again = ctx.catalog.import_file("jobs", path, ctx.clock.now())
    assert again.added == [] and again.updated == ["j1", "j5"]
    assert "新增 0 条，更新 2 条，拒绝 3 条" in again.summary()


def test_yaml_and_json_rows_are_reported_by_line(ctx, tmp_path):
    y = tmp_path / "fairs.yaml"
    y.write_text("- id: f1\n  title: 秋季双选会\n  starts_at: 2026-12-01 14:00\n  location: 体育馆\n"
                 "  url: https://f.example.cn/1\n- id: f2\n  title: 宣讲会\n  starts_at: 明天下午\n"
                 "  location: 线上\n  url: https://f.example.cn/2\n", encoding="utf-8")
    report = ctx.catalog.import_file("fairs", y, ctx.clock.now())
    assert report.added == ["f1"]
    assert report.rejected[0].startswith(f"{y}:6: starts_at（开始时间）“明天下午”不是有效的时间")
    assert ctx.stores.fairs.get("f1").starts_at == "2026-12-01T14:00:00+08:00"   # Asia/Shanghai
    j = tmp_path / "jobs.json"
    j.write_text(json.dumps([{"id": "a", "title": "t", "company": "c", "city": "北京",
                              "url": "https://x.cn"},
                             {"id": "b", "title": "t", "company": "c", "url": "https://x.cn",
                              "type": "兼职"}], ensure_ascii=False, indent=1), encoding="utf-8")
    report = ctx.catalog.import_file("jobs", j, ctx.clock.now())
    assert report.added == ["a"]
    assert report.rejected == [f"{j}:9: 缺少必填字段 city（城市）"]


def test_cli_import_and_push_run_dry_run(tmp_path):
    client = server_client()
    ns = f"test-cli-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "jobs.csv"
    path.write_text(CSV, encoding="utf-8")
    env = {**os.environ, "REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": ns}
    try:
        run = lambda *a: subprocess.run([sys.executable, "-m", "bot", *a], cwd=ROOT, env=env,  # noqa: E731
                                        capture_output=True, text=True, timeout=120)
        r = run("jobs", "import", str(path))
        assert r.returncode == 1, r.stderr          # DESIGN: exit 1 when any row was rejected
        assert f"{path}:3: 缺少必填字段 company（公司）" in r.stdout
        assert "新增 2 条，更新 0 条，拒绝 3 条" in r.stdout
        r = run("push", "run", "--dry-run", "--at", "2026-11-23T23:00")
        assert r.returncode == 0, r.stderr
        assert "免打扰" in r.stdout and "岗位汇总 0 条" in r.stdout
    finally:
        keys = list(client.scan_iter(f"{ns}:*"))
        if keys:
            client.delete(*keys)


# -- admin API -----------------------------------------------------------------------------------
JOB = {"id": "a1", "title": "Java开发", "company": "示例", "city": "北京", "url": "https://x.cn/a1"}


@pytest.fixture
def admin(make_ctx):
    ctx = make_ctx(secrets={"ADMIN_TOKEN": "s3cret"})
    return ctx, create_app(ctx=ctx).test_client(), {"Authorization": "Bearer s3cret"}


def test_admin_api_requires_the_bearer_token(admin, make_ctx):
    _, http, _ = admin
    assert http.get("/admin/stats/push").status_code == 401
    assert http.get("/admin/stats/push", headers={"Authorization": "Bearer nope"}).status_code == 401
    assert http.post("/admin/jobs", json=JOB).status_code == 401
    closed = create_app(ctx=make_ctx(secrets={})).test_client()
    refused = closed.get("/admin/stats/push", headers={"Authorization": "Bearer "})
    assert refused.status_code == 401 and "ADMIN_TOKEN" in refused.get_json()["error"]


def test_admin_api_adds_updates_deletes_jobs_and_fairs(admin):
    ctx, http, auth = admin
    r = http.post("/admin/jobs", json=[JOB, {**JOB, "id": "bad", "url": "x"}], headers=auth)
    assert r.status_code == 200 and r.json["added"] == ["a1"]
    assert "第" not in r.json["rejected"][0] and "url（链接）" in r.json["rejected"][0]
    r = http.put("/admin/jobs/a1", json={**JOB, "title": "Java高级开发"}, headers=auth)
    assert r.json["updated"] == ["a1"] and ctx.stores.jobs.get("a1").title == "Java高级开发"
    assert http.put("/admin/jobs/a1", json={**JOB, "id": "zz"}, headers=auth).status_code == 400
    assert http.delete("/admin/jobs/a1", headers=auth).status_code == 200
    assert http.delete("/admin/jobs/a1", headers=auth).status_code == 404
    fair = {"id": "f1", "title": "双选会", "starts_at": "2026-12-01 14:00", "location": "线上",
            "url": "https://x.cn/f1"}
    assert http.post("/admin/fairs", json=fair, headers=auth).json["added"] == ["f1"]
    assert http.get("/admin/fairs/f1", headers=auth).json["location"] == "线上"


def test_admin_stats_count_subscribers_and_push_outcomes(admin):
    ctx, http, auth = admin
    ctx.stores.subscriptions.add(StudentKey("wechat", "o1"), ("Java",), frozenset({"java"}))
    ctx.stores.subscriptions.add(StudentKey("wechat", "o2"), ("Java",), frozenset({"java"}))
    ctx.stores.prefs.update(StudentKey("wechat", "o2"), paused=True)
    r = http.get("/admin/stats/subscribers", headers=auth).json
    assert r["subscriptions"] == 2 and r["students"] == 2 and r["paused"] == 1
    assert r["top_keywords"] == {"Java": 2}
    outbox = ctx.stores.outbox
    for stat, times in (("sent", 5), ("failed:43004", 2), ("held:45015", 1)):
        for i in range(times):
            outbox.enqueue(notice(f"o{stat}{i}"))
        for entry in outbox.read("stats-test", times, None):
            outbox.apply(entry, Disposition(stat))
    r = http.get("/admin/stats/push", headers=auth).json
    assert r["sent"] == 5 and r["failed"] == {"43004": 2} and r["held"] == {"45015": 1}


# -- feed --------------------------------------------------------------------------------------
class Feed:
    def __init__(self):
        self.body, self.status = b"[]", 200
        feed = self

        class H(BaseHTTPRequestHandler):
            def log_message(self, *a):
                pass

            def do_GET(self):
                self.send_response(feed.status)
                self.send_header("Content-Length", str(len(feed.body)))
                self.end_headers()
                self.wfile.write(feed.body)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05},
                         daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/feed"


def test_job_feed_imports_new_items_and_survives_a_broken_feed(make_ctx):
    feed = Feed()
    try:
        ctx = make_ctx(push={"feed": {"url": feed.url}})
        feed.body = json.dumps([JOB], ensure_ascii=False).encode()
        assert poll_feed(ctx.catalog, ctx.settings.push.feed, ctx.clock.now()).added == ["a1"]
        assert poll_feed(ctx.catalog, ctx.settings.push.feed, ctx.clock.now()).added == []         # nothing new
        feed.status = 500
        assert poll_feed(ctx.catalog, ctx.settings.push.feed, ctx.clock.now()) is None              # logged, not raised
        feed.status, feed.body = 200, b"<rss><channel><title>XX"         # broken XML
        assert poll_feed(ctx.catalog, ctx.settings.push.feed, ctx.clock.now()) is None
        feed.body = ("<rss><channel><title>校招网</title><item><title>测试工程师</title>"
                     "<link>https://x.cn/r1</link><category>实习</category></item>"
                     "</channel></rss>").encode()
        report = poll_feed(ctx.catalog, ctx.settings.push.feed, ctx.clock.now())
        [job_id] = report.added
        assert ctx.stores.jobs.get(job_id).company == "校招网"
    finally:
        feed.server.shutdown()
