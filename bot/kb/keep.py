"""The last knowledge base that loaded without errors, kept on disk under BOT_DATA_DIR.

A staff edit with a typo must never leave the bot without answers, not even after a
restart: every load reads a copy of the files (`stage`), and a copy that loads cleanly
becomes the kept one (`promote`), so what is kept is byte for byte what was served.
The copy keeps the knowledge folder's own name, so problems read `knowledge/faq/x.yaml:3`
whichever copy they were found in.
"""
from __future__ import annotations

import os
import shutil
from datetime import datetime, timezone
from pathlib import Path

from .loader import watched_files

GOOD, STAGING = "knowledge-last-good", "knowledge-staging"


class KeptKnowledge:
    def __init__(self, data_dir: Path, kb_dir: Path) -> None:
        self.data_dir, self.kb_dir, self.name = data_dir, kb_dir, kb_dir.name

    def stage(self) -> Path:
        """A fresh copy of the knowledge base's files, to load from (one per process)."""
        root = self.data_dir / f"{STAGING}-{os.getpid()}"
        shutil.rmtree(root, ignore_errors=True)
        target = root / self.name
        (target / "faq").mkdir(parents=True)
        for path in watched_files(self.kb_dir):
            if path.is_file():
                shutil.copy2(path, target / path.relative_to(self.kb_dir))
        return target

    def discard(self, staged: Path) -> None:
        shutil.rmtree(staged.parent, ignore_errors=True)

    def promote(self, staged: Path) -> None:
        """The staged copy loaded cleanly: it becomes the kept one."""
        (self.data_dir / GOOD).mkdir(parents=True, exist_ok=True)
        good = self.data_dir / GOOD / self.name
        old = self.data_dir / GOOD / f"{self.name}.old-{os.getpid()}"
        try:
            os.replace(good, old)
        except FileNotFoundError:
            pass
        try:
            os.replace(staged, good)
        except OSError:             # another process of the bot kept an equally good one
            pass
        self.discard(staged)
        shutil.rmtree(old, ignore_errors=True)

    def kept(self) -> Path | None:
        """The kept copy, if any (an older one if a promote was cut short)."""
        root = self.data_dir / GOOD
        candidates = [root / self.name, *sorted(root.glob(f"{self.name}.old-*"),
                                                key=lambda p: p.stat().st_mtime, reverse=True)]
        for path in candidates:
            if (path / "faq").is_dir():
                return path
        return None

    @staticmethod
    def saved_at(path: Path) -> str:
        stamp = datetime.fromtimestamp(path.stat().st_mtime, timezone.utc).astimezone()
        return stamp.strftime("%Y-%m-%d %H:%M")
