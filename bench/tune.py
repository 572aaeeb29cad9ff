"""Fit the matcher's feature weights and thresholds on the DEV set (never the test set).

`python -m bench.tune` prints weights to paste into bot/nlp/matcher.py and the
thresholds for config/settings.yaml. Logistic regression over (question, candidate)
pairs, label 1 when the candidate is the expected entry; then the answer and suggest
thresholds that score best on the dev set.
"""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from bot.cli import load_cases
from bot.config import load_config
from bot.kb.loader import load_kb
from bot.nlp import matcher as mm

DEV = Path(__file__).resolve().parent / "data" / "dev_cases.yaml"


def dataset(matcher: mm.FaqMatcher | None, cases: list):
    """Per case: the feature matrix of its short list and which row is right (-1: none).

    `cases` are case dicts for `matcher`, or (matcher, case) pairs when matcher is None.
    """
    names = list(mm.WEIGHTS)
    out = []
    for item in cases:
        m, case = (matcher, item) if matcher is not None else item
        cands = m._rank(m.analyzer.analyze(str(case["q"])))
        x = np.asarray([[dict(c.features)[k] for k in names] for c in cands]).reshape(-1, len(names))
        right = [i for i, c in enumerate(cands) if c.id == case.get("expect")]
        out.append((x, right[0] if right else -1, case.get("expect") is None))
    return names, out


WRAPPERS = ("{}", "老师好，我是今年的应届毕业生，想问一下{}，谢谢老师",
            "不好意思打扰了，我室友让我帮忙问问：{}？挺着急的")


def augmented(kb, analyzer, per_entry: int = 2):
    """Self-supervised cases from the KB itself: a paraphrase, with that paraphrase
    left out of the index, must still find its entry (plain and wrapped in chit-chat).

    Yields (matcher, case) pairs; each matcher is used and dropped, to bound memory.
    """
    from dataclasses import replace

    from bot.kb.model import KnowledgeBase

    for i, e in enumerate(kb.entries):
        for held in e.similar[-per_entry:]:
            rest = tuple(x for x in e.similar if x != held)
            entries = kb.entries[:i] + (replace(e, similar=rest),) + kb.entries[i + 1:]
            m = mm.FaqMatcher(KnowledgeBase(entries, kb.synonyms), analyzer=analyzer)
            for wrap in WRAPPERS:
                yield m, {"q": wrap.format(held), "expect": e.id}


def fit(data, n_feat: int, l2: float = 0.003, steps: int = 4000, lr: float = 0.5):
    xs = np.vstack([x for x, _, _ in data if len(x)])
    ys = np.concatenate([[1.0 if i == r else 0.0 for i in range(len(x))] for x, r, _ in data if len(x)])
    w, b = np.zeros(n_feat), 0.0
    pos = max(ys.sum(), 1.0)
    weight = np.where(ys > 0, (len(ys) - pos) / pos, 1.0)
    weight /= weight.mean()
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(xs @ w + b)))
        g = (p - ys) * weight
        w -= lr * (xs.T @ g / len(ys) + l2 * w)
        b -= lr * g.mean()
    return w, b


def fit_ranking(data, n_feat: int, l2: float = 0.001, steps: int = 1000, lr: float = 0.5):
    """Listwise (softmax) weights: push the right entry to the top of its short list."""
    usable = [(x, r) for x, r, _ in data if len(x) and r >= 0]
    w = np.ones(n_feat)
    for _ in range(steps):
        grad = l2 * w
        for x, r in usable:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += (x.T @ p - x[r]) / len(usable)
        w -= lr * grad
    return w


def calibrate(data, w, query_cols: list[int], steps: int = 5000, lr: float = 0.5):
    """Confidence = sigmoid(a * x·w + Σ c_j * x_j + b) for the top entry.

    Ranking cannot learn features that are the same for every candidate of a question
    (`query_cols`, e.g. how much of it the KB has never seen); calibration can.
    """
    rows, labels = [], []
    for x, r, _ in data:
        if len(x):
            z = x @ w
            top = int(z.argmax())
            rows.append([z[top], *(x[top, j] for j in query_cols)])
            labels.append(1.0 if top == r else 0.0)
    t, y = np.asarray(rows), np.asarray(labels)
    coef, b = np.zeros(t.shape[1]), 0.0
    coef[0] = 1.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(t @ coef + b)))
        coef -= lr * (t.T @ (p - y)) / len(y)
        b -= lr * (p - y).mean()
    return coef, b


def outcomes(data, w, b):
    """Per case: (top confidence, top is right, is off-topic)."""
    rows = []
    for x, right, off in data:
        if not len(x):
            rows.append((0.0, False, off))
            continue
        s = 1 / (1 + np.exp(-(x @ w + b)))
        top = int(s.argmax())
        rows.append((float(s[top]), top == right, off))
    return rows


def accuracy(rows, answer: float, suggest: float) -> tuple[float, float, float]:
    ok = direct = 0
    off_ok = n_off = 0
    for score, right, off in rows:
        if off:
            n_off += 1
            off_ok += score < suggest
            ok += score < suggest
        else:
            ok += right and score >= suggest
            direct += right and score >= answer
    n_on = len(rows) - n_off
    return ok / len(rows), direct / max(n_on, 1), off_ok / max(n_off, 1)


def best_thresholds(rows):
    best = None
    for answer in np.arange(0.30, 0.90, 0.01):
        for suggest in np.arange(0.05, answer + 0.001, 0.01):
            acc, direct, declined = accuracy(rows, answer, suggest)
            key = (acc + 0.05 * direct, -answer)
            if best is None or key > best[0]:
                best = (key, round(float(answer), 2), round(float(suggest), 2), acc, direct, declined)
    return best[1:]


def main() -> int:
    kb = load_kb(load_config(env={}).knowledge_dir).kb
    matcher = mm.FaqMatcher(kb)
    names, data = dataset(matcher, load_cases(DEV))
    _, extra = dataset(None, augmented(kb, matcher.analyzer))
    train = data + extra
    if "--pointwise" in sys.argv:
        w, b = fit(train, len(names))
    else:
        query_cols = [names.index("unknown")]
        raw = fit_ranking(train, len(names))
        coef, b = calibrate(train, raw, query_cols)
        w = raw * coef[0]
        for j, c in zip(query_cols, coef[1:]):
            w[j] += c
    rows = outcomes(data, w, b)
    top1 = sum(r for _, r, off in rows if not off) / sum(not off for *_, off in rows)
    answer, suggest, acc, direct, declined = best_thresholds(rows)
    print("WEIGHTS =", {k: round(float(v), 2) for k, v in zip(names, w)}, "\nBIAS =", round(float(b), 2))
    print(f"answer_threshold: {answer}  suggest_threshold: {suggest}")
    print(f"dev: accuracy {acc:.3f}, right entry first {top1:.3f}, "
          f"answered directly {direct:.3f}, off-topic declined {declined:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
