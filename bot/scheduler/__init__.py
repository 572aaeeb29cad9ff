"""The scheduler facade: named jobs, one entry point, the raw APScheduler still reachable.

Every process may run one; jobs only do work in the process holding the leader lock,
which every instance keeps trying to take, so another takes over when the leader dies.
"""
from __future__ import annotations

import logging
from typing import Callable

from apscheduler.schedulers.background import BackgroundScheduler

from ..store import StoreUnavailable
from ..store.leader import LeaderLock

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, lock: LeaderLock, raw: BackgroundScheduler | None = None) -> None:
        self.lock = lock
        self.raw = raw or BackgroundScheduler(timezone="Asia/Shanghai")
        self.jobs: dict[str, Callable[[], object]] = {}
        self.raw.add_job(self._lease, "interval", seconds=max(lock.lease / 3, 0.5),
                         id="_lease", max_instances=1, coalesce=True)

    def every(self, name: str, seconds: float, func: Callable[[], object]) -> None:
        """Run `func` every `seconds`, in the leader only; overlapping runs are skipped."""
        self.jobs[name] = func
        self.raw.add_job(self.run_now, "interval", seconds=seconds, args=[name], id=name,
                         replace_existing=True, max_instances=1, coalesce=True)

    def run_now(self, name: str) -> bool:
        """Run a named job once if this process leads; errors are logged, never fatal."""
        if not self.lock.is_leader:
            return False
        try:
            self.jobs[name]()
        except Exception:
            log.exception("scheduled job %s failed; it runs again at its next time", name)
        return True

    def _lease(self) -> None:
        was = self.lock.is_leader
        try:
            now = self.lock.try_acquire()
        except StoreUnavailable as exc:
            log.warning("could not renew the scheduler lease: Redis is not answering (%s)", exc)
            self.lock.is_leader = False
            return
        except Exception:
            log.exception("could not renew the scheduler lease")
            self.lock.is_leader = False
            return
        if now != was:
            log.info("scheduler %s %s leadership", self.lock.owner, "took" if now else "lost")

    def start(self) -> None:
        self._lease()
        self.raw.start()

    def shutdown(self) -> None:
        self.raw.shutdown(wait=False)
        if self.lock.is_leader:
            self.lock.release()
