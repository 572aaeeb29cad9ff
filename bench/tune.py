"""Fit the confidence models on the DEV set (never a test set): `python -m bench.tune`.

Writes bot/nlp/weights.py. The dev questions (bench/data/dev_cases.yaml) are asked
against the sample knowledge base as it is (~21 phrasings an entry) and thinned the way
other schools write theirs (0–3 phrasings an entry, and none at all), so the weights do
not assume a rich knowledge base. Ranking weights are listwise (the right entry to the
top of its candidates; the KB's own paraphrases, left out of the index, count too); the
calibration is on the dev questions alone. `--cv` reports 5-fold cross-validated dev
figures, with thresholds placed by each thinned knowledge base's own self-test exactly
as the bot places them (bot/nlp/thresholds.py).
"""
from __future__ import annotations

import argparse
import sys

import numpy as np

from bot.config import ROOT

from .fitting import best_defaults, calibrate, dict_literal, fit_ranking, outcomes, pick_sure
from .tuning_data import Collected, collect, matrix

WEIGHTS_FILE = ROOT / "bot" / "nlp" / "weights.py"
LEXICAL_QUERY = ("length", "foreign")
SEMANTIC_QUERY = ("length", "foreign", "emb_best", "offtopic_sim", "offtopic_gap", "use_off",
                  "use_off_gap")


def fit(model_rows, aug_rows, names: tuple[str, ...], query: tuple[str, ...]):
    """Ranking on dev and the KB's paraphrases; calibration on the dev questions alone."""
    query_cols = [names.index(q) for q in query]
    raw = fit_ranking(model_rows + aug_rows, len(names))
    raw[query_cols] = 0.0      # the same for every candidate: ranking cannot learn them
    coef, bias = calibrate(model_rows, raw, query_cols)
    w = raw * coef[0]
    for j, c in zip(query_cols, coef[1:]):
        w[j] += c
    return {k: round(float(v), 3) for k, v in zip(names, w)}, round(float(bias), 3)


LEXICAL_NAMES = ("cos", "cont", "union", "covered", "fuzz", "partial", "keyword", "anchor",
                 "answer", "bm25", "pre_rank", "missing", "length", "foreign", "density")
SEMANTIC_NAMES = LEXICAL_NAMES + ("emb", "emb_rel", "passage", "passage_rel", "emb_z", "passage_z",
                                  "emb_rank", "passage_rank", "sentence", "sentence_rel",
                                  "sentence_z", "emb_best", "offtopic_sim", "offtopic_gap",
                                  "breaker", "use", "use_rel", "use_passage", "use_passage_rel",
                                  "use_off", "use_off_gap")


Picked = dict[str, list[int]]     # the dev questions used, by group (see Variant.group)


def every_case(data: Collected) -> Picked:
    return {g: list(range(len(c))) for g, c in data.cases.items()}


def fit_all(data: Collected, cases: Picked, lex_names=LEXICAL_NAMES, sem_names=SEMANTIC_NAMES):
    lex_rows = [matrix(v.dev_lexical[i], lex_names) for v in data.variants.values()
                for i in cases[v.group]]
    sem_rows = [matrix(v.dev_semantic[i], sem_names) for v in data.variants.values()
                for i in cases[v.group]]
    # Each variant's self-test phrasings (its own, left out of the index) teach ranking
    # too: every dev school's way of writing, not only the sample's wrapped paraphrases.
    held = [matrix(r, sem_names) for v in data.variants.values() if cases[v.group]
            for r in v.held_out]
    # The shipped off-topic set places thresholds at run time, so it is kept out of fitting.
    lex, lex_b = fit(lex_rows, [matrix(r, lex_names) for r in data.aug_lexical], lex_names,
                     LEXICAL_QUERY)
    sem, sem_b = fit(sem_rows, [matrix(r, sem_names) for r in data.aug_semantic] + held,
                     sem_names, SEMANTIC_QUERY)
    return lex, lex_b, sem, sem_b


def simulate(v, w, b, cases: Picked, margin: float, names=SEMANTIC_NAMES) -> dict[str, float]:
    """Dev figures on one knowledge-base variant, thresholds from its own self-test."""
    from bot.nlp import thresholds as th
    off = [o.score for o in outcomes([matrix(r, names) for r in v.offtopic], w, b)]
    suggest = min(max(float(np.quantile(off, th.DECLINE_OFFTOPIC)) + 1e-4, 0.15), 0.8)
    floor = max(float(np.quantile(off, th.DIRECT_OFFTOPIC)) + 1e-4, suggest)
    WRONG_DIRECT_COST = th.WRONG_DIRECT_COST
    held = outcomes([matrix(r, names) for r in v.held_out], w, b)
    grid = sorted({floor, *(round(x, 2) for x in np.arange(0.3, 0.99, 0.01) if x > floor)})
    answer = max(grid, key=lambda a: (sum(1.0 if o.right else -WRONG_DIRECT_COST
                                          for o in held if o.score >= a), -a))
    rows = outcomes([matrix(v.dev_semantic[i], names) for i in cases[v.group]], w, b)
    on, offs = [o for o in rows if not o.off], [o for o in rows if o.off]
    from .fitting import decide
    d = [decide(o, answer, suggest, margin) for o in rows]
    ok = [(o.right and x != "decline") if not o.off else x == "decline" for o, x in zip(rows, d)]
    return {"ranked": sum(o.right for o in on) / len(on), "accuracy": sum(ok) / len(ok),
            "faq": sum(k for o, k in zip(rows, ok) if not o.off) / len(on),
            "declined": sum(k for o, k in zip(rows, ok) if o.off) / max(len(offs), 1),
            "off_direct": sum(x == "answer" for o, x in zip(rows, d) if o.off) / max(len(offs), 1),
            "direct": sum(x == "answer" and o.right for o, x in zip(rows, d) if not o.off) / len(on),
            "answer": answer, "suggest": suggest}


def fitted(data: Collected, train: Picked, sem_names=SEMANTIC_NAMES):
    """The semantic weights, bias and default margin fitted on `train` alone."""
    _, _, sem, sem_b = fit_all(data, train, sem_names=sem_names)
    w = np.asarray(list(sem.values()))
    margin = best_defaults(outcomes([matrix(v.dev_semantic[i], sem_names)
                                     for v in data.variants.values() for i in train[v.group]],
                                    w, sem_b))[2]
    return w, sem_b, margin


def cross_validate(data: Collected, folds: int = 5, sem_names=SEMANTIC_NAMES) -> None:
    orders = {g: np.random.default_rng(2026).permutation(len(c)) for g, c in data.cases.items()}
    results: dict[str, list[dict]] = {name: [] for name in data.variants}
    for k in range(folds):
        test = {g: sorted(int(i) for i in order[k::folds]) for g, order in orders.items()}
        train = {g: sorted(set(range(len(order))) - set(test[g])) for g, order in orders.items()}
        w, sem_b, margin = fitted(data, train, sem_names)
        for name, v in data.variants.items():
            results[name].append(simulate(v, w, sem_b, test, margin, sem_names))
    for name, rs in results.items():
        mean = {k: float(np.mean([r[k] for r in rs])) for k in rs[0]}
        print(f"  cv dev on {name:14}: ranked first {mean['ranked']:.3f}  accuracy {mean['accuracy']:.3f}"
              f"  faq {mean['faq']:.3f}  declined {mean['declined']:.3f}"
              f"  off-topic answered {mean['off_direct']:.3f}  right & direct {mean['direct']:.3f}"
              f"  (answer {mean['answer']:.2f} suggest {mean['suggest']:.2f})")


def leave_school_out(data: Collected, sem_names=SEMANTIC_NAMES) -> None:
    """Each dev school asked with weights fitted without it: how a school nothing was fitted
    on fares, the question the other-school test set answers (and must not be tuned on)."""
    def show(name: str, train: Picked, only: set[str]) -> None:
        w, sem_b, margin = fitted(data, train, sem_names)
        for vname, v in data.variants.items():
            if v.group in only:
                r = simulate(v, w, sem_b, every_case(data), margin, sem_names)
                print(f"  {name:22} {vname:14}: ranked first {r['ranked']:.3f}  accuracy {r['accuracy']:.3f}"
                      f"  faq {r['faq']:.3f}  declined {r['declined']:.3f}  off-topic answered"
                      f" {r['off_direct']:.3f}  (answer {r['answer']:.2f} suggest {r['suggest']:.2f})")
    schools = [g for g in data.cases if g != "sample"]
    show("fitted on sample only", {g: (every_case(data)[g] if g == "sample" else []) for g in data.cases},
         set(schools))
    for held in schools:
        show(f"fitted without {held}", {g: ([] if g == held else every_case(data)[g])
                                         for g in data.cases}, {held})


def write_weights(lex, lex_b, sem, sem_b, sure, defaults) -> None:
    answer, suggest, margin = defaults
    WEIGHTS_FILE.write_text(
        '"""Fitted constants of the confidence models. Written by `python -m bench.tune` (dev set only)."""\n\n'
        f"LEXICAL_WEIGHTS = {dict_literal(lex)}\nLEXICAL_BIAS = {lex_b}\n"
        f"SEMANTIC_WEIGHTS = {dict_literal(sem)}\nSEMANTIC_BIAS = {sem_b}\n"
        f"SURE = {sure}\n# Used only until the installed knowledge base's self-test is done.\n"
        f"DEFAULT_ANSWER, DEFAULT_SUGGEST, DEFAULT_MARGIN = {answer}, {suggest}, {margin}\n",
        encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.tune")
    p.add_argument("--dry-run", action="store_true", help="print, do not write bot/nlp/weights.py")
    p.add_argument("--cv", action="store_true", help="also report 5-fold cross-validated dev figures")
    p.add_argument("--by-school", action="store_true",
                   help="also ask each dev school with weights fitted without it")
    p.add_argument("--reuse", action="store_true", help="reuse the collected features of the last run")
    args = p.parse_args(argv)
    data = collect(reuse=args.reuse)
    if args.cv:
        cross_validate(data)
    if args.by_school:
        leave_school_out(data)
    lex, lex_b, sem, sem_b = fit_all(data, every_case(data))
    all_lex = [matrix(r, LEXICAL_NAMES) for v in data.variants.values()
               for r in v.dev_lexical + v.offtopic_lexical]
    sure = pick_sure(outcomes(all_lex, np.asarray(list(lex.values())), lex_b))
    dev_sem = [matrix(r, SEMANTIC_NAMES) for v in data.variants.values() for r in v.dev_semantic]
    defaults = best_defaults(outcomes(dev_sem, np.asarray(list(sem.values())), sem_b))
    print("LEXICAL", lex, lex_b, "\nSEMANTIC", sem, sem_b, f"\nSURE {sure}  defaults {defaults}")
    if not args.dry_run:
        write_weights(lex, lex_b, sem, sem_b, sure, defaults)
        print(f"wrote {WEIGHTS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
