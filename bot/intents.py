"""The bot's own features as intents, matched by the same machinery as the FAQ.

`config/intents.yaml` lists example sentences per intent; they are turned into a small
knowledge base (one entry per intent) and matched with words and meaning, so
"有没有北京的java岗位" runs a job search and "别再给我推送了" offers to pause pushes. An
intent fires only when the match is confident (thresholds fixed here, not derived:
these examples are few and ours), otherwise the question goes on to the FAQ.
"""
from __future__ import annotations

import logging
import threading
from pathlib import Path

import yaml

from .config import ROOT
from .kb.model import FaqEntry, KnowledgeBase
from .nlp.builder import MatcherBuilder
from .nlp.matcher import FaqMatcher
from .nlp.model import Thresholds

log = logging.getLogger(__name__)

INTENTS_FILE = ROOT / "config" / "intents.yaml"
CONFIDENT = Thresholds(answer=0.9, suggest=0.9, margin=1.0, source="config")


def load_intents(path: Path = INTENTS_FILE) -> KnowledgeBase:
    data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    entries = []
    for item in data:
        examples = [str(x) for x in item.get("examples") or []]
        if examples:
            entries.append(FaqEntry(id=str(item["id"]), category="intent", question=examples[0],
                                    answer=str(item["id"]), similar=tuple(examples[1:])))
    return KnowledgeBase(tuple(entries))


class IntentBook:
    """Words alone from the first message on; words and meaning once the model is in.

    `background`: the meaning side is built in a thread (a server), else at once (tests
    and the command line), the same way the knowledge base is.
    """

    def __init__(self, builder: MatcherBuilder, path: Path = INTENTS_FILE,
                 background: bool = False) -> None:
        self.builder = MatcherBuilder(fixed=CONFIDENT, embeddings=builder.embeddings,
                                      data_dir=builder.data_dir)
        self.path, self.background = path, background
        self._matcher: FaqMatcher | None = None
        self._lock = threading.Lock()

    def matcher(self) -> FaqMatcher:
        with self._lock:
            if self._matcher is not None:
                return self._matcher
            kb = load_intents(self.path)
            self._matcher = quick = self.builder.quick(kb)
        if self.background:
            threading.Thread(target=self._complete, args=(kb, quick), name="intents",
                             daemon=True).start()
        else:
            self._complete(kb, quick)
        return self._matcher

    def _complete(self, kb: KnowledgeBase, quick: FaqMatcher) -> None:
        try:
            full, _ = self.builder.full(kb, quick)
        except Exception:
            log.exception("intents stay on words alone")
            return
        with self._lock:
            self._matcher = full

    def match(self, text: str) -> str | None:
        """The intent `text` confidently asks for, or None."""
        result = self.matcher().match(text)
        return result.answer_id if result.decision == "answer" else None
