"""Batch evaluation of a matcher on a question set: `kb eval`, `make test` and `bench/`.

An FAQ case is right when its entry is the one the student is shown first (answered
directly or first in the "您是不是想问" list); an off-topic case (expect null) is right
only when the bot does not answer from the FAQ.
"""
from __future__ import annotations

import statistics
import time
from pathlib import Path
from typing import Any, Protocol

import yaml


class CasesError(ValueError):
    """The question file is not a list of {q, expect}; the message names the file."""


class Matcher(Protocol):
    def match(self, text: str) -> Any: ...


def load_cases(path: Path) -> list[dict]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if not isinstance(data, list) or not all(isinstance(c, dict) and "q" in c for c in data):
        raise CasesError(f"{path}: 应是一个列表，每项形如 {{q: 问题, expect: 问答id 或 null}}")
    return data


def _share(rows: list[dict], ok: Any) -> float:
    return round(sum(1 for r in rows if ok(r)) / len(rows), 4) if rows else 0.0


def evaluate(matcher: Matcher, cases: list[dict]) -> dict:
    """Accuracy and per-question latency of `matcher` on `cases` (the `kb eval --json` shape)."""
    rows, latencies = [], []
    for case in cases:
        q, expect = str(case.get("q", "")), case.get("expect")
        start = time.perf_counter_ns()
        result = matcher.match(q)
        latencies.append((time.perf_counter_ns() - start) / 1000)
        got = result.best.id if result.best and result.decision != "decline" else None
        rows.append({"q": q, "expect": expect, "got": got, "score": result.score,
                     "decision": result.decision, "ok": got == expect, "kind": case.get("kind")})
    total = len(rows)
    off = [r for r in rows if r["expect"] is None]
    on = [r for r in rows if r["expect"] is not None]
    kinds: dict[str, list[dict]] = {}
    for r in rows:
        if r["kind"]:
            kinds.setdefault(str(r["kind"]), []).append(r)
    latencies.sort()
    return {
        "total": total, "correct": sum(r["ok"] for r in rows),
        "accuracy": _share(rows, lambda r: r["ok"]),
        "faq_accuracy": _share(on, lambda r: r["ok"]),
        "declined": _share(off, lambda r: r["ok"]),
        "answered_directly": _share(on, lambda r: r["decision"] == "answer" and r["ok"]),
        "offtopic_answered_directly": _share(off, lambda r: r["decision"] == "answer"),
        "by_kind": {k: _share(v, lambda r: r["ok"]) for k, v in sorted(kinds.items())},
        "latency_us": {
            "median": round(statistics.median(latencies), 1) if latencies else 0.0,
            "p99": round(latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))], 1)
            if latencies else 0.0,
        },
        "cases": [{k: r[k] for k in ("q", "expect", "got", "score", "ok")} for r in rows],
    }
