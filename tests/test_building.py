"""Background builds change two process-wide settings (the collector, the switch interval)
and must always put them back: overlapping builds, a build that fails, a reload."""
from __future__ import annotations

import gc
import sys
import weakref

import pytest

from bot.building import BUILD_SWITCH_INTERVAL, building
from bot.knowledge import KnowledgeProvider
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds


def _state() -> tuple[bool, float]:
    return gc.isenabled(), sys.getswitchinterval()


def test_a_build_pauses_the_collector_and_switches_threads_often_then_restores_both():
    before = _state()
    assert before[0], "the collector is on in a normal test process"
    with building():
        assert not gc.isenabled()
        assert sys.getswitchinterval() == pytest.approx(BUILD_SWITCH_INTERVAL)
    assert _state() == before


def test_overlapping_builds_restore_only_when_the_last_one_ends():
    before = _state()
    first, second = building(), building()
    first.__enter__()
    second.__enter__()
    first.__exit__(None, None, None)          # the first to start ends first
    assert not gc.isenabled()
    assert sys.getswitchinterval() == pytest.approx(BUILD_SWITCH_INTERVAL)
    second.__exit__(None, None, None)
    assert _state() == before


def test_a_failing_build_restores_the_settings():
    before = _state()
    with pytest.raises(ValueError):
        with building(freeze=True):
            raise ValueError("broken")
    assert _state() == before


def test_what_a_long_lived_build_made_is_kept_out_of_later_collections():
    frozen = gc.get_freeze_count()
    with building(freeze=True):
        built = [[i] for i in range(5000)]
    assert gc.get_freeze_count() >= frozen + len(built)
    frozen = gc.get_freeze_count()
    with building():                              # a short-lived build: nothing frozen
        scratch = [[i] for i in range(5000)]
    assert gc.get_freeze_count() < frozen + len(scratch)


def test_reloads_good_and_broken_leave_the_settings_as_they_were(kb_copy):
    before = _state()
    provider = KnowledgeProvider(kb_copy, MatcherBuilder(fixed=Thresholds()))
    provider.reload()
    assert provider.current.matcher.match("三方协议丢了怎么办").answer_id
    assert _state() == before
    faq = kb_copy / "faq" / "shouxu.yaml"
    faq.write_text(faq.read_text(encoding="utf-8") + "- id: broken\n  question: [unclosed\n",
                   encoding="utf-8")
    provider.reload()
    assert provider.errors
    assert _state() == before


def test_garbage_left_during_a_long_lived_build_is_collected_not_frozen_forever():
    class Node:
        pass

    built = Node()
    left: list[weakref.ref] = []
    with building(freeze=True):
        for _ in range(200):              # what a reply leaves meanwhile: a cycle of garbage
            a, b = Node(), Node()
            a.other, b.other = b, a
            left += [weakref.ref(a), weakref.ref(b)]
        del a, b
    assert all(ref() is None for ref in left)      # collected, not frozen with the build
    assert gc.get_freeze_count() > 0 and isinstance(built, Node)
