"""Profile matching: 100,000 students' intentions x 1,000 new jobs, indexed against the double loop.

Timed, as the scheduler does it: building the profile index from Redis (the terms each
profile was saved with), reading the batch's jobs and their facets (majors, degree),
matching, and queueing every (student, job) match in Redis (the pending queue the daily
digest is built from, shared with subscriptions). The double loop runs on a 10% sample
and is scaled up; both find exactly the same matches on it.
"""
from __future__ import annotations

import random
import resource
import tempfile
import time
import uuid
from pathlib import Path

from bot.clock import Clock
from bot.config import load_config
from bot.people import Profile
from bot.push.fit import job_facets, profile_terms
from bot.push.profile_index import ProfileIndexCache, naive_profile_match
from bot.push.vocab import load_vocab
from bot.records import Job, StudentKey
from bot.store import Stores
from bot.store.connection import connect

from .push_match import CITIES, INDUSTRIES, REGIONS, SKILLS

PROFILES, JOBS, SAMPLE = 100_000, 1_000, 10_000
MAJORS = ["计算机科学与技术", "软件工程", "电子信息工程", "自动化", "机械工程", "土木工程", "会计学",
          "金融学", "市场营销", "英语", "汉语言文学", "法学", "数学与应用数学", "统计学", "化学",
          "临床医学", "护理学", "新闻学", "视觉传达设计", "物流管理"]
DEGREES = ["本科"] * 12 + ["硕士"] * 5 + ["专科"] * 2 + ["博士"]


def _profile(rng: random.Random) -> Profile:
    r = rng.random()
    cities = ([rng.choice(REGIONS)] if r < 0.1 else
              rng.sample(CITIES, 2) if r < 0.3 else [rng.choice(CITIES)])
    industries = rng.sample(INDUSTRIES, rng.choice((0, 0, 0, 1, 1, 1, 1, 1, 2, 2)))
    keywords = rng.sample(SKILLS, rng.choice((0, 0, 0, 0, 1, 1, 1, 1, 2, 2)))
    return Profile(want_cities=tuple(cities), want_industries=tuple(industries),
                   want_keywords=tuple(keywords), major=rng.choice(MAJORS),
                   degree=rng.choice(DEGREES), consent=True)


def _job(rng: random.Random, n: int) -> Job:
    majors = rng.sample(MAJORS, rng.randint(1, 3)) if rng.random() < 0.5 else []
    degree = rng.choice(["本科及以上", "硕士及以上", "大专及以上"]) if rng.random() < 0.5 else ""
    return Job(id=f"bench-{n}", title=f"{rng.choice(SKILLS)}工程师", company=f"公司{n % 300}",
               city=rng.choice(CITIES), url=f"https://jobs.example.cn/{n}",
               industry=rng.choice(INDUSTRIES), majors=majors, degree=degree,
               tags=[rng.choice(SKILLS)])


def run() -> dict:
    rng = random.Random(2027)
    config = load_config({"redis": {"namespace": f"bench-{uuid.uuid4().hex[:6]}"}})
    client = connect(config.redis_url, config.data_dir if config.redis_url else
                     Path(tempfile.mkdtemp()), config.settings.redis)
    stores = Stores.open(client, config.settings, Clock())
    vocab = load_vocab(config.settings.push.vocabulary)

    cache: dict[Profile, str] = {}
    owners = []
    pipe = client.pipeline(transaction=False)
    for i in range(PROFILES):                    # setup, not timed: saved as the store does
        profile = _profile(rng)
        if profile not in cache:
            terms = profile_terms(profile, vocab)
            cache[profile] = terms.to_entry() if terms else ""
        owner = StudentKey("wechat", f"o{i:06d}")
        owners.append((owner, cache[profile]))
        pipe.hset(stores.keys.profiles_all(), owner.encode(), cache[profile])
        if i % 5000 == 4999:
            pipe.execute()
    pipe.execute()
    stores.client.incr(stores.keys.profiles_seq())
    jobs = [_job(rng, n) for n in range(JOBS)]
    stores.jobs.upsert(jobs, vocab.job_terms, Clock().now())
    ids = [j.id for j in jobs]

    t0 = time.perf_counter()
    index = ProfileIndexCache(stores.profiles).get()
    t1 = time.perf_counter()
    terms = stores.jobs.terms(ids)
    facets = {i: job_facets(job, terms[i], vocab) for i, job in stores.jobs.many(ids).items()}
    t2 = time.perf_counter()
    matches = index.match(facets)
    t3 = time.perf_counter()
    stores.pending.add(matches)
    t4 = time.perf_counter()
    pairs = sum(len(v) for v in matches.values())

    from bot.push.fit import ProfileTerms
    sample = [(o, ProfileTerms.from_entry(raw)) for o, raw in owners[:SAMPLE]]
    t5 = time.perf_counter()
    naive = naive_profile_match(sample, facets)
    t6 = time.perf_counter()
    from bot.push.profile_index import ProfileIndex
    assert ProfileIndex.build(sample).match(facets) == naive

    for key in client.scan_iter(stores.keys.pattern(), count=5000):
        client.delete(key)
    if not config.redis_url:
        client.shutdown()  # the embedded server: do not leave it running
    return {"profiles": PROFILES, "jobs": JOBS, "groups": len(index.groups),
            "students_matched": len(matches), "pairs": pairs,
            "index_s": t1 - t0, "facets_s": t2 - t1, "match_s": t3 - t2, "queue_s": t4 - t3,
            "total_s": t4 - t0, "naive_sample_s": t6 - t5,
            "naive_full_s_est": (t6 - t5) * PROFILES / SAMPLE,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> dict:
    r = run()
    print(f"\n求职意向匹配：{r['profiles']:,} 名学生的意向 × {r['jobs']:,} 个新岗位"
          f"（{r['groups']:,} 种不同的意向组合）")
    print(f"  从 Redis 建索引 {r['index_s']:.2f} s；读岗位 {r['facets_s']:.2f} s；"
          f"匹配 {r['match_s']:.2f} s；写入待推送队列 {r['queue_s']:.2f} s；合计 {r['total_s']:.2f} s")
    print(f"  匹配结果：{r['pairs']:,} 个（学生, 岗位）对，涉及 {r['students_matched']:,} 名学生")
    print(f"  朴素双重循环：{SAMPLE:,} 名学生用时 {r['naive_sample_s']:.2f} s，"
          f"按比例折算 {r['profiles']:,} 名约 {r['naive_full_s_est']:.1f} s"
          f"（索引匹配快 {r['naive_full_s_est'] / max(r['match_s'], 1e-9):.0f} 倍）")
    print(f"  进程内存峰值 {r['peak_rss_mb']:.0f} MB")
    return r
