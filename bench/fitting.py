"""The numeric side of `bench.tune`: listwise ranking, calibration, and what each outcome is worth."""
from __future__ import annotations

from typing import NamedTuple

import numpy as np


def fit_ranking(data, n_feat: int, l2: float = 0.003, steps: int = 600, lr: float = 1.0):
    """Listwise (softmax) weights: push the right entry to the top of its candidates.

    Fitted on standardized features (the meaning scores differ by hundredths, the fuzzy
    ones by tenths), then mapped back; a shift per column cancels within a question.
    """
    usable = [(x, r) for x, r, _ in data if len(x) and r >= 0]
    stacked = np.vstack([x for x, _ in usable])
    scale = stacked.std(axis=0)
    scale[scale < 1e-9] = 1.0
    usable = [(x / scale, r) for x, r in usable]
    w = np.zeros(n_feat)
    for _ in range(steps):
        grad = l2 * w
        for x, r in usable:
            z = x @ w
            p = np.exp(z - z.max())
            p /= p.sum()
            grad += (x.T @ p - x[r]) / len(usable)
        w -= lr * grad
    return w / scale


def calibrate(data, w, query_cols: list[int], l2: float = 1e-3, steps: int = 50):
    """Confidence = sigmoid(a * x·w + Σ c_j * x_j + b) for the top entry.

    Ranking cannot learn features that are the same for every candidate of a question
    (`query_cols`, e.g. how long the question is); calibration can. A few parameters
    only, so Newton's method solves it exactly.
    """
    rows, labels = [], []
    for x, r, _ in data:
        if len(x):
            z = x @ w
            top = int(z.argmax())
            rows.append([z[top], *(x[top, j] for j in query_cols), 1.0])
            labels.append(1.0 if top == r else 0.0)
    theta = newton_logistic(np.asarray(rows), np.asarray(labels), l2, steps)
    return theta[:-1], theta[-1]


def newton_logistic(t: np.ndarray, y: np.ndarray, l2: float, steps: int = 100) -> np.ndarray:
    """Logistic regression by Newton's method: `t`'s last column is the constant, which
    the ridge `l2` leaves alone. Few parameters, so it converges in a handful of steps."""
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
    return theta


def dict_literal(d: dict[str, float]) -> str:
    """`d` as a Python dict literal for a generated weights file, wrapped at 95 columns."""
    lines, line = [], "   "
    for k, v in d.items():
        item = f' "{k}": {v},'
        if len(line) + len(item) > 95:
            lines.append(line.rstrip())
            line = "   "
        line += item
    lines.append(line.rstrip())
    return "{\n" + "\n".join(lines) + "\n}"


class Outcome(NamedTuple):
    """What the bot would do with one question, before thresholds are applied."""
    score: float        # confidence of the top candidate
    gap: float          # logit of the top candidate minus the runner-up's
    second: float       # confidence of the runner-up
    right: bool         # the top candidate is the expected entry
    second_right: bool  # the runner-up is
    off: bool           # the question is off-topic


def outcomes(data, w, b) -> list[Outcome]:
    out = []
    for x, right, off in data:
        if not len(x):
            out.append(Outcome(0.0, 0.0, 0.0, False, False, off))
            continue
        z = x @ w + b
        order = np.argsort(-z)
        top, nxt = int(order[0]), (int(order[1]) if len(z) > 1 else None)
        zn = z[nxt] if nxt is not None else -np.inf
        out.append(Outcome(float(1 / (1 + np.exp(-z[top]))), float(z[top] - zn),
                           float(1 / (1 + np.exp(-zn))), top == right, nxt == right, off))
    return out


def decide(o: Outcome, answer: float, suggest: float, margin: float) -> str:
    """The rule of bot.nlp.model.decide, on an outcome."""
    if o.score < suggest:
        return "decline"
    if o.score >= answer and not (o.gap < margin and o.second >= suggest):
        return "answer"
    return "suggest"


def pick_sure(rows: list[Outcome], precision: float = 0.99) -> float:
    """The lowest confidence from which words alone may answer: right at least
    `precision` of the time on the dev questions and never for an off-topic one."""
    for s in [round(float(x), 3) for x in np.arange(0.80, 0.999, 0.005)]:
        picked = [o for o in rows if o.score >= s]
        if not picked:
            return s
        right = sum(o.right and not o.off for o in picked) / len(picked)
        if right >= precision and not any(o.off for o in picked):
            return s
    return 0.999


# What each outcome is worth to the student who asked: a direct right answer is best, a
# list with the right one first nearly as good; a wrong answer stated as fact is worse
# than a list to pick from, and an off-topic question answered as if it were an FAQ
# misleads.
UTILITY = {"right_direct": 1.0, "right_listed": 0.8, "second_listed": 0.6,
           "wrong_direct": -1.0, "off_direct": -1.0, "off_listed": -0.2}
MIN_DECLINED = 0.90


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


def best_defaults(rows) -> tuple[float, float, float]:
    """(answer, suggest, margin) for when no knowledge-base self-test is available yet."""
    def declined(s):
        off = [o for o in rows if o.off]
        return sum(o.score < s for o in off) / max(len(off), 1)

    def first(s):
        on = [o for o in rows if not o.off]
        return sum(o.right and o.score >= s for o in on) / max(len(on), 1)
    grid = [round(float(t), 2) for t in np.arange(0.05, 0.96, 0.01)]
    allowed = [s for s in grid if declined(s) >= MIN_DECLINED] or grid[-1:]
    suggest = max(allowed, key=lambda s: (first(s), s))
    margins = [round(float(m), 1) for m in np.arange(0.0, 3.01, 0.1)]
    answer, margin = max(((a, m) for a in grid if a >= suggest for m in margins),
                         key=lambda am: (utility(rows, am[0], suggest, am[1]), -am[0], -am[1]))
    return answer, suggest, margin
