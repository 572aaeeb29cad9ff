"""`kb check | ask | eval | unanswered`: the knowledge-base tools staff use."""
from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict, dataclass
from pathlib import Path

from ..context import build_context, matcher_builder
from ..kb.evaluate import CasesError, evaluate, load_cases
from ..kb.loader import load_kb
from ..kb.model import KnowledgeBase
from ..nlp.matcher import FaqMatcher
from ..nlp.thesaurus import groups_met
from ..nlp.thresholds import SelfTest
from ..placeholders import settings_warnings
from ..store.unanswered import OPEN
from .common import config_for


@dataclass(frozen=True)
class Loaded:
    kb: KnowledgeBase
    matcher: FaqMatcher
    self_test: SelfTest | None
    meaning: str


def _load_matcher(args: argparse.Namespace) -> Loaded | None:
    """The knowledge base and the matcher the bot would use (meaning, thresholds)."""
    config = config_for(args)
    result = load_kb(config.knowledge_dir)
    if result.kb is None:
        for p in result.problems:
            print(p, file=sys.stderr)
        return None
    kb = result.kb
    if getattr(args, "drop_similar", False):
        kb = kb.without_similar()
    builder = matcher_builder(config)
    matcher, report = builder.full(kb, builder.quick(kb))
    return Loaded(kb, matcher, report, builder.meaning_status)


def _thresholds_line(loaded: Loaded) -> str:
    t = loaded.matcher.thresholds
    how = {"auto": "按知识库自测确定", "config": "配置里写定", "default": "默认值"}.get(t.source, t.source)
    line = f"阈值（{how}）：直接回答 ≥ {t.answer:.2f}，列出选项 ≥ {t.suggest:.2f}。{loaded.meaning}。"
    r = loaded.self_test
    if r is not None:
        line += f"\n自测：{r.offtopic} 个无关问题拒答 {r.offtopic_declined:.0%}、直接回答 {r.offtopic_direct:.1%}"
        if r.held_out:
            line += f"；{r.held_out} 个留出的问法排第一 {r.held_out_first:.0%}"
        line += "。"
    return line


def cmd_check(args: argparse.Namespace) -> int:
    loaded = None
    config = config_for(args)
    result = load_kb(config.knowledge_dir)
    for p in result.problems:
        print(p)
    notes = settings_warnings(config)        # the contact block students see with the KB
    for line in notes:
        print(line)
    if result.kb is None:
        print(f"知识库有 {len(result.errors)} 处错误，请按上面的提示修改后再检查。", file=sys.stderr)
        return 1
    warnings = len(result.problems)
    print(f"知识库检查通过：{len(result.kb.entries)} 条问答，{len(result.kb.synonyms)} 组同义词"
          + (f"，{len(result.kb.not_ours)} 个不归本处回答的问题" if result.kb.not_ours else "")
          + (f"，{warnings} 条提醒" if warnings else "")
          + (f"；配置里 {len(notes)} 条提醒" if notes else "") + "。")
    if not args.quick:
        loaded = _load_matcher(args)
        if loaded is not None:
            print(_thresholds_line(loaded))
        print(_shipped_terms_line(result.kb))
    return 0


def _shipped_terms_line(kb: KnowledgeBase) -> str:
    """Which of the bot's own career words this knowledge base uses, so staff know what
    it already understands without their `synonyms.yaml`."""
    met = groups_met(t for e in kb.entries for t in (e.question, *e.similar, e.answer))
    if not met:
        return "程序自带的通用说法（三方/就业协议书 这类）在这个知识库里没有用到。"
    names = "、".join("/".join(g[:2]) for g in met[:6]) + ("……" if len(met) > 6 else "")
    return (f"程序自带的通用说法有 {len(met)} 组用在了这个知识库里（{names}），"
            "学生用其中哪种说法都能对上；synonyms.yaml 里写了的按您写的。")


def cmd_ask(args: argparse.Namespace) -> int:
    from ..handlers.faq import answer_reply, suggest_reply
    from ..message import Reply

    loaded = _load_matcher(args)
    if loaded is None:
        return 1
    kb, matcher = loaded.kb, loaded.matcher
    question = " ".join(args.question)
    result = matcher.match(question)
    if args.json:
        print(json.dumps({
            "answer_id": result.answer_id, "score": result.score,
            "candidates": [{"id": c.id, "score": c.score} for c in result.candidates],
        }, ensure_ascii=False))
        return 0
    print(f"问题：{question}\n理解为：{result.analysis.canonical or '（空）'}")
    for n, c in enumerate(result.candidates, 1):
        print(f"  {n}. {c.id}  置信度 {c.score:.3f}  {kb.by_id(c.id).question}")
    if result.decision == "answer":
        reply = answer_reply(kb.by_id(result.answer_id))
    elif result.decision == "suggest":
        reply = suggest_reply([kb.by_id(c.id) for c in matcher.suggestions(result)])
    else:
        reply = Reply("（不从问答库回答：转入兜底回复，并记录为未解答问题）")
    print("将发送：\n" + reply.as_text())
    return 0


def _floors(args: argparse.Namespace, report: dict) -> list[str]:
    checks = (("min_accuracy", "accuracy", "准确率"), ("min_faq_accuracy", "faq_accuracy", "问答题答对率"),
              ("min_declined", "declined", "拒答率"))
    failed = [f"{label} {report[key]:.4f} 低于下限 {getattr(args, floor)}"
              for floor, key, label in checks
              if getattr(args, floor) is not None and report[key] < getattr(args, floor)]
    if args.min_kind is not None:
        failed += [f"“{kind}”类问法答对率 {share:.4f} 低于下限 {args.min_kind}"
                   for kind, share in report["by_kind"].items() if share < args.min_kind]
    direct = report["offtopic_answered_directly"]
    if args.max_offtopic_direct is not None and direct > args.max_offtopic_direct:
        failed.append(f"无关问题被直接回答的比例 {direct:.4f} 高于上限 {args.max_offtopic_direct}")
    return failed


def cmd_eval(args: argparse.Namespace) -> int:
    loaded = _load_matcher(args)
    if loaded is None:
        return 1
    kb, matcher = loaded.kb, loaded.matcher
    try:
        cases = load_cases(Path(args.cases))
    except CasesError as exc:
        print(exc, file=sys.stderr)
        return 2
    unknown = sorted({c["expect"] for c in cases if c.get("expect") and not kb.by_id(c["expect"])})
    if unknown:
        print(f"{args.cases}: 这些 expect 在知识库里不存在：{', '.join(unknown)}", file=sys.stderr)
        return 1
    report = evaluate(matcher, cases)
    t = matcher.thresholds
    report["thresholds"] = {"answer": t.answer, "suggest": t.suggest, "margin": t.margin,
                            "source": t.source}
    report["self_test"] = asdict(loaded.self_test) if loaded.self_test else None
    report["meaning_model"] = loaded.meaning
    if args.json:
        print(json.dumps(report, ensure_ascii=False))
    else:
        for r in report["cases"]:
            if not r["ok"]:
                print(f"✗ {r['q']}  期望 {r['expect']}  得到 {r['got']}  ({r['score']:.3f})")
        if report["by_kind"]:
            print("按问法：" + "，".join(f"{k} {v:.0%}" for k, v in report["by_kind"].items()))
        print(f"共 {report['total']} 题，正确 {report['correct']}，准确率 {report['accuracy']:.1%}"
              f"（问答题 {report['faq_accuracy']:.1%}，无关问题拒答 {report['declined']:.1%}，"
              f"无关问题被直接回答 {report['offtopic_answered_directly']:.1%}）；"
              f"匹配耗时中位数 {report['latency_us']['median']:.0f} µs，"
              f"p99 {report['latency_us']['p99']:.0f} µs")
        print(_thresholds_line(loaded))
    failed = _floors(args, report)
    for f in failed:
        print(f, file=sys.stderr)
    return 1 if failed else 0


def cmd_unanswered(args: argparse.Namespace) -> int:
    ctx = build_context(config_for(args))
    rows = ctx.stores.unanswered.top(args.limit, status=OPEN)
    if args.json:
        print(json.dumps([r.__dict__ for r in rows], ensure_ascii=False))
        return 0
    if not rows:
        print("还没有记录到答不上来的问题。")
        return 0
    print("学生问得最多、机器人答不好的问题（次数｜学生原话｜最接近的问答及置信度）：")
    for r in rows:
        said = "（学生说直接给的这条不对）" if r.best_id in r.rejected else ""
        if r.picked:
            said += "（学生从列表里选了：" + "、".join(f"{i} {n} 次" for i, n in r.picked.items()) + "）"
        print(f"{r.count:>5}｜{r.example}｜{r.best_id or '-'} {r.best_score:.2f}{said}")
    return 0


def add_commands(sub: argparse._SubParsersAction) -> None:
    kb = sub.add_parser("kb", help="知识库工具").add_subparsers(dest="kb_command", required=True)
    k = kb.add_parser("check", help="检查知识库")
    k.add_argument("--kb")
    k.add_argument("--quick", action="store_true", help="只检查文件，不做阈值自测")
    k.set_defaults(func=cmd_check)
    k = kb.add_parser("ask", help="看看一个问题会怎么回答")
    k.add_argument("--kb")
    k.add_argument("--json", action="store_true")
    k.add_argument("question", nargs="+")
    k.set_defaults(func=cmd_ask)
    k = kb.add_parser("eval", help="批量测试问答准确率")
    k.add_argument("--kb")
    k.add_argument("--json", action="store_true")
    k.add_argument("--min-accuracy", type=float, help="总准确率下限，低于它退出码为 1")
    k.add_argument("--min-faq-accuracy", type=float, help="问答题（有标准答案的题）首选答对率下限")
    k.add_argument("--min-declined", type=float, help="无关问题拒答率下限")
    k.add_argument("--min-kind", type=float, help="每一类问法（cases 里的 kind）答对率下限")
    k.add_argument("--max-offtopic-direct", type=float, help="无关问题被直接回答的比例上限")
    k.add_argument("--drop-similar", action="store_true",
                   help="先去掉每条问答的 similar 再测：看只有标准问题时表现如何")
    k.add_argument("cases")
    k.set_defaults(func=cmd_eval)
    k = kb.add_parser("unanswered", help="学生问得最多、答不上来的问题")
    k.add_argument("--limit", type=int, default=30)
    k.add_argument("--json", action="store_true")
    k.set_defaults(func=cmd_unanswered)
