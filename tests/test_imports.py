"""The shared import reader: the files staff really have (GBK CSV, BOM CSV, XLSX with
Chinese headers and date cells, no id column), previews, and a roster schema plugging in."""
from __future__ import annotations

import os
import uuid
from datetime import date, datetime

import pytest

from bot.jobs.importer import FileError, read_bytes
from bot.jobs.rules import RowError, content_id, validate
from bot.jobs.schema import JOBS, ROSTER, Schema
from bot.jobs.values import as_list, text

from .support.builders import SERVER_URL, server_client, xlsx_bytes
from .support.clients import run_cli

CN_HEADERS = ["岗位名称", "单位名称", "工作地点", "链接", "截止日期", "专业要求", "备注信息"]
CN_ROWS = [
    ["Java开发工程师", "字节跳动", "北京", "https://jobs.example.cn/1", "2026年12月31日",
     "计算机、软件工程", "内推"],
    ["算法工程师", "腾讯", "深圳", "https://jobs.example.cn/2", "2026/12/31", "数学", ""],
    ["测试工程师", "网易", "杭州", "https://jobs.example.cn/3", "2026-12-31", "", ""],
]


def _csv(headers, rows) -> str:
    return "\r\n".join(",".join(map(str, r)) for r in [headers, *rows]) + "\r\n"


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig", "utf-8"])
def test_csv_from_excel_in_any_encoding_with_chinese_headers_and_no_ids(ctx, encoding):
    data = _csv(CN_HEADERS, CN_ROWS).encode(encoding)
    report = ctx.catalog.import_upload("jobs", data, "岗位.csv", ctx.clock.now())
    assert report.rejected == [] and len(report.added) == 3
    job = ctx.stores.jobs.get(report.added[0])
    assert (job.title, job.company, job.city, job.deadline) == ("Java开发工程师", "字节跳动", "北京",
                                                                "2026-12-31")
    assert job.majors == ["计算机", "软件工程"]
    assert job.extra == {"备注信息": "内推"}
    assert any("未知字段“备注信息”" in w for w in report.warnings)
    assert all(ctx.stores.jobs.get(i).deadline == "2026-12-31" for i in report.added)
    again = ctx.catalog.import_upload("jobs", data, "岗位.csv", ctx.clock.now())
    assert again.added == [] and sorted(again.updated) == sorted(report.added)
    assert ctx.stores.jobs.count() == 3


def test_xlsx_with_date_cells_and_fair_times(ctx):
    data = xlsx_bytes([
        ["活动名称", "举办时间", "举办地点", "报名链接", "类型", "参会单位"],
        ["秋季双选会", datetime(2026, 12, 20, 9, 0), "体育馆", "https://f.example.cn/1", "双选会",
         "字节跳动;腾讯"],
        ["空中宣讲", "2026/12/21 9:00", "线上", "https://f.example.cn/2", "空中宣讲", ""],
        ["宣讲会", "下周", "报告厅", "https://f.example.cn/3", "宣讲会", ""],
    ])
    report = ctx.catalog.import_upload("fairs", data, "招聘会.xlsx", ctx.clock.now())
    assert len(report.added) == 2
    assert report.rejected == ["招聘会.xlsx:4: starts_at（开始时间）“下周”不是有效的时间，"
                               "请写成 2026-12-01 14:00 或 2026/12/1 14:00 这样的格式"]
    fairs = [ctx.stores.fairs.get(i) for i in report.added]
    assert [f.starts_at for f in fairs] == ["2026-12-20T09:00:00+08:00", "2026-12-21T09:00:00+08:00"]
    assert fairs[0].companies == ["字节跳动", "腾讯"]


def test_xlsx_job_deadline_as_a_date_cell_and_an_excel_serial(ctx):
    data = xlsx_bytes([["职位", "公司", "城市", "网址", "截止日期", "学号样的数字"],
                       ["运营", "美团", "北京", "https://x.cn/1", datetime(2026, 12, 31), 20210001],
                       ["销售", "京东", "北京", "https://x.cn/2", 46387, 1.0]], "yyyy-mm-dd")
    report = ctx.catalog.import_upload("jobs", data, "jobs.xlsx", ctx.clock.now())
    assert report.rejected == []
    jobs = [ctx.stores.jobs.get(i) for i in report.added]
    assert [j.deadline for j in jobs] == ["2026-12-31", "2026-12-31"]
    assert jobs[0].extra == {"学号样的数字": "20210001"}         # not "20210001.0"


def test_preview_writes_nothing_and_says_per_row_what_would_happen(ctx):
    ctx.catalog.import_objects("jobs", [{"title": "A", "company": "C", "city": "北京",
                                         "url": "https://x.cn/a"}], "api", ctx.clock.now())
    data = _csv(["title", "company", "city", "url"],
                [["A", "C", "北京", "https://x.cn/a"], ["B", "C", "上海", "https://x.cn/b"],
                 ["C", "", "上海", "https://x.cn/c"]]).encode()
    report = ctx.catalog.import_upload("jobs", data, "p.csv", ctx.clock.now(), write=False)
    assert [(r.line, r.status) for r in report.rows] == [(2, "updated"), (3, "added"), (4, "rejected")]
    assert report.rows[2].message == "缺少必填字段 company（公司）"
    assert report.rows[1].summary == "B｜C｜上海" and not report.written
    assert "将新增 1 条，将更新 1 条，拒绝 1 条" in report.summary()
    assert ctx.stores.jobs.count() == 1


def test_ids_from_content_ignore_width_case_and_spaces_and_an_explicit_id_wins(ctx):
    assert content_id("job", "ＡＢＣ 公司", "Java", "北京") == content_id("job", "abc公司", "java", "北京")
    rows = [{"id": "given-1", "title": "A", "company": "C", "city": "北京", "url": "https://x.cn"},
            {"title": "A", "company": "C", "city": "北京", "url": "https://x.cn"}]
    report = ctx.catalog.import_objects("jobs", rows, "api", ctx.clock.now())
    assert report.added[0] == "given-1" and report.added[1].startswith("job-")


def test_same_row_twice_in_a_sheet_is_one_item_and_said_so(ctx):
    data = _csv(["职位", "公司", "城市", "链接", "薪资"],
                [["A", "C", "北京", "https://x.cn", "10k"], ["A", "C", "北京", "https://x.cn", "12k"]])
    report = ctx.catalog.import_upload("jobs", data.encode(), "d.csv", ctx.clock.now())
    assert len(report.added) == 1 and ctx.stores.jobs.get(report.added[0]).salary == "12k"
    assert any("与第 2 行是同一条" in w for w in report.warnings)


def test_two_columns_for_one_field_use_the_first_and_warn(ctx):
    data = _csv(["职位", "公司", "城市", "工作地点", "链接"], [["A", "C", "北京", "海淀", "https://x.cn"]])
    report = ctx.catalog.import_upload("jobs", data.encode(), "d.csv", ctx.clock.now())
    assert ctx.stores.jobs.get(report.added[0]).city == "北京"
    assert any("“工作地点”和“城市”都是 city（城市）" in w for w in report.warnings)


@pytest.mark.parametrize("data, name, says", [
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100, "old.xls", "旧版 Excel（.xls）"),
    (b"title,company\n", "jobs.txt", "只支持 .csv、.xlsx"),
    ("岗位".encode("utf-8") + b"\xff\xfe\xfa", "bad.csv", "无法识别文件编码"),
    (b"not a workbook", "jobs.xlsx", "内容不是 Excel 表格"),
    (b"PK\x03\x04broken", "jobs.xlsx", "无法打开这个 Excel 文件"),
])
def test_files_that_cannot_be_read_say_why_in_chinese(data, name, says):
    with pytest.raises(FileError) as err:
        read_bytes(data, name)
    assert says in str(err.value) and name in str(err.value)


def test_utf16_tab_separated_text_as_excel_saves_unicode_text():
    rows = read_bytes("职位\t公司\nA\tB\n".encode("utf-16"), "x.csv")
    assert rows[0].data == {"职位": "A", "公司": "B"} and rows[0].line == 2


def test_a_roster_schema_plugs_into_the_same_reader_and_validation():
    data = xlsx_bytes([["学号", "姓名", "学院", "意向城市", "重点帮扶", "宿舍"],
                       [20210001, "张三", "计算机学院", "北京、长三角", "是", "3-201"],
                       [None, "李四", "", "", "", ""]])

    def build(values):
        if not text(values.get("student_no")):
            raise RowError("缺少必填字段 " + ROSTER.name("student_no"))
        return {"student_no": text(values["student_no"]), "name": text(values["name"]),
                "want_cities": as_list(values.get("want_cities"))}

    result = validate(read_bytes(data, "名单.xlsx"), "名单.xlsx", ROSTER, build,
                      key=lambda s: s["student_no"])
    assert result.good == [{"student_no": "20210001", "name": "张三", "want_cities": ["北京", "长三角"]}]
    assert result.rejected == ["名单.xlsx:3: 缺少必填字段 student_no（学号）"]
    assert any("未知字段“宿舍”" in w for w in result.warnings)
    mentors = ROSTER.with_aliases({"辅导员": "mentor"})
    assert mentors.field_for("辅导员") == "mentor" and ROSTER.field_for("辅导员") is None
    custom = Schema("x", "测试", ("a",), ("b",), aliases={"甲": "a", "乙": "zzz"})
    assert custom.field_for("甲") == "a" and custom.field_for("乙") is None


def test_job_schema_knows_the_headers_design_lists():
    for header, name in {"岗位名称": "title", "职位": "title", "单位名称": "company", "公司": "company",
                         "工作地点": "city", "城市": "city", "链接": "url", "网址": "url",
                         "截止日期": "deadline", "截止日期（必填）": "deadline", "* 公司": "company",
                         "Title": "title"}.items():
        assert JOBS.field_for(header) == name, header


def test_cli_import_exits_1_when_any_row_is_rejected_and_dry_run_writes_nothing(tmp_path):
    client = server_client()
    ns = f"test-cli-{uuid.uuid4().hex[:8]}"
    env = {"REDIS_URL": SERVER_URL, "BOT_REDIS__NAMESPACE": ns, "PATH": os.environ["PATH"]}
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.csv"
    good.write_bytes(xlsx_bytes([CN_HEADERS, *CN_ROWS]))
    bad.write_bytes(_csv(CN_HEADERS, [*CN_ROWS, ["缺单位", "", "北京", "https://x.cn", "", "", ""]])
                    .encode("gbk"))
    try:
        r = run_cli("jobs", "import", "--dry-run", str(good), env=env)
        assert r.returncode == 0 and "将新增 3 条" in r.stdout and "没有写入" in r.stdout, r.stderr
        r = run_cli("jobs", "import", str(good), env=env)
        assert r.returncode == 0 and "新增 3 条，更新 0 条，拒绝 0 条" in r.stdout, r.stdout + r.stderr
        r = run_cli("jobs", "import", str(bad), env=env)
        assert r.returncode == 1
        assert f"{bad}:5: 缺少必填字段 company（公司）" in r.stdout
        assert "新增 0 条，更新 3 条，拒绝 1 条" in r.stdout
    finally:
        keys = list(client.scan_iter(f"{ns}:*"))
        if keys:
            client.delete(*keys)


def test_values_read_every_spelling_of_a_date():
    from bot.jobs.values import read_date, read_datetime
    for spelling in ("2026-12-31", "2026/12/31", "2026年12月31日", "2026.12.31", "2026-12-31 17:00",
                     46387, date(2026, 12, 31), datetime(2026, 12, 31, 8)):
        assert read_date(spelling) == date(2026, 12, 31), spelling
    assert read_datetime("2026年12月20日 下午2点").hour == 14
    assert read_datetime("2026/12/20 9点半").minute == 30
    assert read_datetime("2026-12-20T09:00+00:00").utcoffset().total_seconds() == 0
