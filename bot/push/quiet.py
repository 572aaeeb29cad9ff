"""Quiet hours: nothing is pushed between, by default, 22:00 and 08:00 Asia/Shanghai."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta

from ..clock import SHANGHAI
from ..settings import QuietHoursSettings


@dataclass(frozen=True)
class QuietHours:
    start: time
    end: time

    @classmethod
    def from_settings(cls, s: QuietHoursSettings) -> "QuietHours":
        return cls(time.fromisoformat(s.start), time.fromisoformat(s.end))

    def active(self, now: datetime) -> bool:
        t = now.astimezone(SHANGHAI).time()
        if self.start == self.end:
            return False
        if self.start < self.end:
            return self.start <= t < self.end
        return t >= self.start or t < self.end

    def ends_after(self, now: datetime) -> datetime:
        """When the quiet period containing `now` ends (`now` itself if not quiet)."""
        if not self.active(now):
            return now
        local = now.astimezone(SHANGHAI)
        end = local.replace(hour=self.end.hour, minute=self.end.minute, second=0, microsecond=0)
        if end <= local:
            end += timedelta(days=1)
        return end
