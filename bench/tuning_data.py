"""What `bench.tune` fits on: the candidates' features for every dev question, on the sample
knowledge base and on thinned copies of it, and on the dev schools' knowledge bases (as
written and with no `similar` lines), plus each variant's self-test questions.

Collecting runs the real matcher (`FaqMatcher.rank`), so the features are exactly what
the bot computes; it takes a minute or two, and `--reuse` keeps the last collection.
"""
from __future__ import annotations

import pickle
import random
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np

from bot.config import load_config
from bot.kb.evaluate import load_cases
from bot.kb.loader import load_kb
from bot.kb.model import KnowledgeBase
from bot.nlp import model as nm
from bot.nlp.features import columns
from bot.nlp.matcher import SEMANTIC_CANDIDATES, FaqMatcher
from bot.nlp.semantic import Meaning
from bot.nlp.offtopic import offtopic_questions
from bot.nlp.thresholds import held_out_batches, without_phrasings

DATA = Path(__file__).resolve().parent / "data"
DEV = DATA / "dev_cases.yaml"
# Knowledge bases of other kinds of school, each with its students' questions, written for
# tuning only (by writers who saw neither the matcher nor any test set): the sample
# knowledge base alone, ~21 phrasings an entry, taught the weights one school's style.
DEV_SCHOOLS = ("normal", "medical", "ligong", "caijing", "zhiye", "zonghe", "waiyu", "nonglin")
WRAPPERS = ("{}", "老师好，我是今年的应届毕业生，想问一下{}，谢谢老师")


@dataclass
class Variant:
    group: str = "sample"                                  # whose dev questions these are
    dev_lexical: list = field(default_factory=list)
    dev_semantic: list = field(default_factory=list)
    offtopic: list = field(default_factory=list)           # semantic rows, expect null
    offtopic_lexical: list = field(default_factory=list)
    held_out: list = field(default_factory=list)           # semantic rows of the self-test


@dataclass
class Collected:
    cases: dict[str, list[dict]]                           # dev questions by group
    variants: dict[str, Variant]
    aug_lexical: list
    aug_semantic: list


def thinned(kb: KnowledgeBase, seed: int | None) -> KnowledgeBase:
    """Each entry keeps 0–3 random phrasings (seeded), or none when `seed` is None."""
    rng = random.Random(seed)
    entries = []
    for e in kb.entries:
        keep = 0 if seed is None else rng.randint(0, 3)
        similar = list(e.similar)
        rng.shuffle(similar)
        entries.append(replace(e, similar=tuple(similar[:keep])))
    return KnowledgeBase(tuple(entries), kb.synonyms)


def rows(matcher: FaqMatcher, cases: list[dict], force: str, names: tuple[str, ...]) -> list:
    """Per case: (every feature column of its candidates, index of the right one or -1,
    off-topic?). The columns are a dict, so tuning can try any subset of them."""
    out = []
    for case in cases:
        a = matcher.focused(matcher.analyzer.analyze(str(case["q"])))
        lexical = matcher.index.scores(a)
        cand = lexical.shortlist() if lexical is not None else []
        sem = None
        if force == "semantic":
            sem = matcher.semantic.scores(matcher.semantic.vector(a.repaired))
            cand = cand + [i for i in sem.top(SEMANTIC_CANDIDATES) if i not in cand]
        cols = columns(matcher.index, a, cand, lexical, sem) if cand else {}
        ids = [matcher.index.entries[i].id for i in cand]
        right = ids.index(case["expect"]) if case.get("expect") in ids else -1
        out.append((cols, right, case.get("expect") is None))
    return out


def matrix(row, names: tuple[str, ...]):
    """One collected row as (candidates × names) features, right index, off-topic."""
    cols, right, off = row
    if not cols:
        return np.zeros((0, len(names))), right, off
    return np.column_stack([cols[k] for k in names]), right, off


def school(name: str) -> tuple[KnowledgeBase, list[dict]]:
    """A dev school's knowledge base and its questions."""
    return (load_kb(DATA / f"kb_dev_{name}").kb,
            load_cases(DATA / f"kb_dev_{name}_cases.yaml"))


def _variant(m: FaqMatcher, kb: KnowledgeBase, name: str, group: str, cases: list[dict],
             build) -> Variant:
    lex_names, sem_names = nm.LEXICAL.names, nm.SEMANTIC.names
    off_cases = [{"q": q, "expect": None} for q in offtopic_questions()]
    asking = m.asking_offtopic()
    got = Variant(group, rows(m, cases, "lexical", lex_names), rows(m, cases, "semantic", sem_names),
                  rows(asking, off_cases, "semantic", sem_names),
                  rows(asking, off_cases, "lexical", lex_names))
    for batch in held_out_batches(kb):
        got.held_out += rows(build(without_phrasings(kb, set(batch))),
                             [{"q": t, "expect": e} for t, e in batch], "semantic", sem_names)
    print(f"collected {name}")
    return got


def builder(full: FaqMatcher, meaning: Meaning):
    """Matchers for variants of `full`'s knowledge base, read with its vocabulary (its
    synonyms and keywords), as the bot's self-test builds them."""
    return lambda k: FaqMatcher(k, analyzer=full.analyzer, meaning=meaning)


def collect(reuse: bool = False) -> Collected:
    config = load_config(env={})
    cache = config.data_dir / "tune-features.pkl"
    if reuse and cache.exists():
        return pickle.loads(cache.read_bytes())
    kb = load_kb(config.knowledge_dir).kb
    meaning, status = Meaning.load(config.data_dir / "embeddings")
    print(status)
    if meaning is None:
        raise SystemExit(1)
    base = FaqMatcher(kb, meaning=meaning)
    build = builder(base, meaning)
    cases = {"sample": load_cases(DEV)}
    variants = {"full": kb, "sparse-1": thinned(kb, 1), "sparse-2": thinned(kb, 2),
                "none": thinned(kb, None)}
    out: dict[str, Variant] = {
        name: _variant(base if name == "full" else build(v), v, name, "sample", cases["sample"], build)
        for name, v in variants.items()}
    for name in DEV_SCHOOLS:
        skb, cases[name] = school(name)
        full = FaqMatcher(skb, meaning=meaning)          # the school's own vocabulary
        build_own = builder(full, meaning)
        bare = thinned(skb, None)
        out[name] = _variant(full, skb, name, name, cases[name], build_own)
        out[name + "-none"] = _variant(build_own(bare), bare, name + "-none", name, cases[name], build_own)
    aug_lex, aug_sem = [], []
    rng = random.Random(7)
    picks = [(rng.choice(e.similar), e.id) for e in kb.entries if e.similar]
    for b in range(4):
        batch = picks[b::4]
        m = build(without_phrasings(kb, set(batch)))
        aug = [{"q": w.format(t), "expect": e} for t, e in batch for w in WRAPPERS]
        aug_lex += rows(m, aug, "lexical", nm.LEXICAL.names)
        aug_sem += rows(m, aug, "semantic", nm.SEMANTIC.names)
    data = Collected(cases, out, aug_lex, aug_sem)
    cache.parent.mkdir(parents=True, exist_ok=True)
    cache.write_bytes(pickle.dumps(data))
    return data
