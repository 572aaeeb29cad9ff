"""FAQ understanding and speed: ours against plain rapidfuzz and jieba+BM25, same run.

Accuracy is measured on the held-out test set (tests/data/kb_cases.yaml); the baselines'
decline thresholds are fitted on the dev set, as ours were. Latency is the median time
to match one question with the knowledge base already loaded, at 60 (the sample KB),
1,000 and 5,000 entries (the sample plus generated filler).
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.kb.evaluate import evaluate, load_cases
from bot.config import load_config
from bot.context import thresholds_from
from bot.kb.loader import load_kb
from bot.nlp.matcher import FaqMatcher

from .baselines import Bm25Baseline, RapidfuzzBaseline, baseline_accuracy, fit_threshold
from .synthetic import enlarged

ROOT = Path(__file__).resolve().parent.parent
TEST_CASES = ROOT / "tests" / "data" / "kb_cases.yaml"
# Written by someone who never saw the matcher's results, after all tuning was done.
BLIND_CASES = ROOT / "tests" / "data" / "kb_cases_blind.yaml"
DEV_CASES = ROOT / "bench" / "data" / "dev_cases.yaml"
SIZES = (None, 1000, 5000)


def _median_us(fn, questions: list[str], rounds: int = 3) -> float:
    times = []
    for q in questions:  # warm caches the way a running bot has them
        fn(q)
    for _ in range(rounds):
        for q in questions:
            start = time.perf_counter_ns()
            fn(q)
            times.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(times)


def run() -> dict:
    config = load_config(env={})
    kb = load_kb(config.knowledge_dir).kb
    assert kb is not None, "the sample knowledge base has errors: run `python -m bot kb check`"
    test, dev = load_cases(TEST_CASES), load_cases(DEV_CASES)
    thresholds = thresholds_from(config.settings)

    ours = FaqMatcher(kb, thresholds)
    rf, bm = RapidfuzzBaseline(kb), Bm25Baseline(kb)
    rf.threshold, bm.threshold = fit_threshold(rf, dev), fit_threshold(bm, dev)
    accuracy = {}
    for label, path in (("test", TEST_CASES), ("blind", BLIND_CASES)):
        cases = load_cases(path)
        report = evaluate(ours, cases)
        accuracy[label] = {
            "ours": {"accuracy": report["accuracy"], "declined": report["declined"],
                     "faq_accuracy": report["faq_accuracy"]},
            rf.name: baseline_accuracy(rf, cases),
            bm.name: baseline_accuracy(bm, cases),
        }

    questions = [str(c["q"]) for c in test]
    latency = []
    for size in SIZES:
        big = kb if size is None else enlarged(kb, size)
        m = ours if size is None else FaqMatcher(big, thresholds)
        rfs, bms = RapidfuzzBaseline(big), Bm25Baseline(big)
        latency.append({
            "entries": len(big.entries),
            "ours": _median_us(m.match, questions),
            rf.name: _median_us(rfs.scores, questions),
            bm.name: _median_us(bms.scores, questions),
        })
    return {"entries": len(kb.entries), "accuracy": accuracy, "latency_us": latency}


def main() -> dict:
    r = run()
    for label, path in (("test", TEST_CASES), ("blind", BLIND_CASES)):
        cases = load_cases(path)
        off = sum(c.get("expect") is None for c in cases)
        print(f"\nFAQ 理解：{path.relative_to(ROOT)}（{len(cases)} 题，其中无关问题 {off} 题；"
              f"知识库 {r['entries']} 条）")
        print(f"{'方法':<18}{'总准确率':>10}{'问答题首位正确':>16}{'无关问题拒答':>14}")
        for name, a in r["accuracy"][label].items():
            faq = f"{a['faq_accuracy']:.1%}" if "faq_accuracy" in a else "-"
            print(f"{name:<20}{a['accuracy']:>10.1%}{faq:>16}{a['declined']:>14.1%}")
    print("\n匹配一个问题的耗时中位数（微秒）")
    names = [k for k in r["latency_us"][0] if k != "entries"]
    print(f"{'条目数':<8}" + "".join(f"{n:>20}" for n in names))
    for row in r["latency_us"]:
        print(f"{row['entries']:<10}" + "".join(f"{row[n]:>20.0f}" for n in names))
    return r
