"""The benchmarks `make bench` runs still run: they are not part of the suite, so a changed
signature or a new data file broke them unnoticed (`connect()` gained its settings; the
career-worded dev batches matched the intents bench's glob of dev schools). Small sizes
here; each benchmark also checks its index against the naive loop it is compared with."""
from __future__ import annotations

import pytest

from bench import intents, profile_match, push_match


@pytest.mark.parametrize("module,size", [(profile_match, "PROFILES"), (push_match, "SUBSCRIPTIONS")])
def test_a_matching_benchmark_runs_and_its_index_agrees_with_the_naive_loop(monkeypatch, module, size):
    monkeypatch.setattr(module, size, 600)
    monkeypatch.setattr(module, "JOBS", 40)
    monkeypatch.setattr(module, "SAMPLE", 600)
    result = module.run()           # asserts index == naive on the sample itself
    assert result["jobs"] == 40 and result["pairs"] > 0


def test_the_intents_benchmark_asks_each_faq_set_against_its_own_knowledge_base():
    for family, pairs in intents.FAQ_SETS.items():
        for kb_dir, cases in pairs:
            assert (kb_dir / "faq").is_dir() and cases.is_file(), (family, kb_dir)
    assert len(intents.FAQ_SETS["dev"]) == 9
