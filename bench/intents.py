"""Feature requests in a sentence: which reach their feature, which go on to the FAQ.

Two question sets written by a helper who never saw `config/intents.yaml` or the
matcher (`bench/data/intent_dev_cases.yaml`, used to choose; `tests/data/intent_cases.yaml`,
never), each half feature requests in students' own words and half questions that use
the same words but ask about something else; and a second development set by another
helper who saw neither (`intent_dev2_cases.yaml`, 350 messages, 125 of them not requests),
written when the first had been chosen on so long that it flattered the layer. Measured through the whole handler table
(commands such as 退订 count) against the sample knowledge base, and, for the intent
layer alone, beside a baseline: the FAQ's own decision rule (confidence ≥ 0.9, the
two best apart) on the intent examples, without the contrast group and the guard.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import yaml

from bot.context import build_context
from bot.intents import NOT_A_REQUEST
from tests.support.builders import make_config, server_client, shared_provider
from tests.support.routing import evaluate_features

ROOT = Path(__file__).resolve().parent.parent
SETS = (("dev", ROOT / "bench" / "data" / "intent_dev_cases.yaml"),
        ("dev2", ROOT / "bench" / "data" / "intent_dev2_cases.yaml"),
        ("test", ROOT / "tests" / "data" / "intent_cases.yaml"))


def _layer_share(decide, cases: list[dict]) -> float:
    return sum(decide(str(c["q"])) == c.get("expect") for c in cases) / len(cases)


def run() -> dict:
    kb = ROOT / "knowledge"
    namespace = f"bench-intents-{uuid.uuid4().hex[:8]}"
    client = server_client()
    ctx = build_context(make_config(namespace, kb), client=client, knowledge=shared_provider(kb))
    book = ctx.intents

    def baseline(text: str) -> str | None:
        result = book.matcher().match(text)
        found = result.answer_id if result.score >= 0.9 and result.decision == "answer" else None
        return None if found == NOT_A_REQUEST else found

    out = {}
    try:
        for label, path in SETS:
            cases = yaml.safe_load(path.read_text(encoding="utf-8"))
            routed = evaluate_features(ctx, cases)
            out[label] = {"cases": len(cases), "routed": routed["accuracy"],
                          "by_expect": routed["by_expect"],
                          "layer": _layer_share(book.match, cases),
                          "baseline": _layer_share(baseline, cases)}
    finally:
        keys = list(client.scan_iter(f"{namespace}:*", count=1000))
        if keys:
            client.delete(*keys)
    return out


def main() -> dict:
    r = run()
    for label, x in r.items():
        print(f"\n功能请求：{label}（{x['cases']} 句，请求和用了同样的词的问题）")
        print(f"  经过全部处理器，到了该去的地方：{x['routed']:.1%}")
        print("    " + "，".join(f"{k} {v:.0%}" for k, v in sorted(x["by_expect"].items())))
        print(f"  只看意图这一层：ours {x['layer']:.1%}，对照（问答的判定规则，0.9）{x['baseline']:.1%}")
    return r
