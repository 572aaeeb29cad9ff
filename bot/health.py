"""What /healthz reports besides Redis and the knowledge base: parts a process runs.

A part that runs in the background (the sender) registers a check when it starts; the
check says what is wrong in a short Chinese phrase, or None while all is well. The bot
stays "degraded", not down, while it can still answer students.
"""
from __future__ import annotations

import logging
import threading
from typing import Callable

log = logging.getLogger(__name__)

Check = Callable[[], "str | None"]


class Health:
    def __init__(self) -> None:
        self._checks: dict[str, Check] = {}
        self._lock = threading.Lock()

    def add(self, name: str, check: Check) -> None:
        with self._lock:
            self._checks[name] = check

    def remove(self, name: str) -> None:
        with self._lock:
            self._checks.pop(name, None)

    def problems(self) -> dict[str, str]:
        """Each registered part that is not well, with what is wrong."""
        with self._lock:
            checks = dict(self._checks)
        out = {}
        for name, check in checks.items():
            try:
                problem = check()
            except Exception as exc:          # a failing check is itself a problem to show
                problem = f"无法检查（{exc.__class__.__name__}）"
            if problem:
                out[name] = problem
        return out
