"""Write the vectors of the shipped off-topic questions into the package:
`python -m bench.ship_vectors`, after `bot/nlp/data/offtopic.yaml` or the model changes.

Every knowledge base embeds these questions (its self-test asks them, and they are
the memory of what is not ours): 10–20 s of every first start, and of every test that
starts from an empty data folder, spent on the same vectors. They are written as the
meaning model reads them with no school synonyms; a school whose synonyms read one of
them differently embeds that one itself. `tests/test_shipped_vectors.py` fails when
this file is out of date.
"""
from __future__ import annotations

import sys

from bot.nlp.analyzer import Analyzer
from bot.nlp.embed import SHIPPED_VECTORS, VectorStore
from bot.nlp.encoders import load_embedder
from bot.nlp.offtopic import offtopic_questions


def prepared_offtopic() -> list[str]:
    """The off-topic questions as `FaqMatcher._prepare` gives them for a school without synonyms."""
    analyzer = Analyzer({}, [])
    return [analyzer.analyze(q).repaired for q in offtopic_questions()]


def main() -> int:
    embedder, status = load_embedder()
    if embedder is None:
        print(status)
        return 1
    path = SHIPPED_VECTORS / f"{embedder.name}.npz"
    path.unlink(missing_ok=True)            # nothing stale survives
    store = VectorStore(embedder, SHIPPED_VECTORS, shipped=None)
    store.vectors("query", prepared_offtopic())
    print(f"wrote {store.embedded} vectors to {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
