"""The staff API: Chinese unescaped, list endpoints with paging and search, JSON errors."""
from __future__ import annotations

import pytest

from bot.app import create_app

from .support.tester import BotTester

AUTH = {"Authorization": "Bearer s3cret"}


@pytest.fixture
def api(make_ctx):
    ctx = make_ctx(secrets={"ADMIN_TOKEN": "s3cret"})
    return ctx, create_app(ctx=ctx).test_client()


def _jobs(n: int) -> list[dict]:
    cities = ["北京", "上海"]
    return [{"title": f"岗位{i}", "company": "示例公司", "city": cities[i % 2],
             "url": f"https://x.cn/{i}"} for i in range(n)]


def test_chinese_is_sent_as_utf8_not_escaped(api):
    ctx, http = api
    http.post("/admin/jobs", json=_jobs(1), headers=AUTH)
    r = http.get("/admin/jobs", headers=AUTH)
    raw = r.get_data()
    assert "北京".encode("utf-8") in raw and b"\\u5317" not in raw
    assert r.headers["Content-Type"].startswith("application/json")


def test_jobs_and_fairs_list_with_paging_search_and_state(api):
    ctx, http = api
    assert http.post("/admin/jobs", json=_jobs(45), headers=AUTH).json["added"].__len__() == 45
    page = http.get("/admin/jobs?page=2&per_page=20", headers=AUTH).json
    assert (page["total"], page["pages"], page["page"], len(page["items"])) == (45, 3, 2, 20)
    shanghai = http.get("/admin/jobs?q=上海&per_page=100", headers=AUTH).json
    assert shanghai["total"] == 22 and all(j["city"] == "上海" for j in shanghai["items"])
    job_id = shanghai["items"][0]["id"]
    assert http.post(f"/admin/jobs/{job_id}/expire", headers=AUTH).status_code == 200
    assert http.get("/admin/jobs?state=expired", headers=AUTH).json["total"] == 1
    assert http.get("/admin/jobs?state=open", headers=AUTH).json["total"] == 44
    fair = {"title": "秋季双选会", "starts_at": "2026年12月20日 9:00", "location": "体育馆",
            "url": "https://x.cn/f"}
    assert http.post("/admin/fairs", json=fair, headers=AUTH).status_code == 200
    fairs = http.get("/admin/fairs?q=双选", headers=AUTH).json
    assert fairs["items"][0]["starts_at"] == "2026-12-20T09:00:00+08:00"
    assert http.get("/admin/jobs?page=x", headers=AUTH).status_code == 400


def test_preview_validates_without_writing(api):
    ctx, http = api
    r = http.post("/admin/jobs/preview", json=_jobs(2) + [{"title": "缺城市", "company": "c",
                                                            "url": "https://x.cn"}], headers=AUTH)
    assert r.status_code == 200 and len(r.json["added"]) == 2 and not r.json["written"]
    assert [row["status"] for row in r.json["rows"]] == ["added", "added", "rejected"]
    assert ctx.stores.jobs.count() == 0


def test_unanswered_and_faq_statistics_lists(api):
    ctx, http = api
    bot = BotTester(ctx)
    for text in ("食堂几点开门", "食堂几点开门", "图书馆几点关门", "三方丢了咋办"):
        bot.send(text)
    r = http.get("/admin/unanswered", headers=AUTH).json
    assert [(u["example"], u["count"]) for u in r["items"]][:2] == [("食堂几点开门", 2), ("图书馆几点关门", 1)]
    assert http.get("/admin/unanswered?q=图书馆", headers=AUTH).json["total"] == 1
    done = http.post("/admin/unanswered/status", json={"question": "食堂几点开门", "status": "ignored"},
                     headers=AUTH)
    assert done.json == {"question": "食堂几点开门", "status": "ignored"}
    assert http.get("/admin/unanswered", headers=AUTH).json["total"] == 1
    assert http.get("/admin/unanswered?status=ignored", headers=AUTH).json["total"] == 1
    assert http.post("/admin/unanswered/status", json={"question": "没问过", "status": "done"},
                     headers=AUTH).status_code == 404
    stats = http.get("/admin/stats/faq?q=三方", headers=AUTH).json
    assert stats["items"][0] == {"id": "tripartite-lost", "category": "就业手续",
                                 "question": "三方协议丢失了怎么办？", "hits": 1}


def test_unknown_paths_and_methods_answer_json_in_chinese(api):
    _, http = api
    r = http.get("/admin/nothing-here", headers=AUTH)
    assert r.status_code == 404 and r.json["error"] == "没有这个地址或记录"
    r = http.delete("/admin/stats/push", headers=AUTH)
    assert r.status_code == 405 and r.json["error"] == "这个地址不支持该请求方法"
    r = http.post("/admin/jobs", data="not json", headers=AUTH)
    assert r.status_code == 400 and "请求体应为 JSON" in r.json["error"]
    assert http.get("/admin/jobs/none", headers=AUTH).json["error"] == "没有 id 为“none”的记录"
    assert http.get("/admin/nothing-here").status_code == 401        # no token: nothing leaks


def test_changes_through_the_api_are_in_the_audit_trail(api):
    ctx, http = api
    http.post("/admin/jobs", json=_jobs(2), headers=AUTH)
    job_id = http.get("/admin/jobs", headers=AUTH).json["items"][0]["id"]
    http.delete(f"/admin/jobs/{job_id}", headers=AUTH)
    trail = [(e.who, e.action, e.what) for e in ctx.stores.audit.recent()]
    assert trail == [("管理接口", "jobs.delete", f"删除 {job_id}"),
                     ("管理接口", "jobs.import", "请求：新增 2 条，更新 0 条，拒绝 0 条")]
