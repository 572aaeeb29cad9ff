"""Job matching: 100,000 subscriptions x 1,000 new jobs, indexed against the double loop.

Timed: building the subscription index from Redis, matching the batch, and queueing
every (student, job) match in Redis (the per-student pending queue digests are built
from). The naive double loop runs on a 10% sample in the same run and is scaled up
linearly (it is linear in subscriptions); both give identical matches on that sample.
Peak memory is the process's maximum resident size.
"""
from __future__ import annotations

import json
import random
import resource
import tempfile
import time
import uuid

from bot.clock import Clock
from bot.config import load_config
from bot.push.matching import SubscriptionIndex, naive_match
from bot.push.vocab import load_vocab
from bot.records import StudentKey
from bot.store import Stores
from bot.store.connection import connect
from bot.store.subscriptions import StoredSubscription, Subscription

SUBSCRIPTIONS, JOBS, SAMPLE = 100_000, 1_000, 10_000
CITIES = ["北京", "上海", "广州", "深圳", "杭州", "南京", "苏州", "成都", "重庆", "武汉", "西安",
          "天津", "长沙", "合肥", "厦门", "青岛", "济南", "郑州", "沈阳", "大连"]
REGIONS = ["长三角", "珠三角", "京津冀", "成渝"]
SKILLS = ["Java", "Python", "前端", "后端", "算法", "测试", "运维", "数据分析", "产品经理", "运营",
          "嵌入式", "硬件", "销售", "会计", "人力资源", "法务", "设计", "机械", "电气", "土木",
          "化工", "教育", "翻译", "市场", "咨询", "审计", "物流", "采购", "客服", "编辑"]
INDUSTRIES = ["互联网", "金融", "教育", "制造业", "医疗", "能源", "汽车", "房地产", "国企", "传媒"]
TYPES = ["全职", "实习"]


def _subscription_words(rng: random.Random) -> list[str]:
    words = [rng.choice(SKILLS)]
    r = rng.random()
    if r < 0.55:
        words.append(rng.choice(CITIES))
    elif r < 0.75:
        words.append(rng.choice(REGIONS))
    if rng.random() < 0.25:
        words.append(rng.choice(INDUSTRIES))
    return words


def _job(rng: random.Random, n: int) -> dict:
    return {"id": f"bench-{n}", "title": f"{rng.choice(SKILLS)}工程师", "company": f"公司{n % 300}",
            "city": rng.choice(CITIES), "industry": rng.choice(INDUSTRIES),
            "type": rng.choice(TYPES), "tags": [rng.choice(SKILLS)]}


def run() -> dict:
    rng = random.Random(2026)
    config = load_config({"redis": {"namespace": f"bench-{uuid.uuid4().hex[:6]}"}})
    client = connect(config.redis_url, config.data_dir if config.redis_url else
                     __import__("pathlib").Path(tempfile.mkdtemp()), config.settings.redis)
    stores = Stores.open(client, config.settings, Clock())
    keys = stores.keys
    vocab = load_vocab(config.settings.push.vocabulary)

    cache: dict[tuple[str, ...], tuple] = {}
    subs = []
    pipe = client.pipeline(transaction=False)
    for i in range(SUBSCRIPTIONS):
        words = tuple(_subscription_words(rng))
        if words not in cache:
            cache[words] = vocab.subscription(words)
        s = cache[words]
        subs.append(StoredSubscription(StudentKey("wechat", f"o{i // 2:06d}"),
                                       Subscription(i, s.words, s.terms)))
    for n in range(0, SUBSCRIPTIONS, 5000):          # setup, not timed: stored as the store does
        for stored in subs[n:n + 5000]:
            sub = stored.subscription
            value = json.dumps({"w": list(sub.words), "t": sorted(sub.terms)}, ensure_ascii=False)
            pipe.hset(keys.subscriptions_all(), f"wechat\t{stored.student.user_id}\t{sub.id}", value)
        pipe.execute()
    jobs = {j["id"]: vocab.job_terms(j) for j in (_job(rng, n) for n in range(JOBS))}

    t0 = time.perf_counter()
    index = SubscriptionIndex.build(stores.subscriptions.everything())
    t1 = time.perf_counter()
    matches = index.match(jobs)
    t2 = time.perf_counter()
    stores.pending.add(matches)
    t3 = time.perf_counter()
    pairs = sum(len(v) for v in matches.values())

    sample = subs[:SAMPLE]
    t4 = time.perf_counter()
    naive = naive_match(sample, jobs)
    t5 = time.perf_counter()
    small = SubscriptionIndex.build(sample).match(jobs)
    assert {k: set(v) for k, v in naive.items()} == {k: set(v) for k, v in small.items()}

    for key in client.scan_iter(keys.pattern(), count=5000):
        client.delete(key)
    client.close()  # an embedded server stops with its last client
    return {"subscriptions": SUBSCRIPTIONS, "jobs": JOBS, "groups": len(index.groups),
            "students_matched": len(matches), "pairs": pairs,
            "index_s": t1 - t0, "match_s": t2 - t1, "queue_s": t3 - t2, "total_s": t3 - t0,
            "naive_sample_s": t5 - t4, "naive_full_s_est": (t5 - t4) * SUBSCRIPTIONS / SAMPLE,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def main() -> dict:
    r = run()
    print(f"\n岗位匹配：{r['subscriptions']:,} 个订阅 × {r['jobs']:,} 个新岗位"
          f"（{r['groups']:,} 种不同的关键词组合）")
    print(f"  从 Redis 建索引 {r['index_s']:.2f} s；匹配 {r['match_s']:.2f} s；"
          f"写入待推送队列 {r['queue_s']:.2f} s；合计 {r['total_s']:.2f} s")
    print(f"  匹配结果：{r['pairs']:,} 个（学生, 岗位）对，涉及 {r['students_matched']:,} 名学生")
    print(f"  朴素双重循环：{SAMPLE:,} 个订阅用时 {r['naive_sample_s']:.2f} s，"
          f"按比例折算 {r['subscriptions']:,} 个约 {r['naive_full_s_est']:.1f} s"
          f"（索引匹配快 {r['naive_full_s_est'] / max(r['match_s'], 1e-9):.0f} 倍）")
    print(f"  进程内存峰值 {r['peak_rss_mb']:.0f} MB")
    return r
