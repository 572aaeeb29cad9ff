"""Staff edit config/job_vocab.yaml while the bot runs: the next matching pass derives the
terms of old jobs and old subscriptions again, so a new region or synonym counts for them
too, and a job already sent is not sent again."""
from __future__ import annotations

import os

from bot.push.planner import Planner
from bot.push.vocab import load_vocab
from bot.records import StudentKey

from .support.builders import ROOT, add_jobs
from .support.tester import BotTester

ME = StudentKey("wechat", "oStudent1")


def vocab_copy(tmp_path, drop: str = ""):
    path = tmp_path / "job_vocab.yaml"
    text = (ROOT / "config" / "job_vocab.yaml").read_text(encoding="utf-8")
    path.write_text("\n".join(line for line in text.splitlines() if not (drop and drop in line)) + "\n",
                    encoding="utf-8")
    return path


def edit(path, old: str, new: str) -> None:
    path.write_text(path.read_text(encoding="utf-8").replace(old, new), encoding="utf-8")
    stat = path.stat()
    os.utime(path, (stat.st_atime, stat.st_mtime + 5))     # a save, as an editor makes it


def test_a_region_added_later_counts_for_old_jobs_and_old_subscriptions(make_ctx, tmp_path):
    path = vocab_copy(tmp_path, drop="大湾区")
    ctx = make_ctx(push={"vocabulary": str(path)})
    add_jobs(ctx, {"title": "嵌入式开发", "city": "深圳"}, {"title": "测试", "city": "武汉"})
    wx = BotTester(ctx)
    wx.send("订阅 大湾区")
    planner = Planner(ctx.stores, ctx.settings.push)
    planner.match_new_jobs()
    assert ctx.stores.pending.read(ME).reasons == {}
    assert "暂时没有" in wx.send("查岗位 大湾区")

    edit(path, "regions:\n", "regions:\n  大湾区: [广州, 深圳, 珠海, 香港, 澳门]\n")
    assert planner.match_new_jobs() == 1
    assert ctx.stores.pending.read(ME).reasons == {"job-0": "大湾区"}
    [sub] = ctx.stores.subscriptions.list(ME)
    assert sub.terms == frozenset({"大湾区"}) and sub.label == "大湾区"
    assert "嵌入式开发" in wx.send("查岗位 大湾区")
    assert planner.match_new_jobs() == 0                  # once per edit, not every pass


def test_a_synonym_added_later_brings_new_matches_but_no_repeats(make_ctx, tmp_path, clock):
    path = vocab_copy(tmp_path)
    ctx = make_ctx(push={"vocabulary": str(path)})
    wx = BotTester(ctx)
    wx.send("订阅 Golang")
    add_jobs(ctx, {"title": "Golang后端", "city": "北京"}, {"title": "Go语言开发", "city": "上海"})
    planner = Planner(ctx.stores, ctx.settings.push)
    planner.match_new_jobs()
    assert set(ctx.stores.pending.read(ME).reasons) == {"job-0"}
    [digest] = planner.digests(clock.now().replace(hour=3))        # 11:00 in Beijing
    assert digest.job_ids == ["job-0"]

    edit(path, "  python: [py]\n", "  python: [py]\n  golang: [go语言, go]\n")
    planner.match_new_jobs()
    clock.advance(86400)
    [digest] = planner.digests(clock.now().replace(hour=3))
    assert digest.job_ids == ["job-1"]                   # the new match; job-0 not again


def test_a_broken_edit_keeps_the_terms_as_they_are(make_ctx, tmp_path, caplog):
    path = vocab_copy(tmp_path)
    ctx = make_ctx(push={"vocabulary": str(path)})
    add_jobs(ctx, {"title": "Java开发", "city": "北京"})
    planner = Planner(ctx.stores, ctx.settings.push)
    planner.match_new_jobs()
    before = ctx.stores.jobs.terms(["job-0"])
    edit(path, "synonyms:\n", "synonyms: [\n")
    planner.match_new_jobs()
    assert ctx.stores.jobs.terms(["job-0"]) == before and "岗位词表" in caplog.text


def test_the_file_no_longer_says_a_restart_is_needed():
    text = (ROOT / "config" / "job_vocab.yaml").read_text(encoding="utf-8")
    assert "重启" not in text.replace("不用重启", "") and "保存后自动生效" in text
    assert load_vocab(ROOT / "config" / "job_vocab.yaml").fingerprint


def test_a_word_inside_a_job_title_finds_it_and_jobs_stored_before_are_derived_again(make_ctx):
    """数据分析师 is cut as 数据 + 分析师; a student asking for 数据分析 wants it. Jobs stored
    by the previous derivation (their terms without the inner words, another fingerprint)
    are derived again on the next matching pass, as after a vocabulary edit."""
    ctx = make_ctx()
    add_jobs(ctx, {"title": "数据分析师", "city": "上海"}, {"title": "产品经理", "city": "上海"})
    wx = BotTester(ctx)
    assert "数据分析师" in wx.send("查岗位 数据分析")
    assert "数据分析师" in wx.send("查岗位 分析")
    vocab = ctx.vocab
    ctx.stores.jobs.rederive(lambda job: vocab.job_terms(job) - {"数据分析", "分析"}, "older")
    assert "暂时没有" in wx.send("查岗位 数据分析")
    wx.send("订阅 数据分析")
    assert Planner(ctx.stores, ctx.settings.push).match_new_jobs() == 1
    assert ctx.stores.pending.read(ME).reasons == {"job-0": "数据分析"}
