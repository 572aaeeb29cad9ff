"""Fit the matcher's feature weights and thresholds on the DEV set (never the test set).

`python -m bench.tune` prints weights to paste into bot/nlp/matcher.py and the
thresholds for config/settings.yaml. Listwise ranking weights (dev questions plus the
KB's own paraphrases), a logistic calibration on the dev questions alone, then the
suggest threshold that shows the right FAQ most often while declining enough off-topic
questions, and the answer threshold and margin that serve students best
(see `best_thresholds`).
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import NamedTuple

import numpy as np

from bot.kb.evaluate import load_cases
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


def calibrate(data, w, query_cols: list[int], l2: float = 1e-3, steps: int = 50):
    """Confidence = sigmoid(a * x·w + Σ c_j * x_j + b) for the top entry.

    Ranking cannot learn features that are the same for every candidate of a question
    (`query_cols`, e.g. how long the question is); calibration can. A few
    parameters only, so Newton's method solves it exactly.
    """
    rows, labels = [], []
    for x, r, _ in data:
        if len(x):
            z = x @ w
            top = int(z.argmax())
            rows.append([z[top], *(x[top, j] for j in query_cols), 1.0])
            labels.append(1.0 if top == r else 0.0)
    t, y = np.asarray(rows), np.asarray(labels)
    theta = np.zeros(t.shape[1])
    ridge = l2 * np.eye(len(theta))
    ridge[-1, -1] = 0.0
    for _ in range(steps):
        p = 1 / (1 + np.exp(-(t @ theta)))
        grad = t.T @ (p - y) + ridge @ theta
        hess = (t * (p * (1 - p))[:, None]).T @ t + ridge
        step = np.linalg.solve(hess, grad)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    return theta[:-1], theta[-1]


class Outcome(NamedTuple):
    """What the bot would do with one dev question, before thresholds are applied."""
    score: float        # confidence of the top candidate
    gap: float          # logit of the top candidate minus the runner-up's
    second: float       # confidence of the runner-up
    right: bool         # the top candidate is the expected entry
    second_right: bool  # the runner-up is
    off: bool           # the question is off-topic


def outcomes(data, w, b) -> list[Outcome]:
    rows = []
    for x, right, off in data:
        if not len(x):
            rows.append(Outcome(0.0, 0.0, 0.0, False, False, off))
            continue
        z = x @ w + b
        order = np.argsort(-z)
        top, nxt = int(order[0]), (int(order[1]) if len(z) > 1 else None)
        zn = z[nxt] if nxt is not None else -np.inf
        rows.append(Outcome(float(1 / (1 + np.exp(-z[top]))), float(z[top] - zn),
                            float(1 / (1 + np.exp(-zn))), top == right, nxt == right, off))
    return rows


def decide(o: Outcome, answer: float, suggest: float, margin: float) -> str:
    """The same rule as FaqMatcher._decide."""
    if o.score < suggest:
        return "decline"
    if o.score >= answer and not (o.gap < margin and o.second >= suggest):
        return "answer"
    return "suggest"


def accuracy(rows, suggest: float) -> tuple[float, float]:
    """(right FAQ first and not declined, off-topic declined)."""
    on = [o for o in rows if not o.off]
    off = [o for o in rows if o.off]
    first = sum(o.right and o.score >= suggest for o in on)
    return first / max(len(on), 1), sum(o.score < suggest for o in off) / max(len(off), 1)


# What each outcome is worth to the student who asked: a direct right answer is best, a
# list with the right one first nearly as good; a wrong answer stated as fact is worse
# than a list to pick from, and an off-topic question answered as if it were an FAQ
# misleads.
UTILITY = {"right_direct": 1.0, "right_listed": 0.8, "second_listed": 0.6,
           "wrong_direct": -1.0, "off_direct": -1.0, "off_listed": -0.2}
MIN_DECLINED = 0.90  # the issue asks for 85%; the margin is for questions unlike dev's


def utility(rows, answer: float, suggest: float, margin: float) -> float:
    total = 0.0
    for o in rows:
        d = decide(o, answer, suggest, margin)
        if d == "answer":
            total += UTILITY["off_direct" if o.off else "right_direct" if o.right else "wrong_direct"]
        elif d == "suggest":
            total += (UTILITY["off_listed"] if o.off else UTILITY["right_listed"] if o.right
                      else UTILITY["second_listed"] if o.second_right else 0.0)
    return total


def best_thresholds(rows) -> tuple[float, float, float]:
    """(answer, suggest, margin): the suggest threshold that shows the right FAQ most
    often while still declining MIN_DECLINED of the off-topic questions; then the answer
    threshold and the margin that serve students best (UTILITY), preferring of equals
    the ones that answer directly: a direct answer saves the student a step."""
    grid = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.01)]
    allowed = [s for s in grid if accuracy(rows, s)[1] >= MIN_DECLINED] or grid[-1:]
    suggest = max(allowed, key=lambda s: (accuracy(rows, s)[0], s))
    margins = [round(float(m), 1) for m in np.arange(0.0, 3.01, 0.1)]
    answer, margin = max(((a, m) for a in grid if a >= suggest for m in margins),
                         key=lambda am: (utility(rows, am[0], suggest, am[1]), -am[0], -am[1]))
    return answer, suggest, margin


def main() -> int:
    kb = load_kb(load_config(env={}).knowledge_dir).kb
    matcher = mm.FaqMatcher(kb)
    names, data = dataset(matcher, load_cases(DEV))
    _, extra = dataset(None, augmented(kb, matcher.analyzer))
    train = data + extra
    query_cols = [names.index("length")]
    raw = fit_ranking(train, len(names))
    raw[query_cols] = 0.0  # the same for every candidate: ranking cannot learn them
    # Calibrated on the dev questions alone: the KB's own paraphrases are easier than
    # what students type, and would make the bot overconfident.
    coef, b = calibrate(data, raw, query_cols)
    w = raw * coef[0]
    for j, c in zip(query_cols, coef[1:]):
        w[j] += c
    rows = outcomes(data, w, b)
    on = [o for o in rows if not o.off]
    top1 = sum(o.right for o in on) / len(on)
    answer, suggest, margin = best_thresholds(rows)
    first, declined = accuracy(rows, suggest)
    direct = sum(o.right and decide(o, answer, suggest, margin) == "answer" for o in on) / len(on)
    print("WEIGHTS =", {k: round(float(v), 2) for k, v in zip(names, w)}, "\nBIAS =", round(float(b), 2))
    print(f"answer_threshold: {answer}  suggest_threshold: {suggest}  margin: {margin}")
    print(f"dev: right entry ranked first {top1:.3f}, right FAQ shown first {first:.3f}, "
          f"answered directly {direct:.3f}, off-topic declined {declined:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
