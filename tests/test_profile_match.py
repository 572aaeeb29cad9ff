"""How a job fits a profile (regions, majors, degrees), the profile index against the double
loop, and profile-aware FAQ answers when entries differ by audience."""
from __future__ import annotations

import random
import shutil

import pytest

from bot.people import Profile
from bot.push.fit import fits, job_facets, profile_terms
from bot.push.profile_index import ProfileIndex, naive_profile_match
from bot.records import Job, StudentKey

from .support.builders import SMALL_KB, ZHANG, add_roster
from .support.tester import BotTester

CITIES = ["北京", "上海", "杭州", "深圳", "成都", "长三角", "珠三角"]
INDUSTRIES = ["互联网", "金融", "教育", "制造业"]
KEYWORDS = ["Java", "前端", "会计", "算法", "运营"]
MAJORS = ["计算机科学与技术", "软件工程", "会计学", "英语", ""]
DEGREES = ["本科", "硕士", "专科", ""]


def job(n: int, **kw) -> Job:
    return Job(id=f"j{n}", title=kw.pop("title", "工程师"), company="公司", city=kw.pop("city", "北京"),
               url="https://x.cn", **kw)


def facets(ctx, j: Job):
    return job_facets(j, ctx.vocab.job_terms(j), ctx.vocab)


def test_regions_majors_and_degrees(ctx):
    vocab = ctx.vocab
    me = profile_terms(Profile(want_cities=("长三角",), want_industries=("IT",), major="软件工程",
                               degree="本科"), vocab)
    hangzhou = job(1, city="杭州市", industry="互联网")
    assert fits(me, facets(ctx, hangzhou)) == "您的求职意向：长三角 · IT"
    assert fits(me, facets(ctx, job(2, city="北京", industry="互联网"))) is None
    assert fits(me, facets(ctx, job(3, city="苏州", industry="金融"))) is None
    assert fits(me, facets(ctx, job(4, city="上海", industry="互联网",
                                    majors=["计算机类"]))) is not None       # 软件工程 is 计算机
    assert fits(me, facets(ctx, job(5, city="上海", industry="互联网", majors=["会计"]))) is None
    assert fits(me, facets(ctx, job(6, city="上海", industry="互联网", majors=["专业不限"]))) is not None
    assert fits(me, facets(ctx, job(7, city="上海", industry="互联网", degree="硕士及以上"))) is None
    assert fits(me, facets(ctx, job(8, city="上海", industry="互联网", degree="大专"))) is not None
    assert profile_terms(Profile(major="软件工程", degree="本科"), vocab) is None   # no intentions


def test_the_index_finds_exactly_what_the_double_loop_finds(ctx):
    rng = random.Random(12)
    vocab = ctx.vocab
    profiles = []
    for i in range(600):
        p = Profile(want_cities=tuple(rng.sample(CITIES, rng.randint(0, 2))),
                    want_industries=tuple(rng.sample(INDUSTRIES, rng.randint(0, 2))),
                    want_keywords=tuple(rng.sample(KEYWORDS, rng.randint(0, 1))),
                    major=rng.choice(MAJORS), degree=rng.choice(DEGREES))
        pt = profile_terms(p, vocab)
        if pt is not None:
            profiles.append((StudentKey("wechat", f"o{i}"), pt))
    jobs = {}
    for n in range(200):
        j = job(n, title=f"{rng.choice(KEYWORDS)}工程师", city=rng.choice(CITIES[:5] + ["苏州", "广州"]),
                industry=rng.choice(INDUSTRIES), degree=rng.choice(DEGREES + ["硕士及以上"]),
                majors=rng.sample(MAJORS[:4], rng.randint(0, 2)))
        jobs[j.id] = facets(ctx, j)
    expected = naive_profile_match(profiles, jobs)
    assert sum(map(len, expected.values())) > 300                      # a meaningful test
    assert ProfileIndex.build(profiles).match(jobs) == expected


# -- profile-aware answers ----------------------------------------------------------------------
VARIANTS = """
- id: report-card-undergrad
  category: 就业手续
  question: 本科生毕业报到证怎么办理
  similar: [本科生报到证去哪里领, 本科毕业生报到证办理流程]
  answer: 本科生到学院就业办领取报到证。
  audience: 本科生
- id: report-card-graduate
  category: 就业手续
  question: 研究生毕业报到证怎么办理
  similar: [研究生报到证去哪里领, 硕士毕业生报到证办理流程]
  answer: 研究生到研究生院领取报到证。
  audience: 研究生
"""


@pytest.fixture
def variant_ctx(make_ctx, tmp_path):
    kb = tmp_path / "kb"
    shutil.copytree(SMALL_KB, kb)
    (kb / "faq" / "baodao.yaml").write_text(VARIANTS, encoding="utf-8")
    from bot.context import knowledge_for
    from bot.clock import Clock
    from .support.builders import make_config
    config = make_config("unused", kb)
    return make_ctx(kb, provider=knowledge_for(config, Clock()))


def test_the_answer_that_fits_the_profile_or_a_question_which_applies(variant_ctx):
    ctx = variant_ctx
    unknown = BotTester(ctx, user="oNobody")
    asked = unknown.send("报到证怎么办理")
    assert "请问您是" in asked and "1. 本科生" in asked and "2. 研究生" in asked
    assert "研究生院" in unknown.send("2")
    add_roster(ctx, ZHANG)                                              # 本科
    undergrad = BotTester(ctx, user="oZhang")
    undergrad.send("绑定 2022010001 张三")
    assert "学院就业办" in undergrad.send("报到证怎么办理")
    add_roster(ctx, {**ZHANG, "学号": "2022010002", "姓名": "李四", "学历": "硕士"})
    master = BotTester(ctx, user="oLi")
    master.send("绑定 2022010002 李四")
    assert "研究生院" in master.send("报到证怎么办理")
