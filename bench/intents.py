"""Feature requests in a sentence: which reach their feature, which go on to the FAQ.

Two question sets written by a helper who never saw `config/intents.yaml` or the
matcher (`bench/data/intent_dev_cases.yaml`, used to choose; `tests/data/intent_cases.yaml`,
never), each half feature requests in students' own words and half questions that use
the same words but ask about something else; and a second development set by another
helper who saw neither (`intent_dev2_cases.yaml`, 324 messages, 123 of them not
requests), written when the first had been chosen on so long that it flattered the
layer. Measured through the whole handler table (commands such as 退订 count) against
the sample knowledge base, and, for the intent layer alone, beside a baseline: the
FAQ's own decision rule (confidence ≥ 0.9, the two best apart) on the intent examples,
without the contrast group and the guard. Last, the FAQ's question sets, each against
its own school's knowledge base: how many of them the feature layer takes first.
"""
from __future__ import annotations

import uuid
from pathlib import Path

import yaml

from bot.context import build_context
from bot.dispatcher import Dispatcher
from bot.intents import NOT_A_REQUEST
from tests.support.builders import make_config, server_client, shared_provider
from tests.support.routing import evaluate_features, feature_of

from .tuning_data import DEV_SCHOOLS

ROOT = Path(__file__).resolve().parent.parent
SETS = (("dev", ROOT / "bench" / "data" / "intent_dev_cases.yaml"),
        ("dev2", ROOT / "bench" / "data" / "intent_dev2_cases.yaml"),
        ("test", ROOT / "tests" / "data" / "intent_cases.yaml"))


# FAQ question sets, each with its own knowledge base: how many of their questions the
# feature layer takes before the FAQ sees them (the FAQ's own figures cannot show it).
DATA, TESTS = ROOT / "bench" / "data", ROOT / "tests" / "data"
FAQ_SETS = {
    "dev": [(ROOT / "knowledge", DATA / "dev_cases.yaml")]
    + [(DATA / f"kb_dev_{school}", DATA / f"kb_dev_{school}_cases.yaml") for school in DEV_SCHOOLS],
    "test": [(ROOT / "knowledge", TESTS / "kb_cases.yaml"),
             (ROOT / "knowledge", TESTS / "kb_cases_blind.yaml"),
             (TESTS / "kb_other_school", TESTS / "kb_other_school_cases.yaml"),
             (TESTS / "kb_third_school", TESTS / "kb_third_school_cases.yaml")],
}


def faq_questions_taken(client) -> dict[str, tuple[int, int]]:
    """Per family of sets: (questions taken for a feature, questions)."""
    out = {}
    for label, pairs in FAQ_SETS.items():
        taken = total = 0
        for kb, path in pairs:
            namespace = f"bench-taken-{uuid.uuid4().hex[:8]}"
            ctx = build_context(make_config(namespace, kb), client=client,
                                knowledge=shared_provider(kb))
            dispatcher = Dispatcher(ctx)
            for k, case in enumerate(yaml.safe_load(path.read_text(encoding="utf-8"))):
                total += 1
                taken += feature_of(dispatcher, str(case["q"]), f"taken-{k}") is not None
            _drop(client, namespace)
        out[label] = (taken, total)
    return out


def _drop(client, namespace: str) -> None:
    keys = list(client.scan_iter(f"{namespace}:*", count=1000))
    if keys:
        client.delete(*keys)


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
        _drop(client, namespace)
    out["faq_taken"] = faq_questions_taken(client)
    return out


def main() -> dict:
    r = run()
    taken = r.pop("faq_taken")
    for label, x in r.items():
        print(f"\n功能请求：{label}（{x['cases']} 句，请求和用了同样的词的问题）")
        print(f"  经过全部处理器，到了该去的地方：{x['routed']:.1%}")
        print("    " + "，".join(f"{k} {v:.0%}" for k, v in sorted(x["by_expect"].items())))
        print(f"  只看意图这一层：ours {x['layer']:.1%}，对照（问答的判定规则，0.9）{x['baseline']:.1%}")
    print("\n问答题（各用自己学校的知识库）在问答之前被当成功能请求的：")
    for label, (n, total) in taken.items():
        print(f"  {label}：{n} / {total}（{n / total:.1%}）")
    r["faq_taken"] = taken
    return r
