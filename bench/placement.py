"""Where the self-test puts the "suggest" and "answer" lines: every dev set's figures for
each target.

`python -m bench.placement [0.93 0.95:0.995 …]`: each dev knowledge base is built and
self-tested once; then, for each share of the shipped off-topic questions the suggest
threshold should decline (`thresholds.DECLINE_OFFTOPIC`), and after a colon the share the
answer threshold should stay above (`thresholds.DIRECT_OFFTOPIC`), the thresholds are
placed again from that same self-test and the school's dev questions asked. Dev sets
only: the test sets never choose a constant.
"""
from __future__ import annotations

import statistics
import sys
from pathlib import Path

from bot.config import load_config
from bot.kb.evaluate import evaluate, load_cases
from bot.kb.loader import load_kb
from bot.nlp import thresholds
from bot.nlp.builder import MatcherBuilder
from bot.nlp.matcher import FaqMatcher

from .tuning_data import DEV_SCHOOLS

ROOT = Path(__file__).resolve().parent.parent
DEV = ROOT / "bench" / "data"


def dev_sets() -> list[tuple[str, Path, Path]]:
    return [("sample", ROOT / "knowledge", DEV / "dev_cases.yaml")] + [
        (s, DEV / f"kb_dev_{s}", DEV / f"kb_dev_{s}_cases.yaml") for s in DEV_SCHOOLS]


Target = tuple[float, float]   # (DECLINE_OFFTOPIC, DIRECT_OFFTOPIC)
FIGURES = ("accuracy", "faq_accuracy", "answered_directly", "declined",
           "offtopic_answered_directly")


def run(targets: list[Target]) -> dict[Target, list[dict]]:
    builder = MatcherBuilder(data_dir=load_config(env={}).data_dir)
    out: dict[Target, list[dict]] = {t: [] for t in targets}
    for name, kb_dir, cases_path in dev_sets():
        kb = load_kb(kb_dir).kb
        matcher, _ = builder.full(kb)
        meaning = builder.meaning()

        def build(thinned, matcher=matcher, meaning=meaning):
            return FaqMatcher(thinned, matcher.thresholds, analyzer=matcher.analyzer, meaning=meaning)
        offtopic, held = thresholds.self_test(kb, matcher, build)
        cases = load_cases(cases_path)
        shipped = thresholds.DECLINE_OFFTOPIC, thresholds.DIRECT_OFFTOPIC
        try:
            for target in targets:
                thresholds.DECLINE_OFFTOPIC, thresholds.DIRECT_OFFTOPIC = target
                placed, _ = thresholds.place(offtopic, held, matcher.thresholds)
                report = evaluate(matcher.with_thresholds(placed), cases)
                out[target].append({"school": name, **{k: report[k] for k in FIGURES}})
        finally:
            thresholds.DECLINE_OFFTOPIC, thresholds.DIRECT_OFFTOPIC = shipped
    return out


def target(arg: str) -> Target:
    """"0.95" or "0.95:0.995": the decline share, and the direct share (shipped if left out)."""
    decline, _, direct = arg.partition(":")
    return float(decline), float(direct) if direct else thresholds.DIRECT_OFFTOPIC


def main(argv: list[str]) -> None:
    targets = ([target(a) for a in argv]
               or [(t, thresholds.DIRECT_OFFTOPIC) for t in (0.93, 0.95, 0.97)])
    result = run(targets)
    for (decline, direct), rows in result.items():
        print(f"\n拒掉自测里 {decline:.1%} 的无关问题，直接回答的线高过其中 {direct:.1%}：")
        mean = {k: statistics.mean(r[k] for r in rows) for k in FIGURES}
        for r in rows + [{"school": "平均", **mean}]:
            print(f"  {r['school']:<8} 总 {r['accuracy']:.2%}  问答题 {r['faq_accuracy']:.2%}"
                  f"（直接答对 {r['answered_directly']:.2%}）  无关问题拒答 {r['declined']:.2%}"
                  f"  直接回答 {r['offtopic_answered_directly']:.2%}")


if __name__ == "__main__":
    main(sys.argv[1:])
