"""A server's first build of a knowledge base runs in a child process (`bot/nlp/prebuild.py`):
the child fills the caches and exits, the server builds from them as on a restart."""
from __future__ import annotations

import pickle
import subprocess
import sys
import threading

from bot.kb.model import FaqEntry, KnowledgeBase
from bot.nlp import prebuild
from bot.nlp.builder import MatcherBuilder
from bot.nlp.model import Thresholds

from .support.builders import ROOT


def _entry(id_: str, question: str, answer: str, *similar: str) -> FaqEntry:
    return FaqEntry(id=id_, category="就业", question=question, answer=answer, similar=similar)


KB = KnowledgeBase((
    _entry("lost", "三方协议丢了怎么办", "写一份情况说明，到就业指导中心补办。", "三方协议找不到了"),
    _entry("archive", "毕业后档案转到哪里", "有单位的转到单位，没有的转回生源地人才中心。", "档案寄到哪"),
    _entry("subsidy", "求职创业补贴怎么申请", "符合条件的毕业生在系统里申请，学院审核后发放。", "求职补贴"),
    _entry("fair", "校园招聘会在哪里看", "招聘会的时间地点在就业网的“招聘会”栏目发布。", "宣讲会时间"),
))

QUESTIONS = ["三方丢了咋办", "我的档案毕业以后寄去什么地方", "找工作的补贴怎么领", "食堂几点关门"]


def test_the_child_fills_the_caches_and_the_server_embeds_nothing_itself(tmp_path):
    served = MatcherBuilder(data_dir=tmp_path / "served", in_child=prebuild.in_child)
    matcher, report = served.full(KB)
    meaning = served.meaning()
    assert meaning is not None
    assert meaning.store.embedded == 0          # every text's vector came from the child
    assert list((tmp_path / "served" / "thresholds").glob("*.json"))

    alone = MatcherBuilder(data_dir=tmp_path / "alone")         # the same build, in-process
    same, same_report = alone.full(KB)
    assert alone.meaning().store.embedded > 0
    assert report == same_report
    assert (matcher.thresholds.answer, matcher.thresholds.suggest) == \
        (same.thresholds.answer, same.thresholds.suggest)
    for question in QUESTIONS:
        got, want = matcher.match(question), same.match(question)
        assert (got.decision, [c.id for c in got.candidates]) == (want.decision, [c.id for c in want.candidates])


def test_a_knowledge_base_built_before_starts_no_child(tmp_path):
    MatcherBuilder(data_dir=tmp_path).full(KB)
    asked = []
    again = MatcherBuilder(data_dir=tmp_path, in_child=lambda builder, kb: asked.append(kb) or True)
    again.full(KB)
    assert asked == []
    edited = KnowledgeBase(KB.entries[:3])
    again.full(edited)
    assert asked == [edited]                    # an edit is a new knowledge base: a child again


def test_when_the_child_fails_the_server_builds_it_itself(tmp_path):
    assert prebuild.run_in_child(b"not a pickled job") is False
    assert prebuild.run_in_child(pickle.dumps("a string, not a job")) is False
    builder = MatcherBuilder(data_dir=tmp_path,
                             in_child=lambda builder, kb: prebuild.run_in_child(b"broken"))
    matcher, report = builder.full(KB)
    assert builder.meaning().store.embedded > 0
    assert report is not None and matcher.match("三方丢了咋办").candidates[0].id == "lost"


def test_the_child_ends_as_soon_as_the_server_goes_away(tmp_path):
    """The server's end closes the pipe; the child stops before it has built anything."""
    job = prebuild.Job(KB, Thresholds(), True, tmp_path)
    child = subprocess.Popen([sys.executable, "-m", "bot.nlp.prebuild"], cwd=ROOT,
                             stdin=subprocess.PIPE, stderr=subprocess.PIPE)
    child.stdin.write(pickle.dumps(job))
    child.stdin.close()
    child.wait(timeout=120)
    assert child.returncode == 3, child.stderr.read().decode()
    assert not (tmp_path / "thresholds").exists()


def test_a_server_stopping_while_it_sends_the_job_is_no_error(tmp_path):
    """`python -m bot chat` whose input runs out at once stops while its first build is
    still handing the job over: the child gets half a job, and ends quietly."""
    job = pickle.dumps(prebuild.Job(KB, Thresholds(), True, tmp_path))
    for cut in (b"", job[:len(job) // 2]):
        child = subprocess.Popen([sys.executable, "-m", "bot.nlp.prebuild"], cwd=ROOT,
                                 stdin=subprocess.PIPE, stderr=subprocess.PIPE)
        _, err = child.communicate(cut, timeout=120)
        assert child.returncode == 3, err.decode()
        assert b"ERROR" not in err and b"Traceback" not in err
    assert not (tmp_path / "thresholds").exists()


def test_workers_starting_together_share_one_child(tmp_path, capfd):
    """`serve --workers 2` on an empty data folder: the second worker waits for the first
    one's child and finds the caches filled; the knowledge base is embedded once."""
    builders = [MatcherBuilder(data_dir=tmp_path, in_child=prebuild.in_child) for _ in range(2)]
    results = [None, None]

    def start(k: int) -> None:
        results[k] = prebuild.in_child(builders[k], KB)
    workers = [threading.Thread(target=start, args=(k,)) for k in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    assert results == [True, True]
    assert capfd.readouterr().err.count("阈值已按知识库自测确定") == 1     # one child's self-test
    for builder in builders:
        builder.full(KB)
        assert builder.meaning().store.embedded == 0


def test_a_data_folder_that_cannot_be_written_leaves_the_build_to_the_server(tmp_path):
    """A file stands where the data folder should be (tests run as root, so permissions
    would not stop a write): no child, no cache kept, and the server still builds with
    meaning. Before, the lock file's error, and the cleanup after a failed cache write,
    failed the whole build and left the bot on words alone."""
    blocked = tmp_path / "data"
    blocked.write_text("not a folder", encoding="utf-8")
    builder = MatcherBuilder(data_dir=blocked, in_child=prebuild.in_child)
    assert prebuild.in_child(builder, KB) is False
    matcher, report = builder.full(KB)
    assert report is not None and matcher.semantic is not None
    assert matcher.match("三方丢了咋办").candidates[0].id == "lost"
