"""The dev schools tuning fits on (`bench/tuning_data.py`) load as a school's own files
would, and their questions name entries that exist: a typo in an id would silently
count as an off-topic question and teach the weights the wrong thing."""
from __future__ import annotations

import pytest

from bench.tuning_data import DATA, DEV_SCHOOLS, school
from bot.kb.loader import load_kb

KINDS = {"paraphrase", "typo", "homophone", "traditional", "chitchat", "english", "oneword",
         "long", "offtopic"}


@pytest.mark.parametrize("name", DEV_SCHOOLS)
def test_a_dev_school_loads_and_its_questions_name_its_entries(name):
    loaded = load_kb(DATA / f"kb_dev_{name}")
    assert loaded.kb is not None, loaded.problems
    kb, cases = school(name)
    ids = {e.id for e in kb.entries}
    assert len(ids) >= 60 and len(cases) >= 300
    assert {c["expect"] for c in cases} - {None} <= ids
    assert {c.get("kind") for c in cases} == KINDS
    assert sum(c["expect"] is None for c in cases) >= 50
    # Written as schools write them: a third or more of the entries with no other phrasing.
    assert 3 * sum(not e.similar for e in kb.entries) >= len(kb.entries)
