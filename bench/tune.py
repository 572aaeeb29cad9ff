"""Fit the matcher's feature weights and thresholds on the DEV set (never the test set).

`python -m bench.tune` prints weights to paste into bot/nlp/matcher.py and the
thresholds for config/settings.yaml. Logistic regression over (question, candidate)
pairs: label 1 when the candidate is the expected entry.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from bot.cli import evaluate, load_cases
from bot.config import load_config
from bot.kb.loader import load_kb
from bot.nlp import matcher as mm

DEV = Path(__file__).resolve().parent / "data" / "dev_cases.yaml"


def dataset(matcher: mm.FaqMatcher, cases: list[dict]):
    names = list(mm.WEIGHTS)
    xs, ys, groups = [], [], []
    for n, case in enumerate(cases):
        for cand in matcher._rank(matcher.analyzer.analyze(str(case["q"]))):
            feats = dict(cand.features)
            xs.append([feats[k] for k in names])
            ys.append(1.0 if cand.id == case.get("expect") else 0.0)
            groups.append(n)
    return names, np.asarray(xs), np.asarray(ys), np.asarray(groups)


def fit(x: np.ndarray, y: np.ndarray, l2: float = 0.01, steps: int = 20000, lr: float = 0.5):
    w, b = np.zeros(x.shape[1]), 0.0
    pos = max(y.sum(), 1.0)
    weight = np.where(y > 0, (len(y) - pos) / pos, 1.0)  # balance the rare positives
    weight = weight / weight.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(x @ w + b)))
        g = (p - y) * weight
        w -= lr * (x.T @ g / len(y) + l2 * w)
        b -= lr * g.mean()
    return w, b


def best_thresholds(matcher: mm.FaqMatcher, cases: list[dict]) -> tuple[float, float, dict]:
    best = (0.0, None, None)
    for answer in np.arange(0.30, 0.90, 0.02):
        for suggest in np.arange(0.10, answer + 0.001, 0.02):
            matcher.thresholds = mm.Thresholds(float(answer), float(suggest))
            r = evaluate(matcher, cases)
            key = r["accuracy"] + 0.1 * r["answered_directly"]
            if key > best[0]:
                best = (key, (round(float(answer), 2), round(float(suggest), 2)), r)
    return best[1][0], best[1][1], best[2]


def main() -> int:
    kb = load_kb(load_config(env={}).knowledge_dir).kb
    cases = load_cases(DEV)
    matcher = mm.FaqMatcher(kb)
    names, x, y, _ = dataset(matcher, cases)
    w, b = fit(x, y)
    mm.WEIGHTS.update({k: round(float(v), 2) for k, v in zip(names, w)})
    mm.BIAS = round(float(b), 2)
    answer, suggest, r = best_thresholds(matcher, cases)
    print("WEIGHTS =", mm.WEIGHTS, "\nBIAS =", mm.BIAS)
    print(f"answer_threshold: {answer}  suggest_threshold: {suggest}")
    print(f"dev: accuracy {r['accuracy']:.3f}, faq {r['faq_accuracy']:.3f}, "
          f"declined {r['declined']:.3f}, answered directly {r['answered_directly']:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
