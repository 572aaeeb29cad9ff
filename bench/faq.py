"""FAQ understanding and speed: ours against plain rapidfuzz and jieba+BM25, in the same run.

Accuracy on our test and blind sets (the sample knowledge base), and on another school's
knowledge base that nothing was tuned on, as it is and with every `similar` line removed.
Ours uses what the bot uses: the meaning model and thresholds from each knowledge
base's self-test. The baselines' decline thresholds are fitted on the dev set.
Latency: the time to match one question with the knowledge base loaded, at 80 (the
sample), 1,000 and 5,000 entries (the sample plus generated filler): the median of the
questions words alone settle, the median of all, and the 99th percentile of all.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path

from bot.config import load_config
from bot.kb.evaluate import evaluate, load_cases
from bot.kb.loader import load_kb
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds

from .baselines import Bm25Baseline, RapidfuzzBaseline, baseline_accuracy, fit_threshold
from .synthetic import enlarged

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "tests" / "data"
DEV_CASES = ROOT / "bench" / "data" / "dev_cases.yaml"
OTHER_KB = DATA / "kb_other_school"
THIRD_KB = DATA / "kb_third_school"
SETS = (  # label, knowledge base, questions, strip the similar lines
    ("test", ROOT / "knowledge", DATA / "kb_cases.yaml", False),
    ("blind", ROOT / "knowledge", DATA / "kb_cases_blind.yaml", False),
    ("other school", OTHER_KB, DATA / "kb_other_school_cases.yaml", False),
    ("other school, no similar", OTHER_KB, DATA / "kb_other_school_cases.yaml", True),
    ("third school", THIRD_KB, DATA / "kb_third_school_cases.yaml", False),
    ("third school, no similar", THIRD_KB, DATA / "kb_third_school_cases.yaml", True),
)
SIZES = (None, 1000, 5000)


def _latency(matcher, questions: list[str]) -> dict[str, float]:
    """Median of the questions words settle, median and p99 of all: each question new to
    the matcher (no remembered result, no cached question vector), every stage timed."""
    for q in questions[:20]:      # warm the code paths, not the answers
        matcher.cold().match(q)
    settled, every = [], []
    for _ in range(2):
        cold = matcher.cold()
        for q in questions:
            start = time.perf_counter_ns()
            semantic = cold.match(q).semantic
            us = (time.perf_counter_ns() - start) / 1000
            every.append(us)
            if not semantic:
                settled.append(us)
    every.sort()
    return {"settled_median": statistics.median(settled) if settled else 0.0,
            "settled_share": len(settled) / len(every),
            "median": statistics.median(every), "p99": every[int(len(every) * 0.99)]}


def run() -> dict:
    config = load_config(env={})
    builder = MatcherBuilder(data_dir=config.data_dir)
    dev = load_cases(DEV_CASES)
    sample = load_kb(ROOT / "knowledge").kb
    accuracy = {}
    for label, kb_dir, path, strip in SETS:
        kb = load_kb(kb_dir).kb
        kb = kb.without_similar() if strip else kb
        ours, _ = builder.full(kb)
        cases = load_cases(path)
        report = evaluate(ours, cases)
        rf, bm = RapidfuzzBaseline(kb), Bm25Baseline(kb)
        # Thresholds fitted on dev against the sample KB, as ours are; not on this set.
        rf.threshold = fit_threshold(RapidfuzzBaseline(sample), dev)
        bm.threshold = fit_threshold(Bm25Baseline(sample), dev)
        accuracy[label] = {
            "entries": len(kb.entries), "cases": len(cases),
            "offtopic": sum(c.get("expect") is None for c in cases),
            "by_kind": report["by_kind"],
            "ours": {k: report[k] for k in ("accuracy", "faq_accuracy", "declined",
                                            "answered_directly", "offtopic_answered_directly")},
            rf.name: baseline_accuracy(rf, cases), bm.name: baseline_accuracy(bm, cases)}
    questions = [str(c["q"]) for c in load_cases(DATA / "kb_cases.yaml")]
    fixed = MatcherBuilder(fixed=Thresholds(), data_dir=config.data_dir)
    latency = []
    for size in SIZES:
        big = sample if size is None else enlarged(sample, size)
        ours, _ = (builder if size is None else fixed).full(big)
        rfs, bms = RapidfuzzBaseline(big), Bm25Baseline(big)
        latency.append({"entries": len(big.entries), "ours": _latency(ours, questions),
                        rfs.name: _latency_plain(rfs.scores, questions),
                        bms.name: _latency_plain(bms.scores, questions)})
    return {"accuracy": accuracy, "latency_us": latency}


def _latency_plain(fn, questions: list[str]) -> float:
    for q in questions:
        fn(q)
    times = []
    for q in questions:
        start = time.perf_counter_ns()
        fn(q)
        times.append((time.perf_counter_ns() - start) / 1000)
    return statistics.median(times)


def main() -> dict:
    r = run()
    for label, a in r["accuracy"].items():
        print(f"\nFAQ 理解：{label}（{a['cases']} 题，其中无关问题 {a['offtopic']} 题；知识库 {a['entries']} 条）")
        print(f"{'方法':<18}{'总准确率':>10}{'问答题首位正确':>16}{'无关问题拒答':>14}{'无关问题直接回答':>16}")
        for name, x in a.items():
            if name in ("entries", "cases", "offtopic", "by_kind"):
                continue
            direct = f"{x['offtopic_answered_directly']:.1%}" if "offtopic_answered_directly" in x else "-"
            print(f"{name:<20}{x['accuracy']:>10.1%}{x['faq_accuracy']:>16.1%}{x['declined']:>14.1%}"
                  f"{direct:>16}")
        if a["by_kind"]:
            print("  ours 按问法：" + "，".join(f"{k} {v:.0%}" for k, v in a["by_kind"].items()))
    print("\n匹配一个问题的耗时（微秒；ours：字词即可确定的问题的中位数 / 全部问题的中位数 / 全部问题的 p99）")
    for row in r["latency_us"]:
        o = row["ours"]
        others = "  ".join(f"{k} {v:.0f}" for k, v in row.items() if k not in ("entries", "ours"))
        print(f"  {row['entries']:>5} 条：ours {o['settled_median']:.0f} / {o['median']:.0f} / {o['p99']:.0f}"
              f"（字词确定 {o['settled_share']:.0%}）；{others}（中位数）")
    return r
