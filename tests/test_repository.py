"""The repository itself: nothing it tracks is also ignored (an ignored file that is
tracked, such as knowledge/synonyms.yaml once was reported to be, silently stops taking
new copies: `git add` skips it and a staff edit never reaches the other servers)."""
from __future__ import annotations

import subprocess

from .support.builders import ROOT


def test_no_tracked_file_is_ignored():
    r = subprocess.run(["git", "ls-files", "--cached", "--ignored", "--exclude-standard"],
                       cwd=ROOT, capture_output=True, text=True, timeout=60)
    assert r.returncode == 0, r.stderr
    assert r.stdout.split() == []


def test_the_knowledge_base_and_the_vocabulary_are_not_ignored():
    paths = ["knowledge/synonyms.yaml", "knowledge/faq/new-topic.yaml", "config/job_vocab.yaml"]
    r = subprocess.run(["git", "check-ignore", "--no-index", *paths], cwd=ROOT,
                       capture_output=True, text=True, timeout=60)
    assert r.returncode == 1 and r.stdout == ""          # 1: none of them is ignored
