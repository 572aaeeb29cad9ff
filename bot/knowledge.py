"""The knowledge base being served, and picking up staff edits without a restart.

A reload builds the new matcher completely before swapping it in; an edit with errors
is logged with its `file:line` and the last good knowledge base keeps answering. With a
data directory, the last good one is also kept on disk (`kb.keep`), so a bot restarted
while a file has an error starts with it, loudly: the log and /healthz name the broken
file and line until the file is fixed.

A new knowledge base answers at once on words alone; the meaning model and the
thresholds from its self-test are added off the request path (`background`), or before
`reload` returns (the command-line tools and tests).
"""
from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Callable

from . import metrics
from .building import building
from .kb.filecache import FileCache
from .kb.keep import KeptKnowledge
from .kb.loader import LoadResult, Problem, load_kb, watched_files
from .kb.model import KnowledgeBase
from .nlp.builder import MatcherBuilder
from .nlp.matcher import FaqMatcher
from .nlp.thresholds import SelfTest
from .memory import release_memory

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    kb: KnowledgeBase
    matcher: FaqMatcher


class KnowledgeProvider:
    def __init__(self, kb_dir: Path, builder: MatcherBuilder | None = None,
                 today: Callable[[], date] = date.today, background: bool = False,
                 keep_dir: Path | None = None) -> None:
        self.kb_dir = kb_dir
        self.builder = builder or MatcherBuilder()
        self.background = background
        self.self_test: SelfTest | None = None
        self.complete = False          # the meaning model and derived thresholds are in
        self._version = 0
        self._today = today
        self._keep = KeptKnowledge(keep_dir, kb_dir) if keep_dir is not None else None
        self.files = FileCache()       # parsed files by content: an edit re-parses its file
        self._current: Loaded | None = None
        self._fingerprint: tuple = ()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self.last_problems: list[Problem] = []
        self.serving_kept: str | None = None    # set when serving the copy kept on disk
        self.last_loaded_at: float | None = None
        # Called after a new knowledge base is complete (the workbench re-checks then).
        self.listeners: list[Callable[[], None]] = []

    @property
    def current(self) -> Loaded:
        if self._current is None:
            self.reload()
        if self._current is None:
            raise RuntimeError("knowledge base has errors: " +
                               "; ".join(map(str, self.last_problems[:3])))
        return self._current

    @property
    def errors(self) -> list[Problem]:
        """What is wrong with the files as they are now (empty when they loaded)."""
        return [p for p in self.last_problems if not p.warning]

    def _stat(self) -> tuple:
        out = []
        for path in watched_files(self.kb_dir):
            try:
                st = path.stat()
                out.append((str(path), st.st_mtime_ns, st.st_size))
            except FileNotFoundError:
                continue
        return tuple(out)

    def reload(self) -> LoadResult:
        """Load now; swap in only a knowledge base without errors."""
        with self._lock:
            fingerprint = self._stat()
            source = self._keep.stage() if self._keep else self.kb_dir
            with building(freeze=True):
                result = load_kb(source, today=self._today(), cache=self.files)
            if self._keep and result.kb is None:
                self._keep.discard(source)
            self._fingerprint = fingerprint
            self.last_problems = result.problems
            metrics.kb_reload(result.kb is not None)
            for p in result.problems:
                (log.warning if p.warning else log.error)("%s", p)
            if result.kb is None:
                if self._current is not None:
                    log.error("知识库修改有错误，继续使用上一个正确版本（%d 条问答）",
                              len(self._current.kb.entries))
                    return result
                kb = self._kept_kb()
                if kb is None:
                    return result
            else:
                kb = result.kb
                if self._keep:
                    self._keep.promote(source)
                self.serving_kept = None
                log.info("知识库已加载：%d 条问答", len(kb.entries))
                expired = kb.expired(self._today())
                if expired:
                    log.warning("这些问答已过有效期（valid_until），回答时会提醒学生核实：%s",
                                "、".join(expired))
            with building(freeze=True):
                quick = self.builder.quick(kb)
            self._current = Loaded(kb, quick)
            self.last_loaded_at = time.time()
            self._version += 1
            self.complete = False
            version = self._version
        if self.background:
            threading.Thread(target=self._complete, args=(kb, quick, version),
                             name="kb-complete", daemon=True).start()
        else:
            self._complete(kb, quick, version)
        return result

    def _kept_kb(self) -> KnowledgeBase | None:
        """No knowledge base yet and the files have errors: the one kept on disk."""
        kept = self._keep.kept() if self._keep else None
        if kept is None:
            return None
        good = load_kb(kept, today=self._today())
        if good.kb is None:
            log.error("上次保存的正确知识库（%s）也无法加载", kept)
            return None
        self.serving_kept = KeptKnowledge.saved_at(kept)
        first = self.errors[0] if self.errors else "?"
        log.error("知识库文件有错误（%s），已改用上次正确的版本启动：%d 条问答，保存于 %s（%s）。"
                  "改正文件并保存后几秒内自动生效", first, len(good.kb.entries),
                  self.serving_kept, kept)
        return good.kb

    def _complete(self, kb: KnowledgeBase, quick: FaqMatcher, version: int) -> None:
        """Add meaning and the knowledge base's own thresholds, unless a newer KB came."""
        try:
            with building(freeze=True):
                matcher, report = self.builder.full(kb, quick)
        except Exception:
            log.exception("could not add the meaning model; answering on words alone")
            return
        with self._lock:
            if version != self._version:
                return
            self._current = Loaded(kb, matcher)
            self.self_test = report
            self.complete = True
        del quick, matcher
        release_memory()
        for listener in list(self.listeners):
            try:
                listener()
            except Exception:
                log.exception("a knowledge-base listener failed")

    def check(self) -> bool:
        """Reload if any file changed since the last load; True if a reload was tried."""
        if self._stat() == self._fingerprint:
            return False
        self.reload()
        return True

    def watch(self, interval: float) -> threading.Thread:
        """Check for edits every `interval` seconds in a daemon thread."""
        def loop() -> None:
            while not self._stop.wait(interval):
                try:
                    self.check()
                except Exception:  # a watcher that dies would silently stop reloads
                    log.exception("knowledge base reload failed")
        thread = threading.Thread(target=loop, name="kb-watch", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        self._stop.set()
