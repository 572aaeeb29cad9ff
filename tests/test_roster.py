"""Importing the roster: CSV (UTF-8, BOM, GBK), XLSX, YAML, JSON with Chinese headers,
per-row errors, unknown columns left out, re-imports updating; the CLI's exit code."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid

import pytest

from bot.students import roster

from .support.builders import ROOT, SERVER_URL, server_client, xlsx_bytes

HEADER = "学号,姓名,学院,专业,学历,届别,生源地,意向城市,意向行业,意向岗位,帮扶导师,重点帮扶,手机号\n"
ROWS = ("2022010001,张三,计算机学院,计算机科学与技术,本科,2026届,江苏南京,上海;长三角,互联网,Java、后端,王老师,是,13800000000\n"
        "2022010002,,计算机学院,软件工程,本科,2026届,,,,,,否,\n"
        "2022010003,李四,外国语学院,英语,学士,2026届,浙江,杭州,教育,,,也许,\n"
        "2022010004,王五,经管学院,会计,研究生,2026届,,北京,金融,,,,\n")


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
def test_csv_in_any_excel_encoding_reports_bad_rows_and_leaves_unknown_columns_out(
        ctx, tmp_path, encoding):
    path = tmp_path / "名单.csv"
    path.write_bytes((HEADER + ROWS).encode(encoding))
    report = roster.import_file(ctx, path)
    assert report.added == ["2022010001", "2022010004"]
    assert report.rejected == [f"{path}:3: 缺少必填字段 name（姓名）",
                               f"{path}:4: 重点帮扶（priority）“也许”只能填 是 或 否"]
    assert any("未知字段“手机号”：没有导入" in w for w in report.warnings)
    zhang = ctx.stores.roster.get("2022010001")
    assert zhang.want_cities == ("上海", "长三角") and zhang.want_keywords == ("Java", "后端")
    assert zhang.priority and zhang.mentor == "王老师" and zhang.class_year == "2026届"
    assert ctx.stores.roster.get("2022010004").degree == "硕士"           # 研究生, one spelling
    assert "13800000000" not in zhang.to_json()
    again = roster.import_file(ctx, path)
    assert again.added == [] and again.updated == ["2022010001", "2022010004"]


def test_xlsx_yaml_and_json_read_the_same(ctx, tmp_path):
    book = tmp_path / "名单.xlsx"
    book.write_bytes(xlsx_bytes([["学号*", "姓名", "专业名称", "学历层次", "意向城市/地区", "重点帮扶对象"],
                                 [2022010001, "张三", "软件工程", "硕士", "深圳、广州", "否"],
                                 [None, None, None, None, None, None],
                                 ["ab", "李四", "", "大学", "", ""]]))
    report = roster.import_file(ctx, book)
    assert report.added == ["2022010001"]                               # not "2022010001.0"
    assert report.rejected == [f"{book}:4: 学号“ab”只能由字母、数字和 - 组成，3 到 32 位"]
    assert ctx.stores.roster.get("2022010001").want_cities == ("深圳", "广州")
    y = tmp_path / "名单.yaml"
    y.write_text("- 学号: S2022001\n  姓名: 赵六\n  意向行业: [金融, 教育]\n  重点帮扶: true\n"
                 "- 学号: S2022002\n  学历: 小学\n  姓名: 钱七\n", encoding="utf-8")
    report = roster.import_file(ctx, y)
    assert report.added == ["S2022001"] and report.rejected == [
        f"{y}:5: 学历（degree）“小学”请写 专科、本科、硕士 或 博士"]
    assert ctx.stores.roster.get("S2022001").want_industries == ("金融", "教育")
    j = tmp_path / "名单.json"
    j.write_text(json.dumps([{"student_no": "s2022003", "name": "孙八"}], ensure_ascii=False),
                 encoding="utf-8")
    assert roster.import_file(ctx, j).added == ["S2022003"]
    preview = roster.import_file(ctx, j, write=False)
    assert preview.updated == ["S2022003"] and not preview.written


def test_cli_roster_import_exits_1_when_any_row_is_rejected(tmp_path):
    client = server_client()
    ns = f"test-cli-{uuid.uuid4().hex[:8]}"
    env = {**os.environ, "REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": ns}
    good, bad = tmp_path / "good.csv", tmp_path / "bad.csv"
    good.write_text(HEADER + ROWS.splitlines(keepends=True)[0], encoding="utf-8-sig")
    bad.write_bytes((HEADER + ROWS).encode("gbk"))
    try:
        run = lambda *a: subprocess.run([sys.executable, "-m", "bot", "roster", *a], cwd=ROOT,  # noqa: E731
                                        env=env, capture_output=True, text=True, timeout=120)
        r = run("import", str(good))
        assert r.returncode == 0, r.stderr
        assert "新增 1 条，更新 0 条，拒绝 0 条" in r.stdout
        r = run("import", str(bad))
        assert r.returncode == 1
        assert f"{bad}:3: 缺少必填字段 name（姓名）" in r.stdout
        assert "新增 1 条，更新 1 条，拒绝 2 条" in r.stdout
        r = run("erase", "2022010001")
        assert r.returncode == 0 and "已删除" in r.stdout
        assert client.hget(f"{ns}:roster:data", "2022010001") is None
        assert client.hget(f"{ns}:roster:data", "2022010004") is not None
    finally:
        keys = list(client.scan_iter(f"{ns}:*"))
        if keys:
            client.delete(*keys)
